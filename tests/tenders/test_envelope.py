"""The sealed price envelope through every read path, for every role.

A two-envelope tender with two lots: bids with a price and a price document, and a withdrawn
bid. After the bid opening and while quality is scored, after quality is final and one officer
approved opening the prices, no page, API answer, download, export, report, letter or audit
detail shows a price or a price document, to anyone: officers (also of another authority),
administrators, finance staff (also of another authority) and the assigned evaluator. The paths
are every GET route of the application (taken from its route table, so that a new one is
covered when it is added), with the ids of this tender filled in. After two different officers
open the prices of lot 1, its prices and price documents can be read; lot 2's stay sealed, and
the withdrawn bid is never opened.

The crawl makes about 1,100 requests (in-process; about 25 s of CPU). Every role is crawled on
SQLite only; on PostgreSQL the same steps run with the crawl cut to the lead officer and a
finance user of another authority (the rule and its queries are the same on both databases;
the setup, the opening of the prices and every assertion on them run on both).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import product

import pytest
from litestar import Litestar

from audit.tables import AuditEvent
from common.clock import FixedClock, use_clock
from common.errors import DomainError, NotFound
from common.identity import Principal
from config.database import is_sqlite
from config.settings import get_settings
from documents import storage
from finance.domain import VIEWS
from finance.filters import FORMATS
from notifications.tables import OutboxMessage
from opendata.ocds.build import ocid
from scoring import service as scoring
from scoring import sheets
from scoring.envelope import PRICES_SEALED, WITHDRAWN
from scoring.tables import Subject
from tenders import access, bids, openings, service
from tenders.tables import Bid, BidFile
from tenders.tables import Tender as TenderRow
from tests.support.http import post_form
from tests.tenders.conftest import NAMES, bidder, events
from tests.test_authorization import registered_routes


@pytest.fixture
def fixed_clock() -> Iterator[FixedClock]:
    """The tender is published 60 days ago; its bid deadline (40 days) has passed."""
    past = datetime.now(UTC).replace(microsecond=0) - timedelta(days=60)
    with use_clock(FixedClock(past)) as clock:
        yield clock  # type: ignore[misc]


# Prices as digits (thousands separators and decimal marks of every language taken out).
PRICES = {"A": "123457.89", "B": "234568.91", "W": "345679.12", "C": "456781.23"}
DIGITS = {key: value.replace(".", "") for key, value in PRICES.items()}
PRICE_DOCUMENT = b"%PDF-1.4 PRICE-SECRET price sheet"
SECRET_TEXT = ("PRICE-SECRET", "prijsblad-geheim", "WITHDRAWN-SECRET", "plan-withdrawn")
SEPARATORS = re.compile(r"[\s,.'\u00a0\u202f\u2009]")


def readable(response) -> str:
    """What a reader could see in an answer: its text, or every part of an xlsx/docx/zip."""
    data = response.content
    text = response.headers.get("content-disposition", "")
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                text += name + re.sub(r"<[^>]+>", "", archive.read(name).decode("utf-8", "replace"))
    else:
        text += data.decode("utf-8", "replace")
    return text


def leaks(text: str, sealed: set[str]) -> list[str]:
    """The sealed prices and secret texts found in ``text``."""
    flat = SEPARATORS.sub("", text)
    found = [f"price {key}" for key in sorted(sealed) if DIGITS[key] in flat]
    secret = (
        SECRET_TEXT
        if sealed >= {"A", "B", "C", "W"}
        else ("PRICE-SECRET-C", "prijsblad-geheim-c", "WITHDRAWN-SECRET", "plan-withdrawn")
    )
    return found + [text_ for text_ in secret if text_ in text]


@dataclass
class Tender:
    id: int
    lots: list[int]
    evaluations: list[int]
    bid: dict[str, int]  # A, B, W (withdrawn) on lot 1; C on lot 2
    files: dict[str, dict[str, int]]  # bid key -> {"quality": file id, "price": file id}
    subjects: dict[int, list[int]] = field(default_factory=dict)
    codes: dict[int, list[str]] = field(default_factory=dict)
    criteria: dict[int, list[int]] = field(default_factory=dict)


async def register(world, tender_id: int, lot_id: int, key: str, index: int) -> int:
    slug = key.lower()
    quality = [(f"plan-{slug}.pdf", "application/pdf", f"%PDF-1.4 quality plan {key}".encode())]
    price_files = [
        (
            f"prijsblad-geheim-{slug}.pdf",
            "application/pdf",
            PRICE_DOCUMENT.replace(b"SECRET", f"SECRET-{key}".encode()),
        )
    ]
    if key == "W":
        quality = [("plan-withdrawn.pdf", "application/pdf", b"%PDF-1.4 WITHDRAWN-SECRET")]
    return await bids.register_bid(
        world.officer,
        tender_id,
        lot_id,
        {
            **bidder(index),
            "email": f"bids{index}@example.org",
            "price": PRICES[key],
        },
        quality,
        price_files=price_files,
    )


async def two_envelopes(world) -> Tender:
    """Published, four bids (one withdrawn), the deadline passed, opened by two officers; the
    evaluator assigned to both lots and declared; lot 1's quality scored and final."""
    tender_id = await world.tender(lots=2, two_envelope="on")
    await service.publish(world.officer, tender_id)
    lots = await world.lot_ids(tender_id)
    keys = {"A": (lots[0], 0), "B": (lots[0], 1), "W": (lots[0], 2), "C": (lots[1], 3)}
    ids = {
        key: await register(world, tender_id, lot, key, index) for key, (lot, index) in keys.items()
    }
    await bids.withdraw_bid(world.officer, tender_id, ids["W"], "The bidder withdrew it")
    world.clock.set(datetime.now(UTC).replace(microsecond=0))
    await openings.approve_opening(world.officer, tender_id)
    assert await openings.approve_opening(world.second, tender_id)
    files: dict[str, dict[str, int]] = {}
    for row in await BidFile.select():
        key = next(k for k, v in ids.items() if v == row["bid"])
        files.setdefault(key, {})[row["envelope"]] = row["file"]
    evaluations = [(await service.get_lot_row(tender_id, lot))["evaluation_id"] for lot in lots]
    found = Tender(tender_id, lots, evaluations, ids, files)
    for evaluation_id in evaluations:
        subjects = await scoring.list_subjects(world.officer, evaluation_id)
        found.subjects[evaluation_id] = [s.id for s in subjects]
        found.codes[evaluation_id] = [s.code for s in subjects]
        found.criteria[evaluation_id] = [
            c.id for c in (await scoring.criteria(world.officer, evaluation_id)).criteria
        ]
    return found


