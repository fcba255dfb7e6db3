"""An audit event told as a sentence ("Olga de Vries opened the bids of tender 1").

The log keeps actions as codes (``tender.open_bids``) and changes as JSON, which is what the
hash chain covers; people read sentences. Each known action has one message with named
placeholders: ``actor`` (a name), ``object`` (the object's id) and values of the event's
``after`` (such as ``lot``). An action without a sentence, or whose event lacks a value its
sentence needs, is told by the kind of object it changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from common.errors import Problem
from common.i18n import N_

SENTENCES: dict[str, str] = {
    "login.succeeded": N_("{actor} signed in"),
    "login.failed": N_("{actor} failed to sign in"),
    "user.created": N_("{actor} created user {object}"),
    "user.updated": N_("{actor} changed user {object}"),
    "user.password_changed": N_("{actor} changed the password of user {object}"),
    "user.password_reset": N_("{actor} reset the password of user {object}"),
    "user.language_changed": N_("{actor} changed the language of user {object}"),
    "authority.created": N_("{actor} added authority {object}"),
    "authority.updated": N_("{actor} changed authority {object}"),
    "service_type.created": N_("{actor} added service type {object}"),
    "service_type.updated": N_("{actor} changed service type {object}"),
    "organisation.created": N_("{actor} registered organisation {object}"),
    "organisation.updated": N_("{actor} changed organisation {object}"),
    "tender.created": N_("{actor} created tender {object}"),
    "tender.updated": N_("{actor} changed tender {object}"),
    "tender.publish": N_("{actor} published tender {object}"),
    "tender.authorities_set": N_("{actor} set the authorities taking part in tender {object}"),
    "tender.document_uploaded": N_("{actor} added a document to tender {object}"),
    "tender.deadlines_changed": N_("{actor} changed the deadlines of tender {object}"),
    "tender.close_requests": N_("Requests to take part in tender {object} closed"),
    "tender.complete_selection": N_("{actor} completed the selection of tender {object}"),
    "tender.close_dialogue": N_("{actor} closed the dialogue of tender {object}"),
    "tender.close_bids": N_("Bids for tender {object} closed"),
    "tender.opening_approved": N_("{actor} approved opening the bids of tender {object}"),
    "tender.open_bids": N_("The bids of tender {object} were opened"),
    "tender.send_award_decisions": N_("{actor} sent the award decisions of tender {object}"),
    "tender.award": N_("{actor} awarded tender {object}"),
    "tender.conclude_contracts": N_("{actor} concluded the contracts of tender {object}"),
    "tender.cancel": N_("{actor} cancelled tender {object}"),
    "tender.open_data_withheld": N_("{actor} withheld tender {object} from open data"),
    "tender.open_data_published": N_("{actor} published tender {object} in open data again"),
    "tender.declare_unsuccessful": N_("{actor} declared tender {object} unsuccessful"),
    "lot.created": N_("{actor} added lot {lot} to tender {object}"),
    "lot.updated": N_("{actor} changed lot {lot} of tender {object}"),
    "lot.award_intent": N_("{actor} chose whom to award lot {lot} of tender {object}"),
    "lot.declared_unsuccessful": N_("{actor} declared lot {lot} of tender {object} unsuccessful"),
    "requirement.added": N_("{actor} added a requirement to tender {object}"),
    "question.received": N_("{actor} recorded a question about tender {object}"),
    "question.answered": N_("{actor} answered a question about tender {object}"),
    "candidate.registered": N_(
        "{actor} registered {organisation} as a candidate for tender {object}"
    ),
    "candidate.assessed": N_("{actor} assessed a candidate for tender {object}"),
    "candidate.decided": N_("{actor} decided on a candidate for tender {object}"),
    "candidate.requested": N_(
        "{actor} requested to participate in tender {object} for {organisation}"
    ),
    "candidate.request_replaced": N_(
        "{actor} replaced the request of {organisation} to participate in tender {object}"
    ),
    "candidate.request_withdrawn": N_(
        "{actor} withdrew a request to participate in tender {object}"
    ),
    "candidate.requests_opened": N_(
        "{actor} opened the requests to participate in tender {object}"
    ),
    "candidate.file_downloaded": N_(
        "{actor} opened a document of a request to participate in tender {object}"
    ),
    "candidate.sealed_access_refused": N_(
        "{actor} was refused a sealed document of a request to participate in tender {object}"
    ),
    "dialogue.round_added": N_("{actor} added a dialogue round to tender {object}"),
    "dialogue.session_recorded": N_("{actor} recorded a dialogue session of tender {object}"),
    "bid.registered": N_("{actor} registered a bid for tender {object}"),
    "bid.withdrawn": N_("{actor} withdrew a bid for tender {object}"),
    "bid.knocked_out": N_("{actor} set a bid for tender {object} aside"),
    "bid.unsealed": N_("{actor} unsealed a bid for tender {object}"),
    "bid.file_downloaded": N_("{actor} opened a bid's document of tender {object}"),
    "contract.recorded": N_("{actor} recorded a contract of tender {object}"),
    "objection.recorded": N_("{actor} recorded an objection to tender {object}"),
    "objection.resolved": N_("{actor} resolved an objection to tender {object}"),
    "dialogue.candidate_dropped": N_(
        "{actor} took a candidate out of the dialogue of tender {object}"
    ),
    "evaluation.created": N_("{actor} created evaluation {object}"),
    "criteria.replaced": N_("{actor} set the criteria of evaluation {object}"),
    "criteria.frozen": N_("{actor} fixed the criteria of evaluation {object}"),
    "criteria.reopened": N_("{actor} reopened the criteria of evaluation {object}"),
    "assignment.created": N_("{actor} assigned an evaluator to evaluation {object}"),
    "subject.registered": N_("{actor} added a subject to evaluation {object}"),
    "subject.price_set": N_("{actor} set a price in evaluation {object}"),
    "subject.excluded": N_("{actor} excluded a subject from evaluation {object}"),
    "declaration.no_conflict": N_(
        "{actor} declared no conflict of interest in evaluation {object}"
    ),
    "score.submitted": N_("{actor} scored in evaluation {object}"),
    "sheet.submitted": N_("{actor} submitted their scores in evaluation {object}"),
    "sheet.reopened": N_("{actor} reopened a sheet of evaluation {object}"),
    "evaluation.price_opening_approved": N_(
        "{actor} approved opening the prices of evaluation {object}"
    ),
    "evaluation.prices_opened": N_("{actor} opened the prices of evaluation {object}"),
    "evaluation.quality_finalised": N_(
        "{actor} made the quality scores of evaluation {object} final"
    ),
    "ranking.confirmed": N_("{actor} confirmed the ranking of evaluation {object}"),
    "round.created": N_("{actor} created subsidy round {object}"),
    "round.updated": N_("{actor} changed subsidy round {object}"),
    "round.opened": N_("{actor} opened subsidy round {object}"),
    "round.applications_imported": N_("{actor} imported applications into subsidy round {object}"),
    "round.review_started": N_("{actor} started the review of subsidy round {object}"),
    "round.allocation_proposed": N_("{actor} proposed the allocation of subsidy round {object}"),
    "round.decided": N_("{actor} decided subsidy round {object}"),
    "round.letters_sent": N_("{actor} sent the decision letters of subsidy round {object}"),
    "round.withheld_from_open_data": N_("{actor} kept subsidy round {object} out of the open data"),
    "round.published_as_open_data": N_(
        "{actor} published subsidy round {object} in the open data again"
    ),
    "application.registered": N_("{actor} registered application {object}"),
    "application.submit": N_("{actor} submitted application {object}"),
    "application.ask_information": N_("{actor} asked for information on application {object}"),
    "application.complete": N_("{actor} marked application {object} complete"),
    "application.withdraw": N_("{actor} withdrew application {object}"),
    "application.settle": N_("{actor} settled application {object}"),
    "application.close": N_("{actor} closed application {object}"),
    "application.mark_eligible": N_("{actor} found application {object} eligible"),
    "application.mark_ineligible": N_("{actor} found application {object} ineligible"),
    "application.start_review": N_("Application {object} went into review"),
    "application.decide": N_("{actor} decided on application {object}"),
    "application.pay_advance": N_("An advance on application {object} was paid"),
    "application.file_added": N_("{actor} added a file to application {object}"),
    "application.drafted": N_("{actor} started application {object} in the portal"),
    "application.draft_saved": N_("{actor} saved the draft of application {object}"),
    "application.submission_refused": N_(
        "{actor} tried to submit application {object} after the round closed"
    ),
    "application.accepted": N_("{actor} accepted the grant of application {object}"),
    "application.settlement_requested": N_(
        "{actor} requested the settlement of application {object}"
    ),
    "report.received": N_("{actor} sent a report on application {object}"),
    "payment.approved": N_("{actor} approved a payment on application {object}"),
    "payment.paid": N_("{actor} recorded a payment on application {object} as paid"),
    "letter.sent": N_("{actor} sent a letter to {addressee}"),
    "mail.queued": N_("A message to {recipient} was put in the outbox"),
    "mail.retried": N_("{actor} put message {object} back in the outbox"),
    "portal.registered": N_("{actor} registered for the portal"),
    "portal.registration_refused": N_("A portal registration for a known address was refused"),
    "portal.email_verified": N_("{actor} confirmed their email address for the portal"),
    "portal.membership_requested": N_("{actor} asked to act for organisation {object}"),
    "portal.membership_approved": N_("{actor} approved a portal account of organisation {object}"),
    "portal.membership_refused": N_("{actor} refused a portal account of organisation {object}"),
    "portal.invited": N_("{actor} invited {email} to act for organisation {object}"),
    "portal.invitation_accepted": N_("{actor} accepted an invitation to the portal"),
    "portal.login_succeeded": N_("{actor} signed in to the portal"),
    "portal.login_failed": N_("A sign-in to the portal failed"),
    "portal.letter_downloaded": N_("{actor} downloaded a letter from the portal inbox"),
}

# By the kind of object changed, for actions without a sentence of their own.
BY_OBJECT: dict[str, str] = {
    "tender": N_("{actor} changed tender {object}"),
    "lot": N_("{actor} changed lot {object}"),
    "evaluation": N_("{actor} changed evaluation {object}"),
    "subsidy_round": N_("{actor} changed subsidy round {object}"),
    "application": N_("{actor} changed application {object}"),
    "user": N_("{actor} changed user {object}"),
    "organisation": N_("{actor} changed organisation {object}"),
    "authority": N_("{actor} changed authority {object}"),
}
ANYTHING = N_("{actor} made a change")
SYSTEM = N_("The system")

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _after(event: Mapping[str, Any]) -> dict[str, Any]:
    value = event.get("after")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def sentence(event: Mapping[str, Any], names: Mapping[str, str], system: str | Problem) -> Problem:
    """The event as a message with its parameters (translate with ``Problem.text``).

    ``names`` maps the actors recorded (emails) to people's names; an actor that is no user
    (a deadline, the demo loader) is ``system`` (already translated)."""
    actor = event.get("actor") or ""
    params: dict[str, Any] = {
        **_after(event),
        "object": event.get("object_id"),
        "actor": names.get(actor, actor if "@" in actor else system),
    }
    for message in (
        SENTENCES.get(event.get("action", "")),
        BY_OBJECT.get(event.get("object_type", "")),
        ANYTHING,
    ):
        needed = _PLACEHOLDER.findall(message or "")
        if message and all(params.get(name) not in (None, "") for name in needed):
            return Problem(message, {name: params[name] for name in needed})
    return Problem(ANYTHING, {"actor": params["actor"]})


def told(
    events: list[dict[str, Any]], names: Mapping[str, str], system: str, translate: Any
) -> list[dict[str, Any]]:
    """The events, each with its ``sentence`` in the user's language."""
    return [
        {**event, "sentence": sentence(event, names, system).text(translate)} for event in events
    ]
