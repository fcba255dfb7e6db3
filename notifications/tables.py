from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from documents.tables import StoredFile


class OutboxMessage(Table, tablename="notifications_outbox"):
    """A mail message waiting to be sent, sent, or given up on (never deleted)."""

    kind = Varchar(length=40, index=True)
    dedupe_key = Varchar(length=200, null=True, default=None, unique=True)
    recipient = Varchar(length=254)
    recipient_name = Varchar(length=200, default="")
    language = Varchar(length=5)
    subject = Varchar(length=300)
    body = Text()
    object_type = Varchar(length=60, default="")
    object_id = Varchar(length=60, default="")
    status = Varchar(length=12, index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(index=True)
    claimed_at = Timestamptz(null=True, default=None)
    claimed_by = Varchar(length=120, default="")  # the sending process (common.instance)
    last_error = Text(default="")
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)


class OutboxAttachment(Table, tablename="notifications_attachment"):
    message = ForeignKey(references=OutboxMessage, on_delete=OnDelete.cascade, index=True)
    file = ForeignKey(references=StoredFile, on_delete=OnDelete.restrict)