def values_for(tender: Tender, extra: dict[str, list]) -> dict[str, list]:
    return {
        "tender_id": [tender.id],
        "lot_id": tender.lots,
        "evaluation_id": tender.evaluations,
        "filename": [f"{view}.{form}" for view in VIEWS for form in FORMATS],
        **extra,
    }


# Routes whose ids this tender does not have, and why they cannot show its prices.
NOT_THIS_TENDER = {
    "/tenders/{tender_id:int}/dialogue/sessions/{session_id:int}/file": "dialogue minutes "
    "(an open procedure has none)",
    "/tenders/{tender_id:int}/letters/{file_id:int}": "letters need a confirmed ranking: "
    "none while prices are sealed (listed and zipped through the other routes)",
    "/api/v1/tenders/{tender_id:int}/letters/{file_id:int}": "as above",
    "/admin/letter-templates/{authority_id:int}/{kind:str}/{language:str}": "templates",
    "/admin/letter-templates/{authority_id:int}/{kind:str}/{language:str}/preview": (
        "templates, with made-up data"
    ),
    "/jobs/{job_id:int}": "a job's state, for the user who queued it (no job here)",
    "/api/v1/jobs/{job_id:int}": "as above",
    "/jobs/{job_id:int}/result": "a job's file: letters as PDF, which need a confirmed "
    "ranking (see the letters above)",
    "/portal/inbox/letters/{file_id:int}": "a portal member's own letters (back-office users "
    "are refused; no letter exists while prices are sealed)",
    "/portal/invitations/{token:str}": "a signed invitation link: no tender data",
    "/portal/tenders/{tender_id:int}/bids/{bid_id:int}": "a portal member's receipt of its "
    "organisation's bid (back-office users are refused; a receipt shows no price)",
    "/portal/verify/{token:str}": "a signed address confirmation link: no tender data",
    "/portal/applications/{application_id:int}": "a portal member's own subsidy application "
    "(back-office users are refused; no tender data)",
    "/portal/applications/{application_id:int}/files/{file_id:int}": "as above, its files",
    "/portal/rounds/{round_id:int}": "an open subsidy round as applicants see it: no tender data",
    "/tenders/{tender_id:int}/candidates/{candidate_id:int}/files/{file_id:int}": "the files "
    "of a request to participate (an open procedure has none)",
}


