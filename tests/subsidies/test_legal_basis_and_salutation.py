"""A round's legal basis (regulation and article) and the applicant's salutation, from the
round's settings and the application import to the decision letters (issue 18)."""

from __future__ import annotations

import json
from contextlib import AsyncExitStack

import pytest

from audit.tables import AuditEvent
from common.errors import ProblemCollector, ValidationFailed
from documents.storage import read
from notifications.tables import OutboxMessage
from organisations.tables import Organisation
from subsidies import letter_data, letters, service
from subsidies.domain import LegalBasis, read_legal_basis
from subsidies.tables import SubsidyRound
from tests.documents.letters_support import docx_text
from tests.subsidies.conftest import (
    APPLICANTS,
    HEADERS,
    NOVEMBER,
    review,
    round_form,
    row,
    xlsx,
)
from tests.support.http import sign_in

BASIS = {"basis_regulation": "Subsidieregeling dagbesteding 2027", "basis_articles": "4 en 5"}


def problems_of(form: dict[str, str]) -> dict[str, str]:
    problems = ProblemCollector()
    read_legal_basis(problems, form)
    return {p.location: p.message for p in problems.problems}


def test_the_legal_basis_is_both_or_neither_within_limits():
    assert problems_of({}) == {}
    assert set(problems_of({"basis_regulation": "Subsidieregeling X"})) == {"basis_articles"}
    assert set(problems_of({"basis_articles": "4"})) == {"basis_regulation"}
    assert set(problems_of({"basis_regulation": "R" * 301, "basis_articles": "4"})) == {
        "basis_regulation"
    }
    assert set(problems_of({"basis_regulation": "R", "basis_articles": "4" * 101})) == {
        "basis_articles"
    }
    assert problems_of({"basis_regulation": "R", "basis_articles": "tweede lid"}) == {
        "basis_articles": "{value} names no article number; give it as 4, 4.2 or 4 and 5"
    }
    # The letter writes "artikel" itself: an officer's own "Artikel 4" is not doubled.
    problems = ProblemCollector()
    assert read_legal_basis(
        problems, {"basis_regulation": " Regeling  X ", "basis_articles": "Artikel 4"}
    ) == LegalBasis("Regeling X", "4")


@pytest.mark.parametrize(
    ("articles", "several"),
    [
        ("4", False),
        ("4, tweede lid", False),
        ("4 lid 2", False),
        ("4, 2e lid", False),
        ("4:25", False),
        ("12a", False),
        ("4 en 5", True),
        ("4, 5 en 7", True),
        ("4-6", True),
        ("3.1 tot en met 3.4", True),
        ("2.3.1, 2.3.2", True),
    ],
)
def test_one_article_or_several(articles, several):
    assert LegalBasis("Regeling", articles).several is several


async def test_the_round_stores_and_audits_its_legal_basis(setup):
    s = setup
    with pytest.raises(ValidationFailed) as refused:
        await service.update_round(
            s.officer,
            s.round_id,
            round_form(s.authority_id, basis_regulation="Subsidieregeling dagbesteding 2027"),
        )
    assert [p.location for p in refused.value.problems] == ["basis_articles"]
    view = await service.update_round(s.officer, s.round_id, round_form(s.authority_id, **BASIS))
    assert (view.basis_regulation, view.basis_articles) == (
        "Subsidieregeling dagbesteding 2027",
        "4 en 5",
    )
    stored = (
        await SubsidyRound.select(SubsidyRound.basis_regulation, SubsidyRound.basis_articles)
        .where(SubsidyRound.id == s.round_id)
        .first()
    )
    assert stored == BASIS
    [event] = await AuditEvent.select(AuditEvent.before, AuditEvent.after).where(
        AuditEvent.action == "round.updated"
    )
    assert json.loads(event["after"]) == BASIS
    assert json.loads(event["before"]) == {"basis_regulation": "", "basis_articles": ""}


async def test_the_legal_basis_through_the_api_and_the_settings_page(setup, client_factory):
    s = setup
    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(client_factory())
        await sign_in(client, s.officer.email)
        page = await client.get(f"/subsidies/rounds/{s.round_id}/edit")
        assert page.status_code == 200
        assert 'name="basis_regulation"' in page.text and 'name="basis_articles"' in page.text
        base = f"/api/v1/subsidies/rounds/{s.round_id}"
        current = (await client.get(base)).json()["round"]
        assert current["basis_regulation"] == ""
        body = {**API_ROUND, "authority_id": s.authority_id}
        refused = await client.put(base, json={**body, "basis_articles": "4"})
        assert refused.status_code == 422
        assert [p["location"] for p in refused.json()["problems"]] == ["basis_regulation"]
        changed = await client.put(base, json={**body, **BASIS})
        assert changed.status_code == 200, changed.text
        assert changed.json()["basis_articles"] == "4 en 5"
        shown = await client.get(f"/subsidies/rounds/{s.round_id}")
        assert "article 4 en 5 of the Subsidieregeling dagbesteding 2027" in shown.text


