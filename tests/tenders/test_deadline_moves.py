"""Deadlines after publication: later freely; earlier only with a reason, never below the legal
minimum of the procedure, and every candidate is told through the outbox (audited)."""

from datetime import UTC, datetime, timedelta

import pytest

from audit.tables import AuditEvent
from common.errors import ValidationFailed
from notifications.tables import OutboxMessage
from scoring import service as scoring
from tenders import bids, procurement, service
from tenders.domain import DeadlineChange, check_deadline_changes
from tenders.procedures import PROCEDURE_TYPES, Deadline
from tenders.tables import Tender
from tests.support.http import post_form, sign_in, text_of
from tests.tenders.conftest import NAMES, TREE, bidder, events, local

AMS = "Europe/Amsterdam"
PUBLISHED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam
NOW = PUBLISHED + timedelta(days=3)
BIDS = PUBLISHED + timedelta(days=40)


def check(
    procedure="open",
    published=True,
    wanted=None,
    reason="",
    electronic=True,
    invited_at=None,
    current=None,
):
    return check_deadline_changes(
        PROCEDURE_TYPES[procedure],
        published,
        current or {Deadline.BIDS: BIDS},
        wanted or {},
        NOW,
        zone=AMS,
        country="NL",
        electronic=electronic,
        published_at=PUBLISHED,
        invited_at=invited_at,
        reason=reason,
    )


def problems(**kwargs) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as refused:
        check(**kwargs)
    return [(p.location, p.text()) for p in refused.value.problems]


def test_later_is_free_and_earlier_needs_a_reason():
    [later] = check(wanted={Deadline.BIDS: BIDS + timedelta(days=7)})
    assert later == DeadlineChange(Deadline.BIDS, BIDS, BIDS + timedelta(days=7))
    assert not later.earlier
    assert check(wanted={Deadline.BIDS: BIDS}) == []  # unchanged: nothing to do
    earlier = BIDS - timedelta(days=5)
    assert problems(wanted={Deadline.BIDS: earlier}) == [
        ("reason", "A deadline moves earlier: give the reason, which candidates are told")
    ]
    assert problems(wanted={Deadline.BIDS: earlier}, reason="  ") == [
        ("reason", "A deadline moves earlier: give the reason, which candidates are told")
    ]
    assert problems(wanted={Deadline.BIDS: earlier}, reason="x" * 2001) == [
        ("reason", "The reason is longer than 2000 characters")
    ]
    [moved] = check(wanted={Deadline.BIDS: earlier}, reason="Start of the contract advanced")
    assert moved.earlier and moved.after == earlier


def test_never_below_the_legal_minimum_of_the_procedure():
    # Open, electronic: 30 days from publication (2 March): 1 April is the earliest day.
    assert problems(wanted={Deadline.BIDS: NOW + timedelta(minutes=10)}, reason="Hurry") == [
        (
            "deadline_bids",
            "The legal minimum for this procedure is 30 days from publication: "
            "choose 2026-04-01 or later",
        )
    ]
    assert problems(wanted={Deadline.BIDS: PUBLISHED + timedelta(days=29)}, reason="r")
    assert check(wanted={Deadline.BIDS: PUBLISHED + timedelta(days=30)}, reason="r")
    # Not electronically: 35 days.
    assert problems(
        wanted={Deadline.BIDS: PUBLISHED + timedelta(days=34)}, reason="r", electronic=False
    )[0][1].endswith("choose 2026-04-06 or later")
    # Later moves are never refused for being short (a warning is given elsewhere).
    short = {Deadline.BIDS: PUBLISHED + timedelta(days=10)}
    assert check(current=short, wanted={Deadline.BIDS: PUBLISHED + timedelta(days=12)})


def test_restricted_counts_bids_from_the_invitation_and_requests_from_publication():
    current = {
        Deadline.REQUESTS: PUBLISHED + timedelta(days=35),
        Deadline.BIDS: BIDS + timedelta(days=40),
    }
    assert problems(
        procedure="restricted",
        current=current,
        reason="r",
        wanted={Deadline.REQUESTS: PUBLISHED + timedelta(days=20)},
    ) == [
        (
            "deadline_requests",
            "The legal minimum for this procedure is 30 days from "
            "publication: choose 2026-04-01 or later",
        )
    ]
    invited = PUBLISHED + timedelta(days=40)
    assert problems(
        procedure="restricted",
        current=current,
        reason="r",
        invited_at=invited,
        wanted={Deadline.BIDS: invited + timedelta(days=29)},
    ) == [
        (
            "deadline_bids",
            "The legal minimum for this procedure is 30 days from the "
            "invitation to tender: choose 2026-05-11 or later",
        )
    ]
    assert check(
        procedure="restricted",
        current=current,
        reason="r",
        invited_at=invited,
        wanted={Deadline.BIDS: invited + timedelta(days=30)},
    )


