from piccolo.columns import BigInt, Integer, Text, Timestamptz, Varchar
from piccolo.table import Table


class AuditEvent(Table, tablename="audit_event"):
    """One event in the chain. Rows are only ever inserted, never updated or deleted (on
    PostgreSQL a trigger refuses both, and TRUNCATE; see audit.hardening)."""

    seq = BigInt(unique=True, index=True)
    occurred_at = Timestamptz()
    actor_id = Integer(null=True, default=None)
    actor = Varchar(length=255)
    action = Varchar(length=100, index=True)
    object_type = Varchar(length=100, index=True)
    object_id = Varchar(length=100, index=True)
    before = Text(null=True, default=None)
    after = Text(null=True, default=None)
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)
