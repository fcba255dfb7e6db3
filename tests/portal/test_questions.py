"""Clarification questions asked through the portal: received before the question deadline
(server clock), in the back office's Q&A as asked by the organisation, anonymous to everyone
else, refused with a clear message (and nothing written) when they cannot be received."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from audit.tables import AuditEvent
from tenders import procurement, service
from tenders.domain import local_text
from tenders.tables import Question, Tender
from tests.portal.conftest import Scene
from tests.portal.support import last_mail, link_in, portal_sign_in, register
from tests.support.http import csrf_token, post_form, sign_in, text_of
from tests.tenders.conftest import KVK
from web.i18n import LANGUAGE_COOKIE

ASKED = "Telt een ISO 9001-certificaat van een onderaannemer mee?"


async def _second_tender(scene: Scene) -> int:
    """A published tender nobody bids on: the asking organisation takes part only by asking."""
    tender_id = await scene.world.tender(lots=1, reference="UTR-Q", title="Vraagbaak 2022")
    await service.publish(scene.world.officer, tender_id)
    return tender_id


async def _ask(client, tender_id: int, question: str = ASKED):
    return await client.post(
        f"/portal/tenders/{tender_id}/questions",
        data={"question": question, "_csrf_token": await csrf_token(client)},
    )


async def _questions(tender_id: int) -> list[dict]:
    return await Question.select().where(Question.tender == tender_id).order_by(Question.number)


async def _deadline(tender_id: int) -> tuple:
    row = await (
        Tender.select(Tender.deadline_questions, Tender.lead_authority.timezone.as_alias("zone"))
        .where(Tender.id == tender_id)
        .first()
    )
    return row["deadline_questions"], row["zone"]


async def test_a_member_asks_before_the_deadline_and_the_office_sees_who(
    scene: Scene, client_factory
) -> None:
    tender_id = await _second_tender(scene)
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        page = await anna.get(f"/portal/tenders/{tender_id}")
        assert 'for="f-question"' in page.text and 'name="_csrf_token"' in page.text
        response = await _ask(anna, tender_id)
        assert response.status_code == 303, response.text
        text = text_of((await anna.get(f"/portal/tenders/{tender_id}")).text)
        assert ASKED in text and "Awaiting an answer" in text
    [question] = await _questions(tender_id)
    assert question["organisation"] == scene.organisations["a"]
    assert question["asker"] == "Zorg Plus BV"
    assert question["number"] == 1 and question["answered_at"] is None
    event = (
        await AuditEvent.select()
        .where(
            (AuditEvent.action == "question.received") & (AuditEvent.object_id == str(tender_id))
        )
        .first()
    )
    assert event["actor"] == f"portal:{scene.emails['a']}"
    after = json.loads(event["after"])
    assert after["via"] == "portal" and after["organisation_id"] == scene.organisations["a"]
    # The officer's Q&A: the same question, the organisation named, marked as from the portal.
    [listed] = await procurement.questions(scene.world.officer, tender_id)
    assert listed["id"] == question["id"]
    async with client_factory() as officer:
        await sign_in(officer, scene.world.officer.email)
        office = text_of((await officer.get(f"/tenders/{tender_id}/questions")).text)
    assert ASKED in office and "Zorg Plus BV" in office and "via the portal" in office


async def test_the_deadline_is_the_servers_last_second_before_it(
    scene: Scene, client_factory
) -> None:
    tender_id = await _second_tender(scene)
    deadline, zone = await _deadline(tender_id)
    world = scene.world
    async with client_factory() as anna:
        # Signed in at each moment: a session of weeks ago has long expired.
        world.travel(deadline - timedelta(seconds=1) - world.clock.now())
        await portal_sign_in(anna, scene.emails["a"])
        world.clock.set(deadline - timedelta(seconds=1))
        assert (await _ask(anna, tender_id, "In de laatste seconde?")).status_code == 303
        for moment in (deadline, deadline + timedelta(hours=2)):
            await portal_sign_in(anna, scene.emails["a"])
            world.clock.set(moment)
            response = await _ask(anna, tender_id, "Te laat?")
            assert response.status_code == 422
            text = text_of(response.text)
            assert f"Questions closed at {local_text(deadline, zone)}" in text
            assert local_text(moment, zone) in text
            assert "This tender takes no more questions." in text
    assert [q["question"] for q in await _questions(tender_id)] == ["In de laatste seconde?"]


async def test_other_organisations_and_visitors_never_see_the_asker(
    scene: Scene, client_factory, client
) -> None:
    tender_id = await _second_tender(scene)
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        assert (await _ask(anna, tender_id)).status_code == 303
        [question] = await _questions(tender_id)
        secret = ["Zorg Plus", scene.emails["a"], "Questions asked by"]
        async with client_factory() as carl:
            await portal_sign_in(carl, scene.emails["b"])
            for viewer in (carl, client):  # unanswered: not even the question is shown
                text = text_of((await viewer.get(f"/portal/tenders/{tender_id}")).text)
                assert ASKED not in text and not [s for s in secret if s in text]
            await procurement.answer(scene.world.officer, tender_id, question["id"], "Ja.")
            for viewer in (carl, client):
                text = text_of((await viewer.get(f"/portal/tenders/{tender_id}")).text)
                assert ASKED in text and "Ja." in text
                assert not [s for s in secret if s in text], text
            # The answered notice reaches the asking organisation's inbox, not another's.
            assert ASKED not in text_of((await carl.get("/portal/inbox")).text)
        own = text_of((await anna.get(f"/portal/tenders/{tender_id}")).text)
        assert "Answered in the clarification notice" in own
        inbox = text_of((await anna.get("/portal/inbox")).text)
        assert ASKED in inbox and "Vraagbaak 2022" in inbox


async def test_a_pending_member_is_refused_and_nothing_is_written(
    scene: Scene, client_factory
) -> None:
    tender_id = await _second_tender(scene)
    email = "piet@zorgplus.example"
    async with client_factory() as piet:
        assert (await register(piet, email, KVK[0], "Zorg Plus BV")).status_code == 200
        assert (
            await piet.get(link_in((await last_mail(email, "portal_verify"))["body"]))
        ).status_code == 303
        await portal_sign_in(piet, email)
        page = text_of((await piet.get(f"/portal/tenders/{tender_id}")).text)
        assert "Once your organisation has approved your membership" in page
        response = await _ask(piet, tender_id)
        assert response.status_code == 403
        assert "Only an approved member of the organisation can do this" in text_of(response.text)
    assert await _questions(tender_id) == []


async def test_bad_input_names_the_problem_and_writes_nothing(
    scene: Scene, client_factory, client
) -> None:
    tender_id = await _second_tender(scene)
    before = await AuditEvent.count().where(AuditEvent.action == "question.received")
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        response = await _ask(anna, tender_id, "   ")
        assert response.status_code == 422
        assert "The question is empty" in text_of(response.text)
        response = await _ask(anna, tender_id, "x" * 4001)
        assert response.status_code == 422
        assert "4001 characters long; at most 4000" in text_of(response.text)
        assert (await _ask(anna, scene.draft_id)).status_code == 404
        # Another person's session cannot post for her: without her CSRF token it is refused.
        anna.headers.pop("x-csrftoken", None)
        forged = await anna.post(f"/portal/tenders/{tender_id}/questions", data={"question": ASKED})
        assert forged.status_code == 403
        await service.cancel(scene.world.officer, tender_id, "Budget withdrawn by the council")
        response = await _ask(anna, tender_id)
        assert response.status_code == 422
        assert "The tender has been cancelled" in text_of(response.text)
    # Without a portal session: sent to the portal's sign-in.
    await client.get("/portal/tenders")
    response = await post_form(client, f"/portal/tenders/{scene.tender_id}/questions", {})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/portal/login")
    assert await _questions(tender_id) == []
    assert await AuditEvent.count().where(AuditEvent.action == "question.received") == before


async def test_the_question_form_is_translated(scene: Scene, client_factory) -> None:
    tender_id = await _second_tender(scene)
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        anna.cookies.set(LANGUAGE_COOKIE, "nl")
        text = text_of((await anna.get(f"/portal/tenders/{tender_id}")).text)
    assert "Een vraag stellen" in text and "Vraag versturen" in text


async def test_two_organisations_asking_at_once_get_numbers_of_their_own(
    scene: Scene, parallel_client_factory
) -> None:
    """The tender's row lock numbers questions one after the other (a race on PostgreSQL)."""
    tenders = [await _second_tender(scene) for _ in range(3)]  # one lucky round proves little
    async with parallel_client_factory() as anna, parallel_client_factory() as carl:
        await portal_sign_in(anna, scene.emails["a"])
        await portal_sign_in(carl, scene.emails["b"])
        for tender_id in tenders:
            answers = await asyncio.gather(
                _ask(anna, tender_id, "Vraag van A"), _ask(carl, tender_id, "Vraag van B")
            )
            assert [a.status_code for a in answers] == [303, 303]
            rows = await _questions(tender_id)
            assert [q["number"] for q in rows] == [1, 2]
            assert {q["organisation"] for q in rows} == set(scene.organisations.values())