def urls(app: Litestar, tender: Tender, extra: dict[str, list]) -> list[str]:
    """Every GET route with this tender's ids filled in (each combination that belongs
    together), and a few query variants of lists and exports."""
    values = values_for(tender, extra)
    pairs = {
        ("bid_id", "file_id"): [
            (tender.bid[k], f) for k, v in tender.files.items() for f in v.values()
        ],
        ("evaluation_id", "subject_id"): [
            (e, s) for e in tender.evaluations for s in tender.subjects[e]
        ],
        ("evaluation_id", "code"): [(e, c) for e in tender.evaluations for c in tender.codes[e]],
        ("evaluation_id", "criterion_id"): [
            (e, c) for e in tender.evaluations for c in tender.criteria[e]
        ],
    }
    found: list[str] = []
    skipped: list[str] = []
    for template in sorted(p for m, p in registered_routes(app) if m == "GET"):
        names = re.findall(r"\{(\w+):\w+\}", template)
        if template.startswith(("/static", "/api/v1/subsidies", "/subsidies")):
            continue  # another context: no tender data
        combos: list[dict[str, object]] = [{}]
        for pair, options in pairs.items():
            if set(pair) <= set(names):
                combos = [dict(zip(pair, option, strict=True)) for option in options]
                names = [n for n in names if n not in pair]
        if any(n not in values for n in names):
            skipped.append(template)
            continue
        for combo in combos:
            for chosen in product(*(values[n] for n in names)):
                filled = {**combo, **dict(zip(names, chosen, strict=True))}
                found.append(
                    re.sub(r"\{(\w+):\w+\}", lambda m, f=filled: str(f[m.group(1)]), template)
                )
    unexplained = sorted(set(skipped) ^ set(NOT_THIS_TENDER))
    assert not unexplained, f"new (or gone) routes: add their ids or a reason here: {unexplained}"
    ref = f"tender:{tender.id}"
    return [
        *found,
        f"/tenders?q={NAMES[0][:4]}",
        "/finance?view=awards",
        "/finance?view=budget",
        "/finance?view=shares",
        f"/api/v1/scoring/evaluations?owner_ref={ref}",
        *(f"/api/v1/scoring/evaluations/{e}/ranking?explain_all=true" for e in tender.evaluations),
        "/api/v1/audit/events?limit=500",
    ]


async def crawl(
    login, people: dict[str, Principal], paths: list[str], sealed: set[str]
) -> dict[tuple[str, str], int]:
    """GET every path as every person; fails on a 5xx or anything sealed in an answer."""
    statuses: dict[tuple[str, str], int] = {}
    problems: list[str] = []
    for label, principal in people.items():
        client = await login(principal)
        for path in paths:
            response = await client.get(path)
            statuses[(label, path)] = response.status_code
            if response.status_code >= 500:
                problems.append(f"{label} {path}: {response.status_code}")
            problems += [f"{label} {path}: {leak}" for leak in leaks(readable(response), sealed)]
    assert not problems, "\n".join(problems)
    return statuses


