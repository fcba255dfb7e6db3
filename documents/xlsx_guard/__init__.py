"""Reading uploaded .xlsx workbooks within bounds: every input refused by name or read, in
bounded time and memory.

An upload is read straight from its zip with the standard library, never with openpyxl
(whose read-only mode cannot bound what one row, one style table or one gap between row
numbers costs):

- :func:`check_container` and :class:`Package` (``container``) check the container before
  any XML is parsed: a zip of known parts (an allow-list of what Excel and LibreOffice
  save), no macros, no OLE objects, no external links, sane sizes. Reading a member turns
  every zip error (a bad CRC, the encryption flag, an unknown compression method) into a
  refusal naming the part.
- :meth:`Package.rows` (``rows``) streams a worksheet's rows as they are written, with the
  limits the caller derives from what the sheet may hold (rows, columns, highest row
  number, elements, text per cell), checked while parsing, before anything grows. Rows come
  back only as they are in the file (a gap between row numbers costs nothing), strictly
  increasing; a row or a cell given twice is refused.
- Every part is guarded as defusedxml guards: a document type declaration is refused before
  the part's body is parsed (without one no entity can be declared).
- A deadline (:class:`Budget`) stops reading after a fixed time.

Messages quote at most :data:`QUOTE` characters of what was read (:func:`quoted`). The limits and
the shapes of a read cell are in ``limits``; :class:`Book` (``book``) gives the values as a
spreadsheet shows them. Import from ``documents.xlsx_guard``.
"""

from documents.xlsx_guard.book import Book, Formula
from documents.xlsx_guard.container import Package, check_container
from documents.xlsx_guard.limits import (
    MAIN,
    MAX_BYTES,
    MAX_CELLS_PER_ROW,
    MAX_PROBLEMS,
    MAX_STYLES,
    MAX_TEXT,
    MAX_UNCOMPRESSED,
    QUOTE,
    ROW_BYTES,
    SECONDS,
    Budget,
    Cell,
    Limits,
    Row,
    SheetInfo,
    capped,
    column_letters,
    column_number,
    quoted,
    refused,
)
from documents.xlsx_guard.rows import text_of

__all__ = [
    "MAIN",
    "MAX_BYTES",
    "MAX_CELLS_PER_ROW",
    "MAX_PROBLEMS",
    "MAX_STYLES",
    "MAX_TEXT",
    "MAX_UNCOMPRESSED",
    "QUOTE",
    "ROW_BYTES",
    "SECONDS",
    "Book",
    "Budget",
    "Cell",
    "Formula",
    "Limits",
    "Package",
    "Row",
    "SheetInfo",
    "capped",
    "check_container",
    "column_letters",
    "column_number",
    "quoted",
    "refused",
    "text_of",
]
