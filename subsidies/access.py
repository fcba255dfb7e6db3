"""Who may see and change a subsidy round and its applications.

Officers of the round's authority run it; finance staff of the authority and administrators
read it; evaluators only see the round's applications through the scoring engine. A round or an
application the user may not know of answers NotFound, as if it did not exist.
"""

from __future__ import annotations

from typing import Any

from common.errors import Forbidden, NotFound
from common.i18n import N_
from common.identity import Principal, Role
from config import database
from subsidies.lifecycle import State
from subsidies.tables import Application, SubsidyRound

READER_ROLES = frozenset({Role.OFFICER, Role.ADMIN, Role.FINANCE})


def may_read(principal: Principal, authority_id: int) -> bool:
    return principal.role in READER_ROLES and principal.can_see_authority(authority_id)


def may_run(principal: Principal, authority_id: int) -> bool:
    return principal.role is Role.OFFICER and principal.can_see_authority(authority_id)


async def round_row(
    principal: Principal, round_id: int, *, run: bool = False, lock: bool | None = None
) -> dict[str, Any]:
    """The round's row for a reader (or, with ``run``, for one of its officers).

    ``lock`` (by default: when ``run``) locks the row until the caller's transaction ends and
    reads it after the lock, so that a concurrent change of the round waits and then checks
    against this one's result (``config.database.lock``)."""
    if run if lock is None else lock:
        await database.lock(SubsidyRound, round_id)
    row = await SubsidyRound.select().where(SubsidyRound.id == round_id).first()
    if row is None or not may_read(principal, row["authority"]):
        raise NotFound(N_("Subsidy round {id} does not exist"), id=round_id)
    if run and not may_run(principal, row["authority"]):
        raise Forbidden(N_("Only procurement officers of the authority can change this round"))
    return row


async def application_row(
    principal: Principal,
    application_id: int,
    *,
    run: bool = False,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The application's row and its round's row. With ``run`` both are locked (the round
    first, as every change of the round does) and read after the locks."""
    if run:
        found = (
            await Application.select(Application.round)
            .where(Application.id == application_id)
            .first()
        )
        if found is not None:
            await database.lock(SubsidyRound, found["round"])
            await database.lock(Application, application_id)
    row = await Application.select().where(Application.id == application_id).first()
    # A draft made in the portal is its organisation's alone until it is submitted.
    if row is None or row["state"] == State.DRAFT.value:
        raise NotFound(N_("Application {id} does not exist"), id=application_id)
    try:
        round_ = await round_row(principal, row["round"], run=run, lock=False)
    except NotFound:
        raise NotFound(N_("Application {id} does not exist"), id=application_id) from None
    return row, round_