async def stored_leaks(sealed: set[str]) -> list[str]:
    """Sealed prices in the audit log (before/after of every event) or in queued mail."""
    found = []
    for row in await AuditEvent.select(AuditEvent.action, AuditEvent.before, AuditEvent.after):
        found += [
            f"audit {row['action']}: {leak}"
            for leak in leaks(f"{row['before']} {row['after']}", sealed)
        ]
    for row in await OutboxMessage.select(OutboxMessage.subject, OutboxMessage.body):
        found += [f"mail: {leak}" for leak in leaks(f"{row['subject']} {row['body']}", sealed)]
    return found


async def test_no_read_path_shows_a_sealed_price_to_anyone(
    app, world, login, make_user, make_authority
):
    tender = await two_envelopes(world)
    other = await make_authority("Gemeente Houten")
    people = {  # (the second officer reads as the first: same role, same authority)
        "officer": world.officer,
        "admin": world.admin,
        "finance": world.finance,
        "evaluator": world.evaluator,
        "officer of another authority": world.stranger,
        "finance of another authority": await make_user("finance", authorities=[other["id"]]),
    }
    crawled = (
        people
        if is_sqlite()
        else {k: people[k] for k in ("officer", "finance of another authority")}
    )
    # The evaluator works on both lots; lot 1's quality is scored and final.
    lot_1 = tender.lots[0]
    evaluation_2 = tender.evaluations[1]
    await scoring.freeze_criteria(world.officer, evaluation_2)
    await scoring.assign(world.officer, evaluation_2, world.evaluator.id)
    await sheets.declare(
        world.evaluator, evaluation_2, {s: ("none", "") for s in tender.subjects[evaluation_2]}
    )
    await world.score_quality(tender.id, lot_1, {tender.bid["A"]: "8", tender.bid["B"]: "6"})
    assert not await openings.approve_price_opening(world.officer, tender.id, lot_1)

    everything = {"A", "B", "C", "W"}
    assert await stored_leaks(everything) == []
    extra = {
        "message_id": [m["id"] for m in await OutboxMessage.select(OutboxMessage.id)],
        "authority_id": [world.authority["id"]],
        "user_id": [world.officer.id],
        "service_type_id": [world.service_type_id],
        # the tender's public OCDS record: published, so it must show no sealed price
        "record": [
            ocid(get_settings().ocid_prefix, tender_row["reference"]) + ".json"
            for tender_row in await TenderRow.select(TenderRow.reference).where(
                TenderRow.id == tender.id
            )
        ],
        # the bidders' organisations: their pages show the organisation, never a price
        "organisation_id": [
            row["organisation"] for row in await Bid.select(Bid.organisation).distinct()
        ],
        # the evaluator's own route to a bid's documents (a price file too: refused)
        "document_id": [f for files in tender.files.values() for f in files.values()],
    }
    paths = urls(app, tender, extra)
    statuses = await crawl(login, crawled, paths, everything)
    # The crawl reached the pages and downloads that would show a price (not only refusals).
    base, api = f"/tenders/{tender.id}", f"/api/v1/tenders/{tender.id}"
    quality_a = f"{base}/bids/{tender.bid['A']}/files/{tender.files['A']['quality']}"
    price_a = f"{base}/bids/{tender.bid['A']}/files/{tender.files['A']['price']}"
    for label in {"officer", "admin", "finance"} & set(crawled):
        for path in (
            f"{base}/bids",
            f"{base}/lots/{lot_1}",
            f"{api}/bids",
            quality_a,
            f"{base}/evaluation",
            f"{base}/award",
            "/finance/export/awards.xlsx",
        ):
            assert statuses[(label, path)] == 200, (label, path)
        assert statuses[(label, price_a)] == 409
        assert statuses[(label, f"/open-data/ocds/records/{extra['record'][0]}")] == 200
        assert statuses[(label, f"{base}/lots/{lot_1}/report")] in (303, 409)
    if "admin" in crawled:
        assert statuses[("admin", "/api/v1/audit/events?limit=500")] == 200
    for label in {"officer of another authority", "finance of another authority"} & set(crawled):
        assert statuses[(label, f"{api}/bids")] == 404
        assert statuses[(label, quality_a)] == 404
    evaluator_sheet = f"/scoring/evaluations/{tender.evaluations[0]}/sheet"
    if "evaluator" in crawled:
        assert statuses[("evaluator", evaluator_sheet)] == 200
    assert await stored_leaks(everything) == []

    # The evaluator reads a quality document through the one access check; a price document
    # is refused with the rule's reason, the withdrawn bid is not theirs to know of.
    document = await access.bid_document(
        world.evaluator, tender.id, tender.bid["A"], tender.files["A"]["quality"]
    )
    assert not document.sealed
    _, chunks = await bids.bid_file(
        world.evaluator, tender.id, tender.bid["A"], tender.files["A"]["quality"]
    )
    assert await storage.collect(chunks) == b"%PDF-1.4 quality plan A"
    with pytest.raises(DomainError) as refused:
        await bids.bid_file(world.evaluator, tender.id, tender.bid["A"], tender.files["A"]["price"])
    assert refused.value.problem.message == PRICES_SEALED
    with pytest.raises(NotFound):
        await bids.bid_file(
            world.evaluator, tender.id, tender.bid["W"], tender.files["W"]["quality"]
        )
    stranger = await make_user("evaluator")
    with pytest.raises(NotFound):
        await access.bid_document(
            stranger, tender.id, tender.bid["A"], tender.files["A"]["quality"]
        )

    # A second, different officer opens lot 1's prices on the lot page.
    second = await login(world.second)
    opened = await post_form(second, f"{base}/lots/{lot_1}/price-opening")
    assert opened.status_code == 303
    listed = {b["id"]: b for b in (await second.get(f"{api}/bids")).json()}
    assert Decimal(listed[tender.bid["A"]]["price"]) == Decimal(PRICES["A"])
    assert Decimal(listed[tender.bid["B"]]["price"]) == Decimal(PRICES["B"])
    assert listed[tender.bid["C"]]["price"] is None and listed[tender.bid["C"]]["price_sealed"]
    withdrawn = listed[tender.bid["W"]]
    assert withdrawn["withdrawn"] and withdrawn["sealed"] and withdrawn["price"] is None
    assert withdrawn["files"] == [] and withdrawn["sealed_files"] == withdrawn["file_count"] == 2
    refused = await second.get(
        f"/api/v1/tenders/{tender.id}/bids/{tender.bid['W']}/files/{tender.files['W']['quality']}"
    )
    assert refused.status_code == 409 and refused.json()["detail"] == WITHDRAWN
    for page in (
        f"{base}/bids",
        f"{base}/lots/{lot_1}",
        f"/api/v1/scoring/evaluations/{tender.evaluations[0]}/ranking",
    ):
        shown = SEPARATORS.sub("", (await second.get(page)).text)
        assert DIGITS["A"] in shown and DIGITS["B"] in shown, page
    download = await second.get(price_a)
    assert download.status_code == 200 and b"PRICE-SECRET-A" in download.content
    report = await second.get(f"{base}/lots/{lot_1}/report")
    assert report.status_code == 200 and DIGITS["A"] in SEPARATORS.sub("", readable(report))
    [prices_opened] = await events("lot.prices_opened")
    assert "123457.89" in prices_opened["after"] and prices_opened["actor_id"] == world.second.id
    [unsealed] = await events("bid.unsealed")
    assert '"withdrawn":[{"bid":' in unsealed["after"] and '"price"' not in unsealed["after"]

    # Lot 2's prices and the withdrawn bid stay sealed everywhere (the lead officer reads every
    # page, export and download of the tender; the audit log and the mail are read directly).
    still = {"C", "W"}
    assert await stored_leaks(still) == []
    await crawl(login, {"officer": world.officer}, paths, still)


