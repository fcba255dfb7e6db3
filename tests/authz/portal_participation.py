"""Requests to participate: the supplier's pages in the portal (a member of the organisation)
and the officers' opening and downloads of the requests' files."""

from tests.authz import OFFICER

PORTAL = frozenset({"portal"})
READERS = frozenset({"officer", "admin", "finance"})

ROUTES = {
    ("GET", "/portal/tenders/{tender_id:int}/participation"): PORTAL,
    ("POST", "/portal/tenders/{tender_id:int}/participation"): PORTAL,
    ("POST", "/portal/tenders/{tender_id:int}/participation/withdraw"): PORTAL,
    ("POST", "/tenders/{tender_id:int}/candidates/open"): OFFICER,
    ("GET", "/tenders/{tender_id:int}/candidates/{candidate_id:int}/files/{file_id:int}"): READERS,
}
