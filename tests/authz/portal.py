"""Routes of the supplier and applicant portal, and the officer's page of an organisation.

"portal" is a signed-in portal account (tests/portal walks those routes with two
organisations); no back-office role is ever let into the portal's own pages.
"""

from tests.authz import PUBLIC

PORTAL = frozenset({"portal"})
# Registering and signing in: anonymous callers and portal accounts, never a back-office session.
OUTSIDE = frozenset({"anonymous", "portal"})
OFFICER_OR_ADMIN = frozenset({"officer", "admin"})

ROUTES = {
    ("GET", "/portal"): PORTAL,
    ("GET", "/portal/register"): OUTSIDE,
    ("POST", "/portal/register"): OUTSIDE,
    ("GET", "/portal/verify/{token:str}"): OUTSIDE,
    ("GET", "/portal/login"): OUTSIDE,
    ("POST", "/portal/login"): OUTSIDE,
    ("POST", "/portal/logout"): PORTAL,
    ("GET", "/portal/organisation"): PORTAL,
    ("POST", "/portal/organisation/members/{membership_id:int}/{decision:str}"): PORTAL,
    ("GET", "/portal/invitations/{token:str}"): OUTSIDE,
    ("POST", "/portal/invitations/{token:str}"): OUTSIDE,
    ("GET", "/portal/tenders"): PUBLIC,
    ("GET", "/portal/tenders/{tender_id:int}"): PUBLIC,
    ("GET", "/portal/tenders/{tender_id:int}/documents/{document_id:int}"): PUBLIC,
    ("POST", "/portal/tenders/{tender_id:int}/questions"): PORTAL,
    ("GET", "/portal/tenders/{tender_id:int}/bids"): PORTAL,
    ("POST", "/portal/tenders/{tender_id:int}/bids"): PORTAL,
    ("GET", "/portal/tenders/{tender_id:int}/bids/{bid_id:int}"): PORTAL,
    ("POST", "/portal/tenders/{tender_id:int}/bids/{bid_id:int}/withdraw"): PORTAL,
    ("GET", "/portal/inbox"): PORTAL,
    ("GET", "/portal/inbox/letters/{file_id:int}"): PORTAL,
    ("GET", "/portal/rounds"): PORTAL,
    ("GET", "/portal/rounds/{round_id:int}"): PORTAL,
    ("POST", "/portal/rounds/{round_id:int}/apply"): PORTAL,
    ("GET", "/portal/applications"): PORTAL,
    ("GET", "/portal/applications/{application_id:int}"): PORTAL,
    ("POST", "/portal/applications/{application_id:int}"): PORTAL,
    ("POST", "/portal/applications/{application_id:int}/files"): PORTAL,
    ("GET", "/portal/applications/{application_id:int}/files/{file_id:int}"): PORTAL,
    ("POST", "/portal/applications/{application_id:int}/accept"): PORTAL,
    ("POST", "/portal/applications/{application_id:int}/reports/{report_id:int}"): PORTAL,
    ("POST", "/portal/applications/{application_id:int}/settlement"): PORTAL,
    ("GET", "/organisations"): OFFICER_OR_ADMIN,
    ("GET", "/organisations/{organisation_id:int}"): OFFICER_OR_ADMIN,
    ("POST", "/organisations/{organisation_id:int}/invite"): OFFICER_OR_ADMIN,
    ("POST", "/organisations/{organisation_id:int}/natural-person"): OFFICER_OR_ADMIN,
    (
        "POST",
        "/organisations/{organisation_id:int}/members/{membership_id:int}/{decision:str}",
    ): OFFICER_OR_ADMIN,
}
