from piccolo.columns import BigInt, Timestamptz, Varchar
from piccolo.table import Table


class StoredFile(Table, tablename="documents_file"):
    """A file kept in the data dir under its SHA-256; the row holds its name and type."""

    sha256 = Varchar(length=64, index=True)
    size = BigInt()
    filename = Varchar(length=255)
    content_type = Varchar(length=150)
    created_at = Timestamptz()
    created_by = Varchar(length=255)
