from piccolo.columns import BigInt, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from authorities.tables import Authority


class StoredFile(Table, tablename="documents_file"):
    """A file kept in the data dir under its SHA-256; the row holds its name and type."""

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