def test_a_procedure_without_a_minimum_still_needs_the_reason():
    soon = NOW + timedelta(days=2)
    assert problems(procedure="light_regime", wanted={Deadline.BIDS: soon})[0][0] == "reason"
    assert check(procedure="light_regime", wanted={Deadline.BIDS: soon}, reason="r")


def test_draft_passed_removed_and_past_moments():
    # In draft anything goes, without a reason.
    assert check(published=False, wanted={Deadline.BIDS: NOW + timedelta(days=1)})
    assert check(published=False, wanted={Deadline.BIDS: None})
    assert problems(wanted={Deadline.BIDS: None}) == [
        ("deadline_bids", "A deadline of a published tender cannot be removed")
    ]
    assert problems(wanted={Deadline.BIDS: NOW - timedelta(minutes=1)}, reason="r") == [
        ("deadline_bids", "Choose a moment in the future")
    ]
    passed = {Deadline.QUESTIONS: NOW - timedelta(days=1), Deadline.BIDS: BIDS}
    assert problems(current=passed, wanted={Deadline.QUESTIONS: NOW + timedelta(days=1)}) == [
        ("deadline_questions", "This deadline has passed and can no longer be moved")
    ]


async def published_with_bidders(world) -> int:
    """An open tender published now, bids from three organisations, one without email."""
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    for index, email in (
        (0, "offertes@zorgplus.example"),
        (1, ""),
        (2, "inschrijving@samensterk.example"),
    ):
        await bids.register_bid(
            world.officer,
            tender_id,
            lot_id,
            {
                **bidder(index),
                "email": email,
                "contact_name": "Fatima" if index == 0 else "",
                "price": "100",
            },
            [("bid.pdf", "application/pdf", b"%PDF-1.4 bid")],
        )
    return tender_id


async def test_an_earlier_deadline_tells_every_bidder_through_the_outbox(world):
    tender_id = await published_with_bidders(world)
    before = (await Tender.select(Tender.deadline_bids).first())["deadline_bids"]
    # Ten minutes from now: refused, nothing written, nobody told.
    with pytest.raises(ValidationFailed) as refused:
        await service.set_deadlines(
            world.officer,
            tender_id,
            {
                "deadline_bids": local(world.clock.now() + timedelta(minutes=10)),
                "reason": "Budget year ends",
            },
        )
    assert refused.value.problems[0].location == "deadline_bids"
    with pytest.raises(ValidationFailed, match="give the reason"):
        await service.set_deadlines(
            world.officer, tender_id, {"deadline_bids": local(before - timedelta(days=5))}
        )
    assert (await Tender.select(Tender.deadline_bids).first())["deadline_bids"] == before
    assert await OutboxMessage.count() == 0 and await events("tender.deadlines_changed") == []
    # Five days earlier with a reason, still 35 days after publication: done, and told.
    earlier = before - timedelta(days=5)
    saved = await service.set_deadlines(
        world.officer,
        tender_id,
        {"deadline_bids": local(earlier), "reason": "The contract must start on 1 June"},
    )
    assert saved.told == (NAMES[0], NAMES[2]) and saved.without_address == (NAMES[1],)
    assert (await Tender.select(Tender.deadline_bids).first())["deadline_bids"] == earlier
    mails = await OutboxMessage.select().order_by(OutboxMessage.id)
    assert [m["recipient"] for m in mails] == [
        "offertes@zorgplus.example",
        "inschrijving@samensterk.example",
    ]
    mail = mails[0]
    assert mail["kind"] == "tenders.deadline_moved" and mail["status"] == "queued"
    # In the language of the authority (Dutch), its times in Amsterdam.
    assert mail["subject"] == "Een termijn is vervroegd: Hulp bij het huishouden 2022"
    assert "Geachte Fatima," in mail["body"]
    assert "Inschrijvingen: nu 6 apr 2026, 11:00 (was 11 apr 2026, 11:00)" in mail["body"]
    assert "De reden: The contract must start on 1 June" in mail["body"]
    [changed] = await events("tender.deadlines_changed")
    assert "The contract must start on 1 June" in changed["after"]
    [told] = await events("tender.candidates_told")
    assert NAMES[1] in told["after"] and '"without_address"' in told["after"]
    assert len(await events("mail.queued")) == 2
    # Later again: free, no reason needed, nobody told.
    saved = await service.set_deadlines(
        world.officer, tender_id, {"deadline_bids": local(before + timedelta(days=3))}
    )
    assert saved.told == () and await OutboxMessage.count() == 2


