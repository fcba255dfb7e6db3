from piccolo.columns import Boolean, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from organisations.tables import Organisation


class PortalAccount(Table, tablename="portal_account"):
    """A person of a supplier or applicant; never a back-office user (accounts.User).

    Until the email address is verified the organisation asked for is kept here; at
    verification it is looked up in (or added to) the registry and a membership requested.
    """

    email = Varchar(length=254, unique=True, index=True)
    name = Varchar(length=200)
    password_hash = Varchar(length=255)
    language = Varchar(length=5, default="")
    active = Boolean(default=True)
    verified_at = Timestamptz(null=True, default=None)
    requested_country = Varchar(length=2, default="")
    requested_registration_number = Varchar(length=20, default="")
    requested_organisation_name = Varchar(length=200, default="")
    requested_natural_person = Boolean(default=False)  # a sole trader (a new organisation only)
    last_login_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class PortalMembership(Table, tablename="portal_membership"):
    """A portal account acts for one organisation: pending until a member or an officer
    approves it; role member or signatory (portal.domain.OrgRole)."""

    account = ForeignKey(
        references=PortalAccount, on_delete=OnDelete.cascade, unique=True, index=True
    )
    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.restrict, index=True)
    role = Varchar(length=20, default="member")
    status = Varchar(length=20, default="pending", index=True)
    invited = Boolean(default=False)
    requested_at = Timestamptz()
    decided_at = Timestamptz(null=True, default=None)
    decided_by = Varchar(length=255, default="")
