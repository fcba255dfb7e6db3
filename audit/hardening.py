"""Taking UPDATE, DELETE and TRUNCATE on the audit log away from the app's database role.

A migration cannot know which role the app connects as, so ``tenderdesk audit harden --role
NAME`` does it (run it as the tables' owner or a superuser, after ``tenderdesk migrate``): the
role keeps SELECT and INSERT on ``audit_event`` (and the id sequence), and loses every right to
change or remove events. The trigger the migration installed refuses those changes too; only
the table's owner can switch it off, which is why the app should not run as the owner (the
report warns when it does). ``--print-sql`` shows the statements instead of running them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from audit.service import record
from common.identity import Actor
from config.database import is_sqlite, raw, transaction

TABLE = "audit_event"
_ROLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$.-]{0,62}$")


class HardeningError(RuntimeError):
    """The role cannot be hardened (unknown role, not PostgreSQL): the message says why."""


def quoted_role(role: str) -> str:
    if not _ROLE_NAME.match(role):
        raise HardeningError(f"{role!r} is not a role name")
    return '"' + role.replace('"', '""') + '"'


def statements(role: str, sequence: str = f"{TABLE}_id_seq") -> list[str]:
    """The SQL that leaves ``role`` reading and appending audit events, nothing more."""
    name = quoted_role(role)
    return [
        f"REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON {TABLE} FROM PUBLIC",
        f"REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON {TABLE} FROM {name}",
        f"GRANT SELECT, INSERT ON {TABLE} TO {name}",
        f'GRANT USAGE, SELECT ON SEQUENCE "{sequence}" TO {name}',
    ]


@dataclass(frozen=True)
class Hardened:
    role: str
    privileges: dict[str, bool]
    warnings: list[str] = field(default_factory=list)


async def _sequence() -> str:
    rows = await raw("SELECT pg_get_serial_sequence({}, 'id') AS name", TABLE)
    name = rows[0]["name"] if rows else None
    return (name or f"{TABLE}_id_seq").split(".")[-1].strip('"')


async def privileges(role: str) -> dict[str, bool]:
    found = {}
    for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"):
        rows = await raw("SELECT has_table_privilege({}, {}, {}) AS ok", role, TABLE, privilege)
        found[privilege] = bool(rows[0]["ok"])
    return found


async def harden(role: str, actor: Actor | None = None) -> Hardened:
    """Revoke every right but SELECT and INSERT on the audit log from ``role``, on record."""
    if is_sqlite():
        raise HardeningError(
            "roles and grants exist on PostgreSQL only; on SQLite, keep the "
            "data dir readable by the service's own user only"
        )
    quoted_role(role)
    found = await raw("SELECT rolsuper FROM pg_roles WHERE rolname = {}", role)
    if not found:
        raise HardeningError(f"there is no database role {role!r}")
    warnings = []
    if found[0]["rolsuper"]:
        warnings.append(
            f"{role} is a superuser: grants do not bind it and it can switch the "
            "trigger off. Run the app as an ordinary role."
        )
    owner = await raw("SELECT tableowner FROM pg_tables WHERE tablename = {}", TABLE)
    if owner and owner[0]["tableowner"] == role:
        warnings.append(
            f"{role} owns {TABLE}: an owner can grant itself the rights back and "
            "switch the trigger off. Run migrations as the owner and the app as "
            "another role."
        )
    async with transaction():
        for statement in statements(role, await _sequence()):
            await raw(statement)
        rights = await privileges(role)
        await record(
            actor or Actor.system("cli"),
            "audit.hardened",
            "audit",
            "chain",
            after={"role": role, "privileges": rights},
        )
    return Hardened(role, rights, warnings)
