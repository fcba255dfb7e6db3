from piccolo.columns import BigInt, Bytea, ForeignKey, Integer, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from authorities.tables import Authority


class StoredFile(Table, tablename="documents_file"):
    """A file kept under its SHA-256 (in the configured storage: see documents.blobs); the row
    holds its name and type."""

    sha256 = Varchar(length=64, index=True)
    size = BigInt()
    filename = Varchar(length=255)
    content_type = Varchar(length=150)
    created_at = Timestamptz()
    created_by = Varchar(length=255)


class LetterTemplate(Table, tablename="documents_letter_template"):
    """An authority's own template for one kind of letter in one language (letterhead,
    signature), replacing the default. ``slot`` ("<authority>:<kind>:<language>") keeps one
    per combination."""

    slot = Varchar(length=80, unique=True)
    authority = ForeignKey(Authority, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=40)
    language = Varchar(length=5)
    file = ForeignKey(StoredFile, on_delete=OnDelete.restrict)
    uploaded_at = Timestamptz()
    uploaded_by = Varchar(length=255)


class Blob(Table, tablename="documents_blob"):
    """The content of stored files in the database (the postgres storage), once per SHA-256;
    its bytes are in ``documents_blob_chunk``. ``last_used_at`` is moved on each reuse so that
    a sweep never removes a blob a transaction is about to refer to."""

    sha256 = Varchar(length=64, unique=True)
    size = BigInt()
    chunks = Integer()
    created_at = Timestamptz()
    last_used_at = Timestamptz()


class BlobChunk(Table, tablename="documents_blob_chunk"):
    """One piece of a blob, in order (``seq`` from 0); (blob, seq) is unique."""

    blob = ForeignKey(Blob, on_delete=OnDelete.cascade)
    seq = Integer()
    data = Bytea()
