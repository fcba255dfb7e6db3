"""Real ids of the demo data for every path parameter of the app's routes, consistent with each
other (the lot of that tender, the bid file of that bid, the subject of that evaluation)."""

from __future__ import annotations

import re
from typing import Any

from config.database import raw
from config.settings import get_settings

_PARAM = re.compile(r"\{(\w+):(\w+)\}")


async def _one(sql: str, *args: Any) -> Any:
    rows = await raw(sql, *args)
    return next(iter(rows[0].values())) if rows else None


async def demo_ids() -> dict[str, dict[str, Any]]:
    """Named sets of ids; :func:`fill` picks the set a route needs."""
    tender = await _one(
        "SELECT tender FROM tenders_bid b JOIN tenders_bid_file f ON f.bid = b.id "
        "ORDER BY tender LIMIT 1"
    )
    bid_file = await raw(
        "SELECT b.id AS bid, b.lot AS lot, f.file AS file FROM tenders_bid b "
        "JOIN tenders_bid_file f ON f.bid = b.id WHERE b.tender = {} "
        "ORDER BY b.id LIMIT 1",
        tender,
    )
    dialogue = await raw(
        "SELECT r.tender AS tender, r.id AS round, s.id AS session "
        "FROM tenders_dialogue_round r JOIN tenders_dialogue_session s "
        "ON s.round = r.id ORDER BY r.id LIMIT 1"
    )
    letter = await raw(
        "SELECT l.tender AS tender, a.file AS file FROM notifications_outbox o "
        "JOIN notifications_attachment a ON a.message = o.id "
        "JOIN tenders_lot l ON o.object_type = 'lot' "
        "AND o.object_id = CAST(l.id AS VARCHAR(20)) ORDER BY a.id LIMIT 1"
    )
    application = await raw(
        "SELECT a.id AS application, a.round AS round, f.file AS file "
        "FROM subsidies_application a LEFT JOIN subsidies_application_file f "
        "ON f.application = a.id ORDER BY f.file IS NULL, a.id LIMIT 1"
    )
    payment = await raw("SELECT p.id AS payment FROM subsidies_payment p ORDER BY p.id LIMIT 1")
    evaluation = await raw(
        "SELECT e.id AS evaluation, s.id AS subject, s.code AS code, c.id AS criterion, "
        "a.id AS assignment FROM scoring_evaluation e "
        "JOIN scoring_subject s ON s.evaluation = e.id "
        "JOIN scoring_criterion c ON c.evaluation = e.id AND c.kind = 'quality' "
        "JOIN scoring_assignment a ON a.evaluation = e.id ORDER BY e.id, s.id, c.id LIMIT 1"
    )

    async def first_of(table: str, column: str = "tender") -> Any:
        return await _one(
            f"SELECT id FROM {table} WHERE {column} = {{}} ORDER BY id LIMIT 1", tender
        )

    authority = await _one("SELECT id FROM authorities_authority ORDER BY id LIMIT 1")
    b, d, a, e = bid_file[0], dialogue[0], application[0], evaluation[0]
    common = {
        "authority_id": authority,
        "user_id": await _one("SELECT id FROM accounts_user ORDER BY id LIMIT 1"),
        "service_type_id": await _one("SELECT id FROM authorities_service_type LIMIT 1"),
        "message_id": await _one("SELECT id FROM notifications_outbox ORDER BY id LIMIT 1"),
        # The demo queues no job; a job nobody may see answers 404 to every role.
        "job_id": await _one("SELECT id FROM jobs_job ORDER BY id LIMIT 1") or 1,
        "kind": "award_intent",
        "language": "nl",
        "filename": "awards.xlsx",
        "file_path": "css/app.css",
        "action": "cancel",
        "payment_id": payment[0]["payment"],
        # an OCDS record of a published tender (/open-data/ocds/records/{record}.json)
        "record": "{}-{}.json".format(
            get_settings().ocid_prefix,
            await _one(
                "SELECT reference FROM tenders_tender WHERE published_at IS NOT NULL "
                "ORDER BY id LIMIT 1"
            ),
        ),
        "organisation_id": await _one("SELECT id FROM organisations_organisation ORDER BY id"),
        "membership_id": await _one("SELECT id FROM portal_membership ORDER BY id") or 1,
        "token": "not-a-signed-link",
        "decision": "approve",
    }
    return {
        "tender": {
            **common,
            "tender_id": tender,
            "lot_id": b["lot"],
            "bid_id": b["bid"],
            "file_id": b["file"],
            "candidate_id": await first_of("tenders_candidate"),
            "objection_id": await first_of("tenders_objection"),
            "question_id": await first_of("tenders_question"),
            "document_id": await first_of("tenders_document"),
        },
        "dialogue": {
            **common,
            "tender_id": d["tender"],
            "round_id": d["round"],
            "session_id": d["session"],
        },
        "tender_letter": {
            **common,
            "tender_id": letter[0]["tender"] if letter else tender,
            "file_id": letter[0]["file"] if letter else b["file"],
        },
        "subsidy": {
            **common,
            "round_id": a["round"],
            "application_id": a["application"],
            "file_id": a["file"] or b["file"],
            "report_id": await _one("SELECT id FROM subsidies_report ORDER BY id LIMIT 1") or 1,
        },
        "scoring": {
            **common,
            "evaluation_id": e["evaluation"],
            "subject_id": e["subject"],
            "code": e["code"],
            "criterion_id": e["criterion"],
            "assignment_id": e["assignment"],
            # a document of that subject (a bid's file), as its evaluator opens it
            "document_id": await _one(
                "SELECT f.file FROM scoring_subject s JOIN tenders_bid_file f "
                "ON s.ref = 'bid:' || CAST(f.bid AS VARCHAR(20)) WHERE s.id = {} "
                "ORDER BY f.file LIMIT 1",
                e["subject"],
            )
            or b["file"],
        },
        "other": common,
    }


def binding_for(template: str, ids: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if template.startswith("/portal/tenders"):
        return ids["tender"]
    if template.startswith("/portal/inbox"):
        return ids["tender_letter"]
    if "{evaluation_id" in template:
        return ids["scoring"]
    if template.startswith(("/tenders", "/api/v1/tenders")):
        if "/dialogue/" in template or "{round_id" in template:
            return ids["dialogue"]
        if "/letters/{file_id" in template:
            return ids["tender_letter"]
        return ids["tender"]
    if "{round_id" in template or "{application_id" in template:
        return ids["subsidy"]
    return ids["other"]


def fill(template: str, ids: dict[str, dict[str, Any]]) -> str:
    """The route's path with real ids of the demo data."""
    binding = binding_for(template, ids)

    def value(match: re.Match[str]) -> str:
        found = binding.get(match.group(1))
        assert found is not None, f"no demo id for {match.group(1)} in {template}"
        return str(found)

    return _PARAM.sub(value, template)


# Path parameters that name an object of one contracting authority: users of another
# authority must not learn of it (404) or may not act on it (403).
AUTHORITY_BOUND = ("tender_id", "round_id", "application_id", "evaluation_id", "payment_id")


def is_authority_bound(template: str) -> bool:
    if template.startswith("/portal/"):
        return False  # the portal's tender pages are public
    return any(f"{{{name}:" in template for name in AUTHORITY_BOUND)