async def test_a_withdrawn_bid_is_never_opened_scored_or_read(world):
    """One envelope: the opening opens every live bid, never a withdrawn one."""
    world.clock.set(datetime.now(UTC).replace(microsecond=0) - timedelta(days=60))
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    live = await world.bid(tender_id, lot_id, 0, "111111.11")
    gone = await world.bid(tender_id, lot_id, 1, "222222.22")
    await bids.withdraw_bid(world.officer, tender_id, gone, "Capacity went elsewhere")
    world.clock.set(datetime.now(UTC).replace(microsecond=0))
    await openings.approve_opening(world.officer, tender_id)
    assert await openings.approve_opening(world.second, tender_id)
    files = {r["bid"]: r["file"] for r in await BidFile.select()}
    views = {v.id: v for v in await bids.bids(world.admin, tender_id)}
    assert views[live].price == Decimal("111111.11") and len(views[live].files) == 1
    withdrawn = views[gone]
    assert withdrawn.withdrawn and withdrawn.sealed and withdrawn.price_sealed
    assert withdrawn.price is None and withdrawn.files == () and withdrawn.sealed_files == 1
    assert withdrawn.withdrawn_reason == "Capacity went elsewhere"
    for who in (world.officer, world.admin, world.finance):
        with pytest.raises(DomainError) as refused:
            await bids.bid_file(who, tender_id, gone, files[gone])
        assert refused.value.problem.message == WITHDRAWN
    refusals = await events("bid.sealed_access_refused")
    assert len(refusals) == 3 and all(f'"bid":{gone}' in e["after"] for e in refusals)
    # Not scored: the engine never hears of it; the opening lists it as withdrawn, unpriced.
    lot = await service.get_lot_row(tender_id, lot_id)
    assert [s.ref for s in await scoring.list_subjects(world.officer, lot["evaluation_id"])] == [
        f"bid:{live}"
    ]
    [unsealed] = await events("bid.unsealed")
    assert "111111.11" in unsealed["after"] and "222222" not in unsealed["after"]
    assert f'"withdrawn":[{{"bid":{gone}' in unsealed["after"]
    assert not any(
        "222222" in f"{e['before']} {e['after']}"
        for e in await AuditEvent.select(AuditEvent.before, AuditEvent.after)
    )


async def test_nobody_overwrites_a_bid_price_through_the_evaluation(world, login):
    """A tender lot's evaluation takes its prices from the bids at the opening. The officer may
    not change them through the scoring API (a sealed price least of all): the bids' prices are
    what is ranked."""
    tender = await two_envelopes(world)
    evaluation_id = tender.evaluations[0]
    ref = f"bid:{tender.bid['A']}"
    before = {
        r["ref"]: r["price"]
        for r in await Subject.select().where(Subject.evaluation == evaluation_id)
    }
    recorded = len(await events("subject.price_set"))
    client = await login(world.officer)
    refused = await client.put(
        f"/api/v1/scoring/evaluations/{evaluation_id}/prices", json={ref: "1"}
    )
    assert refused.status_code == 409, refused.text
    assert "prices of the bids" in refused.text
    after = {
        r["ref"]: r["price"]
        for r in await Subject.select().where(Subject.evaluation == evaluation_id)
    }
    # Two envelopes: the sealed price reaches the evaluation only when the prices are opened
    # (tenders.vault); until then it is ciphertext in the bid.
    assert after == before and after[ref] is None
    assert len(await events("subject.price_set")) == recorded