async def test_restricted_candidates_still_in_the_procedure_are_told(world):
    tender_id = await service.create_tender(
        world.officer,
        world.form(
            procedure="restricted",
            max_candidates="5",
            deadline_requests=local(world.clock.now() + timedelta(days=40)),
            deadline_questions=local(world.clock.now() + timedelta(days=30)),
            deadline_bids=local(world.clock.now() + timedelta(days=90)),
        ),
    )
    lot_id = await service.add_lot(world.officer, tender_id, {"number": "1", "title": "Stad"})
    await scoring.replace_criteria(
        world.officer, (await service.get_lot_row(tender_id, lot_id))["evaluation_id"], TREE
    )
    await service.publish(world.officer, tender_id)
    for index in range(3):
        await procurement.register_candidate(
            world.officer,
            tender_id,
            {
                **bidder(index),
                "email": f"contact{index}@example.org",
            },
        )
    world.travel(timedelta(days=41))  # requests closed: the selection runs
    ids = [c["id"] for c in await procurement.candidates(world.officer, tender_id)]
    await procurement.decide(world.officer, tender_id, ids[1], False, "Late and incomplete")
    bids_at = (await Tender.select(Tender.deadline_bids).first())["deadline_bids"]
    saved = await service.set_deadlines(
        world.officer,
        tender_id,
        {
            "deadline_bids": local(bids_at - timedelta(days=10)),
            "reason": "Aligned with the partner municipalities",
        },
    )
    assert saved.told == (NAMES[0], NAMES[2])  # the rejected candidate is out
    assert sorted(m["recipient"] for m in await OutboxMessage.select()) == [
        "contact0@example.org",
        "contact2@example.org",
    ]
    assert "Inschrijvingen: nu" in (await OutboxMessage.select().first())["body"]


async def test_the_page_and_the_api_ask_for_the_reason(world, client_factory):
    world.clock.set(datetime.now(UTC).replace(microsecond=0))
    tender_id = await published_with_bidders(world)
    row = await Tender.select(Tender.deadline_bids).first()
    async with client_factory() as client:
        await sign_in(client, world.officer.email)
        page = await client.get(f"/tenders/{tender_id}")
        assert "Reason for moving a deadline earlier" in text_of(page.text)
        earlier = local(row["deadline_bids"] - timedelta(days=2))
        refused = await post_form(
            client, f"/tenders/{tender_id}/deadlines", {"deadline_bids": earlier}
        )
        assert refused.status_code == 422
        assert "give the reason, which candidates are told" in text_of(refused.text)
        saved = await post_form(
            client,
            f"/tenders/{tender_id}/deadlines",
            {"deadline_bids": earlier, "reason": "Council decision"},
        )
        assert saved.status_code == 303
        shown = text_of((await client.get(f"/tenders/{tender_id}")).text)
        assert "2 candidates have been told by mail." in shown
        assert f"No email address to tell: {NAMES[1]}." in shown
        api = await client.put(
            f"/api/v1/tenders/{tender_id}/deadlines",
            json={"bids": local(row["deadline_bids"] - timedelta(days=4))},
        )
        assert api.status_code == 422 and api.json()["problems"][0]["location"] == "reason"
        api = await client.put(
            f"/api/v1/tenders/{tender_id}/deadlines",
            json={"bids": local(row["deadline_bids"] - timedelta(days=4)), "reason": "Again"},
        )
        assert api.status_code == 200, api.text
    assert await OutboxMessage.count() == 4
    assert await AuditEvent.count().where(AuditEvent.action == "tender.candidates_told") == 2
