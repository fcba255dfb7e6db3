from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from accounts.tables import User
from documents.tables import StoredFile


class Job(Table, tablename="jobs_job"):
    """One piece of long work: what (``kind`` and its JSON ``payload``), for whom, how far
    (``done`` of ``total``), which instance runs it and when it last said so (``heartbeat_at``:
    a running job whose instance stopped saying so is picked up again by another).
    ``active_key`` is set while queued or running, so that the same work is queued once."""

    kind = Varchar(length=60)
    payload = Text(default="{}")
    title = Text(default="")  # a Message (JSON): what the job does, for its page
    state = Varchar(length=12, index=True)
    active_key = Varchar(length=200, null=True, default=None, unique=True)
    owner = ForeignKey(User, on_delete=OnDelete.set_null, null=True, index=True)
    owner_label = Varchar(length=255, default="")
    return_url = Varchar(length=300, default="")
    done = Integer(default=0)
    total = Integer(default=0)
    attempts = Integer(default=0)
    max_attempts = Integer(default=3)
    run_after = Timestamptz()
    claimed_by = Varchar(length=120, default="")
    heartbeat_at = Timestamptz(null=True, default=None)
    summary = Text(default="")  # a Message (JSON) when done
    error = Text(default="")  # a Message (JSON) when failed
    result_file = ForeignKey(StoredFile, on_delete=OnDelete.restrict, null=True)
    created_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
