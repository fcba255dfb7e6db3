"""The deployment's own records in the database (not a bounded context's)."""

from piccolo.columns import Timestamptz, Varchar
from piccolo.table import Table


class KeyFingerprint(Table, tablename="config_key_fingerprint"):
    """The fingerprint of each shared key (an HMAC of a fixed label under the key, never the
    key) as the database first saw it: an instance started with another key is refused."""

    name = Varchar(length=60, unique=True)
    fingerprint = Varchar(length=64)
    recorded_at = Timestamptz()
