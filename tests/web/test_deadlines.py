"""The deadlines page: every open procedure's next step, by local day, per authority."""

from datetime import UTC, datetime, timedelta

from authorities import service as authorities
from common.clock import FixedClock, use_clock
from common.deadlines import AppliedStep, Deadline
from scoring import service as scoring
from tenders import service as tenders
from tests.support.fixtures import SETUP
from tests.support.http import sign_in, text_of
from tests.tenders.conftest import TREE

NOW = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)  # Friday before the clocks go forward


class ListedDeadlines:
    """A deadline source over a fixed list, as a context would report its procedures."""

    name = "listed"

    def __init__(self, deadlines: list[Deadline]) -> None:
        self.deadlines = deadlines

    async def upcoming(self, now: datetime) -> list[Deadline]:
        return self.deadlines

    async def tick(self, now: datetime, key: str | None = None) -> list[AppliedStep]:
        return []


def deadline(
    key: str, due_at: datetime, subject: str, authority_id: int, zone: str = "Europe/Amsterdam"
) -> Deadline:
    return Deadline(
        key=key,
        due_at=due_at,
        step="Bids close",
        subject=subject,
        url=f"/tenders/{key}",
        zone=zone,
        authority_ids=(authority_id,),
    )


async def test_officers_see_their_authorities_deadlines_in_local_time(
    app, client, make_user, make_authority
):
    utrecht, wroclaw = (
        await make_authority("Gemeente Utrecht"),
        await make_authority("Gmina Wrocław", country="PL"),
    )
    app.state.deadline_sources = [
        ListedDeadlines(
            [
                # 12:00 in Amsterdam on Sunday 29 March 2026, after the clocks went forward:
                # 10:00 UTC
                deadline(
                    "1",
                    datetime(2026, 3, 29, 10, 0, tzinfo=UTC),
                    "Hulp bij het huishouden",
                    utrecht["id"],
                ),
                deadline(
                    "2",
                    datetime(2026, 3, 30, 10, 0, tzinfo=UTC),
                    "Opieka wytchnieniowa",
                    wroclaw["id"],
                    zone="Europe/Warsaw",
                ),
                deadline("3", NOW - timedelta(minutes=5), "Dagbesteding ouderen", utrecht["id"]),
                deadline("4", NOW + timedelta(days=200), "Far away", utrecht["id"]),
            ]
        )
    ]
    officer = await make_user("officer", authorities=[utrecht["id"]])
    await sign_in(client, officer.email)
    with use_clock(FixedClock(NOW)):
        page = text_of((await client.get("/deadlines")).text)
        wide = text_of((await client.get("/deadlines?days=365")).text)
        api = (await client.get("/api/v1/deadlines?days=30")).json()

    assert "Hulp bij het huishouden" in page and "Opieka wytchnieniowa" not in page
    assert "29 Mar 2026" in page and "29 Mar 2026, 12:00" in page  # one format for each
    assert "Overdue: taken at the next sweep" in page
    assert "Far away" not in page and "Far away" in wide
    assert [d["key"] for d in api] == ["3", "1"], "soonest first, only their authority"
    assert api[1]["local_time"] == "2026-03-29T12:00:00+02:00" and api[1]["step"] == "Bids close"
    assert api[0]["overdue"] is True and api[1]["overdue"] is False


async def test_administrators_see_every_authority_finance_only_their_own(
    app, client_factory, make_user, make_authority
):
    utrecht, wroclaw = await make_authority(), await make_authority(country="PL")
    app.state.deadline_sources = [
        ListedDeadlines(
            [
                deadline("1", NOW + timedelta(days=1), "Utrecht", utrecht["id"]),
                deadline(
                    "2", NOW + timedelta(days=2), "Wrocław", wroclaw["id"], zone="Europe/Warsaw"
                ),
            ]
        )
    ]
    for user, expected in (
        (await make_user("admin"), ["1", "2"]),
        (await make_user("finance", authorities=[utrecht["id"]]), ["1"]),
        (await make_user("finance", authorities=[wroclaw["id"]]), ["2"]),
        (await make_user("finance"), []),
    ):
        async with client_factory() as client:
            await sign_in(client, user.email)
            with use_clock(FixedClock(NOW)):
                keys = [d["key"] for d in (await client.get("/api/v1/deadlines")).json()]
                page = text_of((await client.get("/deadlines")).text)
        assert keys == expected, (user.role, user.authority_ids)
        assert ("Wrocław" in page) is ("2" in expected)
        assert ("Utrecht" in page) is ("1" in expected)


async def test_an_empty_period_says_so(app, client, make_user):
    app.state.deadline_sources = [ListedDeadlines([])]
    await sign_in(client, (await make_user("admin")).email)
    assert "No automatic steps in this period." in text_of((await client.get("/deadlines")).text)


async def test_real_tenders_finance_and_another_authoritys_officer(
    client_factory, make_user, make_authority
):
    """With the application's own deadline sources: a finance user of Utrecht and an officer
    of Zeist each see only their authority's tender, on the page and through the API."""
    service_type = await authorities.create_service_type(
        SETUP, {"code": "day_support", "name_en": "Day support", "name_nl": "Dagbesteding"}
    )
    utrecht, zeist = (
        await make_authority("Gemeente Utrecht"),
        await make_authority("Gemeente Zeist"),
    )
    now = datetime.now(UTC)
    titles = {}
    for authority, title in (
        (utrecht, "Hulp bij het huishouden Utrecht"),
        (zeist, "Dagbesteding Zeist"),
    ):
        officer = await make_user("officer", authorities=[authority["id"]])
        tender_id = await tenders.create_tender(
            officer,
            {
                "title": title,
                "reference": f"REF-{authority['id']}",
                "procedure": "open",
                "currency": "EUR",
                "authority_id": str(authority["id"]),
                "service_type_id": str(service_type["id"]),
                "cpv_codes": "85312000-9",
                "deadline_questions": (now + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M"),
                "deadline_bids": (now + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M"),
            },
        )
        lot_id = await tenders.add_lot(officer, tender_id, {"number": "1", "title": "Stad"})
        await scoring.replace_criteria(
            officer, (await tenders.get_lot_row(tender_id, lot_id))["evaluation_id"], TREE
        )
        await tenders.publish(officer, tender_id)
        titles[authority["id"]] = (f"tender:{tender_id}", title)
    cases = (
        (await make_user("finance", authorities=[utrecht["id"]]), [utrecht["id"]]),
        (await make_user("officer", authorities=[zeist["id"]]), [zeist["id"]]),
        (await make_user("admin"), [utrecht["id"], zeist["id"]]),
    )
    for user, seen in cases:
        async with client_factory() as client:
            await sign_in(client, user.email)
            api = (await client.get("/api/v1/deadlines?days=90")).json()
            page = text_of((await client.get("/deadlines?days=90")).text)
        assert sorted(d["key"] for d in api) == sorted(titles[a][0] for a in seen), user.role
        for authority_id, (_, title) in titles.items():
            assert (title in page) is (authority_id in seen), (user.role, title)
