"""A property over the database: whatever mix of rounds (any phase, kept out of the open data
or not) and applications (any state, granted or not) is stored, the 360Giving package holds
exactly the granted applications of the decided, published rounds, each with its amount and
its round's currency, and validates against the schema."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from authorities.tables import Authority
from opendata.giving import service as giving
from organisations.tables import Organisation
from subsidies.lifecycle import HOLDING_A_GRANT, State
from subsidies.tables import Application, SubsidyRound
from tests.opendata.giving_schema import problems

MOMENT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
COUNTRIES = {  # country: (currency, a valid registration number)
    "NL": ("EUR", "30123451"),
    "DK": ("DKK", "29189587"),
    "PL": ("PLN", "5261040828"),
    "SE": ("SEK", "556036-0793"),
}
PREFIXES = {"NL": "NL-KVK-", "DK": "DK-CVR-", "PL": "PL-NIP-", "SE": "SE-BLV-"}
ROUNDS = st.lists(
    st.tuples(
        st.sampled_from(["draft", "open", "closed", "decided"]),
        st.booleans(),  # kept out of the open data
        st.sampled_from(sorted(COUNTRIES)),
    ),
    min_size=1,
    max_size=4,
)
AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999999.99"), places=2)


def applications(rounds: int) -> st.SearchStrategy:
    return st.lists(
        st.tuples(st.integers(0, rounds - 1), st.sampled_from(list(State)), AMOUNTS),
        max_size=12,
    )


async def _store(rounds, wanted) -> dict[int, tuple[Decimal, str, str]]:
    """The rows stored; the grants expected in the package: id -> (amount, currency, org-id)."""
    authority = (await Authority.select(Authority.id).first())["id"]
    organisations = {}
    for country, (_, number) in COUNTRIES.items():
        row = Organisation(
            name=f"Org {country}",
            country=country,
            registration_number=number,
            created_at=MOMENT,
            updated_at=MOMENT,
        )
        await row.save()
        organisations[country] = row.id
    round_ids = []
    for phase, withheld, country in rounds:
        row = SubsidyRound(
            authority=authority,
            title=f"Round {country}",
            opens_at=MOMENT,
            closes_at=MOMENT,
            ceiling=Decimal("1000000"),
            currency=COUNTRIES[country][0],
            method="pro_rata",
            lottery_seed="x",
            period_start=date(2026, 1, 1),
            period_end=date(2026, 12, 31),
            phase=phase,
            decided_at=MOMENT if phase == "decided" else None,
            open_data_withheld=withheld,
            open_data_reason="Reason" if withheld else "",
            created_at=MOMENT,
        )
        await row.save()
        round_ids.append(row.id)
    expected = {}
    for index, (which, state, amount) in enumerate(wanted):
        phase, withheld, country = rounds[which]
        holds = state in HOLDING_A_GRANT
        row = Application(
            round=round_ids[which],
            organisation=organisations[country],
            reference=f"A-{index}",
            requested=amount,
            state=state.value,
            granted=amount if holds or state is State.REFUSED else None,
            decided_at=MOMENT if holds else None,
            created_at=MOMENT,
            updated_at=MOMENT,
        )
        await row.save()
        if holds and phase == "decided" and not withheld:
            number = "".join(c for c in COUNTRIES[country][1] if c.isdigit())
            expected[row.id] = (amount, COUNTRIES[country][0], PREFIXES[country] + number)
    return expected


async def _clear() -> None:
    await Application.delete(force=True)
    await SubsidyRound.delete(force=True)
    await Organisation.delete(force=True)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
async def test_exactly_the_granted_applications_of_decided_rounds(make_authority, data):
    if not await Authority.exists():
        await make_authority("Gemeente Utrecht", registration_number="30280353")
    rounds = data.draw(ROUNDS)
    wanted = data.draw(applications(len(rounds)))
    await _clear()
    expected = await _store(rounds, wanted)
    chunks = [chunk async for chunk in giving.package_chunks(batch=3)]
    package = json.loads(b"".join(chunks))
    found = {
        int(g["id"].rsplit("-", 1)[1]): (
            Decimal(str(g["amountAwarded"])),
            g["currency"],
            g["recipientOrganization"][0]["id"],
        )
        for g in package["grants"]
    }
    assert found == expected
    assert len(package["grants"]) == len(expected)
    if expected:
        assert problems(package) == []
