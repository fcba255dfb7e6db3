"""The supplier's bid pages through the app: the form per lot, the receipt (also from the
tender's page), withdrawing, CSRF, a late bid told its moment, the officer's view of who
submitted what, and two submits of one organisation on one lot at once."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import timedelta

import pytest

from audit.tables import AuditEvent
from config.database import is_sqlite
from tenders.tables import Bid
from tests.portal.conftest import Scene
from tests.portal.support import portal_sign_in
from tests.support.http import CSRF_COOKIE, post_form, sign_in, text_of

PLAN = b"%PDF-1.4 plan van aanpak Zorg Plus"


def upload(name: str = "plan.pdf", data: bytes = PLAN) -> list:
    return [("files", (name, data, "application/pdf"))]


async def live(scene: Scene, key: str) -> list[int]:
    rows = await Bid.select(Bid.id).where(
        (Bid.lot == scene.lot_id)
        & (Bid.organisation == scene.organisations[key])
        & Bid.withdrawn_at.is_null()
    )
    return [r["id"] for r in rows]


async def test_a_member_bids_and_reads_the_receipt_again_from_the_tender(
    scene: Scene, client_factory
) -> None:
    base = f"/portal/tenders/{scene.tender_id}"
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        form = text_of((await anna.get(f"{base}/bids")).text)
        assert "Submit a bid" in form and "1. District 1" in form
        sent = await anna.post(
            f"{base}/bids", data={"lot_id": str(scene.lot_id), "price": "1.234,50"}, files=upload()
        )
        assert sent.status_code == 303, sent.text
        [bid_id] = await live(scene, "a")
        assert sent.headers["location"] == f"{base}/bids/{bid_id}"
        receipt = text_of((await anna.get(sent.headers["location"])).text)
        assert "Your bid has been received and sealed." in receipt
        assert f"Receipt of bid {bid_id}" in receipt and "bid:" not in receipt
        assert hashlib.sha256(PLAN).hexdigest() in receipt
        assert "2026-03-02 10:01:00 (CET) · 2026-03-02 09:01:00 UTC" in receipt
        # The officer-entered bid of Zorg Plus on the lot was replaced by this one.
        old = await Bid.select().where(Bid.id == scene.bids["a"]).first()
        assert old["withdrawn_reason"] == f"replaced by bid {bid_id}"
        page = (await anna.get(base)).text
        assert f'href="{base}/bids/{bid_id}"' in page
        assert f'href="{base}/bids/{scene.bids["a"]}"' in page  # the replaced one, marked so
        assert "replaced" in text_of(page) and "bid:" not in text_of(page)
        # Withdrawn from its receipt: no live bid left.
        gone = await anna.post(f"{base}/bids/{bid_id}/withdraw")
        assert gone.status_code == 303
        assert await live(scene, "a") == []
        assert "withdrawn" in text_of((await anna.get(f"{base}/bids/{bid_id}")).text)


async def test_a_form_without_its_csrf_token_stores_nothing(scene: Scene, client_factory) -> None:
    base = f"/portal/tenders/{scene.tender_id}"
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        anna.headers.pop("x-csrftoken")
        before = await Bid.select().order_by(Bid.id)
        sent = await anna.post(
            f"{base}/bids", data={"lot_id": str(scene.lot_id), "price": "10"}, files=upload()
        )
        assert sent.status_code == 403
        gone = await anna.post(f"{base}/bids/{scene.bids['a']}/withdraw")
        assert gone.status_code == 403
        assert await Bid.select().order_by(Bid.id) == before
        # With the token in the form (as the browser sends it) the bid goes in.
        token = anna.cookies[CSRF_COOKIE]
        sent = await anna.post(
            f"{base}/bids",
            data={"lot_id": str(scene.lot_id), "price": "10", "_csrf_token": token},
            files=upload(),
        )
        assert sent.status_code == 303


async def test_bad_input_is_shown_on_the_form_and_a_late_bid_is_told_its_moment(
    scene: Scene, client_factory
) -> None:
    base = f"/portal/tenders/{scene.tender_id}"
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        before = await Bid.select().order_by(Bid.id)
        refused = await anna.post(
            f"{base}/bids",
            data={"lot_id": str(scene.lot_id), "price": ""},
            files=upload("macro.exe", b"MZ"),
        )
        assert refused.status_code == 422
        text = text_of(refused.text)
        assert "A price is required" in text
        assert "macro.exe: a bid's documents are files of these kinds: csv, doc" in text
        assert await Bid.select().order_by(Bid.id) == before
        # The deadline (Amsterdam, 11 April 2026 11:00) passes by one second.
        scene.world.clock.set(
            (await Bid.select(Bid.tender.deadline_bids).first())["tender.deadline_bids"]
            + timedelta(seconds=1)
        )
        await portal_sign_in(anna, scene.emails["a"])  # forty days on: her session has ended
        late = await anna.post(
            f"{base}/bids",
            data={"lot_id": str(scene.lot_id), "price": "10"},
            files=upload(),
            headers={"referer": f"http://testserver.local{base}/bids"},
        )
        assert late.status_code == 303 and late.headers["location"] == f"{base}/bids"
        shown = text_of((await anna.get(f"{base}/bids")).text)
        assert "Bids closed at 2026-04-11 11:00:00 (CEST); this one came at 2026-04-11 " in shown
        assert "11:00:01 (CEST)" in shown
        assert "Bids are not received on this tender now." in shown
        assert await Bid.select().order_by(Bid.id) == before


async def test_officers_see_who_submitted_what_and_paper_bids_with_their_reason(
    scene: Scene, client_factory
) -> None:
    base = f"/portal/tenders/{scene.tender_id}"
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        sent = await anna.post(
            f"{base}/bids", data={"lot_id": str(scene.lot_id), "price": "777"}, files=upload()
        )
        assert sent.status_code == 303
    async with client_factory() as officer:
        await sign_in(officer, scene.world.officer.email)
        page = text_of((await officer.get(f"/tenders/{scene.tender_id}/bids")).text)
        assert "Person anna <anna@zorgplus.example>, through the portal" in page
        assert "paper" in page and "777" not in page and "plan.pdf" not in page
        # The officer's form asks why a bid on an electronic tender is registered by hand.
        paper = {
            "lot_id": str(scene.lot_id),
            "name": "Samen Sterk",
            "country": "NL",
            "registration_number": "27124701",
            "price": "100",
        }
        url = f"/tenders/{scene.tender_id}/bids"
        refused = await post_form(officer, url, paper, files=upload())
        assert refused.status_code == 422
        assert "say why this one is registered by hand" in text_of(refused.text)
        reason = {"paper_reason": "Sent by post, stamped 1 March"}
        registered = await post_form(officer, url, {**paper, **reason}, files=upload())
        assert registered.status_code == 303
        page = text_of((await officer.get(f"/tenders/{scene.tender_id}/bids")).text)
        assert "Sent by post, stamped 1 March" in page
        # The API says the same of each bid.
        listed = (await officer.get(f"/api/v1/tenders/{scene.tender_id}/bids")).json()
        live = [b for b in listed if not b["withdrawn"]]
        by_whom = {(b["submitted_by"] != "", b["paper_reason"]) for b in live}
        assert (True, "") in by_whom and (False, "Sent by post, stamped 1 March") in by_whom
        assert not any("777" in str(b["price"]) for b in listed)


ROUNDS = 4


async def test_two_submits_of_one_organisation_on_one_lot_at_once_leave_one_live_bid(
    scene: Scene, parallel_client_factory
) -> None:
    if is_sqlite():
        pytest.skip("SQLite takes its write lock up front; the race is PostgreSQL's")
    base = f"/portal/tenders/{scene.tender_id}"
    async with parallel_client_factory() as one, parallel_client_factory() as two:
        await portal_sign_in(one, scene.emails["a"])
        await portal_sign_in(two, scene.emails["a"])
        for round_ in range(ROUNDS):
            answers = await asyncio.gather(
                *(
                    client.post(
                        f"{base}/bids",
                        data={"lot_id": str(scene.lot_id), "price": f"{round_}{n}0"},
                        files=upload(data=PLAN + bytes([n])),
                    )
                    for n, client in enumerate((one, two))
                )
            )
            assert [a.status_code for a in answers] == [303, 303], [a.text for a in answers]
            assert len(await live(scene, "a")) == 1
        # A withdrawal and a new bid at once: one after the other, whichever first.
        for round_ in range(ROUNDS):
            [current] = await live(scene, "a")
            answers = await asyncio.gather(
                one.post(f"{base}/bids/{current}/withdraw"),
                two.post(
                    f"{base}/bids",
                    data={"lot_id": str(scene.lot_id), "price": f"9{round_}"},
                    files=upload(),
                ),
            )
            assert [a.status_code for a in answers] == [303, 303], [a.text for a in answers]
            assert len(await live(scene, "a")) <= 1
    assert await Bid.count().where(Bid.organisation == scene.organisations["a"]) == 1 + 3 * ROUNDS
    # Every bid that ended was ended once, on record.
    ended = await Bid.select(Bid.id).where(
        (Bid.organisation == scene.organisations["a"]) & Bid.withdrawn_at.is_not_null()
    )
    events = await AuditEvent.select(AuditEvent.after).where(AuditEvent.action == "bid.withdrawn")
    withdrawn = [json.loads(e["after"])["bid"] for e in events]
    assert sorted(withdrawn) == sorted(r["id"] for r in ended)
