from piccolo.columns import Boolean, Bytea, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from authorities.tables import Authority


class User(Table, tablename="accounts_user"):
    email = Varchar(length=254, unique=True, index=True)
    name = Varchar(length=200)
    role = Varchar(length=20)
    password_hash = Varchar(length=255)
    language = Varchar(length=5, default="en")
    active = Boolean(default=True)
    last_login_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class Membership(Table, tablename="accounts_membership"):
    """A user works for a contracting authority; officers and finance see its procedures."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    authority = ForeignKey(references=Authority, on_delete=OnDelete.cascade, index=True)


class LoginThrottle(Table, tablename="accounts_login_throttle"):
    """Failed password checks per client address (``address:…``) or per account (``account:``
    and the email address as typed, known or not): see accounts.domain.ThrottlePolicy."""

    key = Varchar(length=300, unique=True, index=True)
    failures = Integer(default=0)
    last_failure_at = Timestamptz(null=True, default=None)


class WebSession(Table, tablename="accounts_session"):
    """Server-side session data, keyed by the random id in the session cookie; ``user_id`` is
    the signed-in user's (null before sign-in), so that a password change can end the others."""

    key = Varchar(length=128, unique=True, index=True)
    data = Bytea()
    expires_at = Timestamptz(index=True)
    user_id = Integer(null=True, default=None, index=True)
