"""Subsidy rounds' use cases: each one transaction with its audit events.

Rounds (settings fixed once open), applications (registered or imported all-or-nothing), the
life cycle, review through the scoring engine (an evaluation per round, owner ref "round:7",
subjects "application:12"), the allocation under the ceiling, the decision with payment
schedules and report due dates, payments and settlement.

Each part of the work has a module of its own (see the package); this module names every use
case, so that callers import ``subsidies.service`` alone.
"""

from __future__ import annotations

from subsidies.service.allocating import (
    AllocationView,
    adjust_line,
    allocation,
    decide,
    propose_allocation,
)
from subsidies.service.applications import (
    ApplicationView,
    ListedApplication,
    get_application,
    history,
    import_applications,
    import_uploaded,
    list_applications,
    preview_import,
    register_application,
    upload_import,
    uploaded_import,
)
from subsidies.service.files import (
    attach_file,
    files,
    read_file,
    regulation_document,
    set_regulation_document,
)
from subsidies.service.payments import (
    PaymentView,
    payments,
    reports,
    set_payment_status,
    settle_application,
)
from subsidies.service.publication import set_open_data
from subsidies.service.review import (
    act,
    complete_many,
    mark_eligibility,
    mark_eligible_many,
    start_review,
)
from subsidies.service.rounds import (
    Budget,
    RoundSummary,
    RoundView,
    authority_choices,
    budget,
    create_round,
    get_round,
    list_rounds,
    open_round,
    update_round,
)

__all__ = [
    "AllocationView",
    "ApplicationView",
    "Budget",
    "ListedApplication",
    "PaymentView",
    "RoundSummary",
    "RoundView",
    "act",
    "adjust_line",
    "allocation",
    "attach_file",
    "authority_choices",
    "budget",
    "complete_many",
    "create_round",
    "decide",
    "files",
    "get_application",
    "get_round",
    "history",
    "import_applications",
    "import_uploaded",
    "list_applications",
    "list_rounds",
    "mark_eligibility",
    "mark_eligible_many",
    "open_round",
    "payments",
    "preview_import",
    "propose_allocation",
    "read_file",
    "register_application",
    "regulation_document",
    "reports",
    "set_open_data",
    "set_payment_status",
    "set_regulation_document",
    "settle_application",
    "start_review",
    "update_round",
    "upload_import",
    "uploaded_import",
]
