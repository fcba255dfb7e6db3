"""Use cases of a tender: create, lots, authorities, documents, deadlines, the phase changes.

Each change is one transaction with its audit events. The state machine (``tenders.machine``)
decides; this module gathers the facts, applies the result and records it. Candidates and
dialogue live in ``tenders.procurement``, bids to contracts in ``tenders.bids``.

Each part of the work has a module of its own (see the package); this module names every use
case, so that callers import ``tenders.service`` alone.
"""

from __future__ import annotations

from tenders.service.base import (
    refuse,
    tender_url,
)
from tenders.service.editing import (
    add_lot,
    create_tender,
    document_file,
    documents,
    documents_of,
    get_lot_row,
    lots,
    set_authorities,
    update_lot,
    update_tender,
    upload_document,
)
from tenders.service.periods import (
    set_deadlines,
)
from tenders.service.phases import (
    TICKER,
    apply_due,
    apply_due_many,
    award,
    cancel,
    conclude_contracts,
    declare_unsuccessful,
    for_change,
    move_due,
    publish,
    reaches_thresholds,
    start_standstill,
    transition,
)
from tenders.service.reading import (
    Filters,
    Overview,
    list_tenders,
    overview,
)

__all__ = [
    "TICKER",
    "Filters",
    "Overview",
    "add_lot",
    "apply_due",
    "apply_due_many",
    "award",
    "cancel",
    "conclude_contracts",
    "create_tender",
    "declare_unsuccessful",
    "document_file",
    "documents",
    "documents_of",
    "for_change",
    "get_lot_row",
    "list_tenders",
    "lots",
    "move_due",
    "overview",
    "publish",
    "reaches_thresholds",
    "refuse",
    "set_authorities",
    "set_deadlines",
    "start_standstill",
    "tender_url",
    "transition",
    "update_lot",
    "update_tender",
    "upload_document",
]