API_ROUND = {
    "title": "Sociale Prestatie en Dagondersteuning 2021",
    "opens_at": "2020-09-01T07:00:00Z",
    "closes_at": "2020-10-01T10:00:00Z",
    "ceiling": "100000",
    "currency": "EUR",
    "method": "ranking",
    "remainder": "grant_remainder",
    "lottery_seed": "seed-2021",
    "period_start": "2021-01-01",
    "period_end": "2021-12-31",
    "advance_share": "80",
    "regulation_name": "Subsidieregeling Utrecht",
    "regulation_reference": "SPD-2021",
}

SALUTATION_HEADERS = [*HEADERS, "Contact form of address", "Contact surname"]


async def test_letters_cite_the_basis_and_greet_the_contact_as_imported(setup, fixed_clock):
    s = setup
    await service.update_round(s.officer, s.round_id, round_form(s.authority_id, **BASIS))
    rows = [
        [*row(*APPLICANTS[0]), "Mevrouw", ""],  # surname from "A. de Vries"
        [*row(*APPLICANTS[1], **{"Contact name": "Sam Bakker"}), "neutraal", ""],
        [*row(*APPLICANTS[2]), "", ""],
    ]
    refused = xlsx([[*row(*APPLICANTS[3]), "mejuffrouw", ""]], SALUTATION_HEADERS)
    with pytest.raises(ValidationFailed) as caught:
        await service.import_applications(s.officer, s.round_id, "portal.xlsx", refused)
    assert [p.location for p in caught.value.problems] == ["Row 2, contact_form_of_address"]
    ids = await service.import_applications(
        s.officer, s.round_id, "portal.xlsx", xlsx(rows, SALUTATION_HEADERS)
    )
    stored = await Organisation.select(
        Organisation.contact_form_of_address, Organisation.contact_surname
    ).order_by(Organisation.id)
    assert [tuple(r.values()) for r in stored] == [("ms", "de Vries"), ("neutral", ""), ("", "")]
    created = [
        json.loads(e["after"])
        for e in await AuditEvent.select(AuditEvent.after)
        .where(AuditEvent.action == "organisation.created")
        .order_by(AuditEvent.seq)
    ]
    assert created[0]["contact_form_of_address"] == "ms"
    assert created[0]["contact_surname"] == "de Vries"
    await service.complete_many(s.officer, s.round_id, ids)
    await service.mark_eligible_many(s.officer, s.round_id, ids)
    await review(s, dict(zip(ids, ["9", "8", "7"], strict=True)))
    await service.propose_allocation(s.officer, s.round_id)
    fixed_clock.set(NOVEMBER)
    await service.decide(s.officer, s.round_id)
    sent = {x.addressee: x for x in await letters.send_decision_letters(s.officer, s.round_id)}
    texts = {name: docx_text((await read(x.file_id))[1]).splitlines() for name, x in sent.items()}
    first, second, third = (texts[a[0]] for a in APPLICANTS[:3])
    assert "Geachte mevrouw De Vries," in first and "t.a.v. mevrouw A. de Vries" in first
    assert "Geachte Sam Bakker," in second
    assert "Geachte heer, mevrouw," in third
    for lines in (first, second):
        assert (
            "Wij nemen dit besluit op grond van artikelen 4 en 5 van de Subsidieregeling "
            "dagbesteding 2027."
        ) in lines
    # The mail that carries the letter greets the same way.
    mails = await OutboxMessage.select(OutboxMessage.body).where(OutboxMessage.kind == "letter")
    assert sorted(m["body"].splitlines()[0] for m in mails) == [
        "Geachte Sam Bakker,",
        "Geachte heer, mevrouw,",
        "Geachte mevrouw De Vries,",
    ]


def test_a_contact_other_than_the_organisations_is_not_greeted_by_its_salutation():
    # The organisation's salutation is that of P. Jansen; this application's contact is
    # A. de Vries: no "Geachte mevrouw Jansen," to her.
    row_ = {
        "organisation.name": "X",
        "organisation.address": "",
        "contact_name": "A. de Vries",
        "contact_email": "",
        "organisation.registration_number": "1",
        "organisation.contact_name": "P. Jansen",
        "organisation.contact_form_of_address": "ms",
        "organisation.contact_surname": "Jansen",
    }
    addressee = letter_data.addressee_of(row_)
    assert (addressee.form_of_address, addressee.surname) == ("", "")
    assert addressee.worded("nl")["greeting"] == "Geachte heer, mevrouw,"
    same = letter_data.addressee_of({**row_, "contact_name": "p.  jansen"})
    assert same.worded("nl")["greeting"] == "Geachte mevrouw Jansen,"
    # No contact on the application: the organisation's contact, greeted as stored.
    assert letter_data.addressee_of({**row_, "contact_name": ""}).worded("en")["greeting"] == (
        "Dear Ms Jansen,"
    )
