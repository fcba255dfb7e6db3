"""Finance over the real tables: contracts of a joint tender and grants with their payments,
read back from the exported files equal to what the database holds."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from common.clock import FixedClock, use_clock
from organisations.tables import Organisation
from subsidies.finance import SOURCE as SUBSIDIES
from subsidies.tables import Application, Payment, SubsidyRound
from tenders.finance import SOURCE as TENDERS
from tenders.tables import Bid, Contract, Lot, Tender, TenderAuthority
from tests.finance.test_domain import WROCLAW_PERCENTS
from tests.support.http import sign_in

D = Decimal
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
PERCENTS = WROCLAW_PERCENTS


async def organisation(name: str, number: str, country: str = "PL", iban: str | None = None):
    row = Organisation(
        name=name,
        country=country,
        registration_number=number,
        iban=iban,
        created_at=NOW,
        updated_at=NOW,
    )
    await row.save()
    return row.id


async def joint_tender(authorities: list[dict]) -> int:
    tender = Tender(
        title="Opieka wytchnieniowa",
        reference="WOF-2026-01",
        procedure="light",
        phase="contracted",
        lead_authority=authorities[0]["id"],
        currency="PLN",
        estimated_value=D("5000000.00"),
        contract_start=date(2026, 1, 1),
        contract_end=date(2027, 12, 31),
        phase_changed_at=NOW,
        created_at=NOW,
        updated_at=NOW,
    )
    await tender.save()
    for authority, percent in zip(authorities, PERCENTS, strict=True):
        await TenderAuthority(tender=tender.id, authority=authority["id"], share=D(percent)).save()
    lot = Lot(tender=tender.id, number=1, title="Opieka wytchnieniowa")
    await lot.save()
    for name, number, value in (
        ("=cmd|' /C calc'!A0", "931934644", "2345678.91"),
        ("Fundacja Opieka", "1234563218", "1000000.01"),
    ):
        provider = await organisation(name, number)
        bid = Bid(
            tender=tender.id,
            lot=lot.id,
            organisation=provider,
            received_at=NOW,
            price=D(value),
            registered_by="officer@wroclaw.pl",
            winner=True,
        )
        await bid.save()
        await Contract(
            tender=tender.id,
            lot=lot.id,
            bid=bid.id,
            organisation=provider,
            value=D(value),
            currency="PLN",
            start=date(2026, 1, 1),
            end=date(2027, 12, 31),
            signed_on=date(2025, 12, 1),
        ).save()
    return tender.id


async def danish_grant(authority: dict) -> int:
    pool = SubsidyRound(
        authority=authority["id"],
        title="Pulje til selvvurdering",
        regulation_reference="DK-SELV-2022",
        opens_at=NOW,
        closes_at=NOW,
        ceiling=D("20000000.00"),
        currency="DKK",
        method="ranking",
        lottery_seed="s",
        period_start=date(2022, 11, 1),
        period_end=date(2025, 12, 31),
        phase="decided",
        created_at=NOW,
    )
    await pool.save()
    applicant = await organisation(
        "Vesthimmerlands Kommune", "29189587", "DK", "DK5000400440116243"
    )
    application = Application(
        round=pool.id,
        organisation=applicant,
        reference="DK-0001",
        requested=D("1400000.00"),
        granted=D("1400000.00"),
        state="advance_paid",
        created_at=NOW,
        updated_at=NOW,
    )
    await application.save()
    for year, amount, status in (
        (2023, "466666.67", "paid"),
        (2024, "466666.67", "approved"),
        (2025, "466666.66", "scheduled"),
    ):
        await Payment(
            application=application.id,
            kind="instalment",
            due_on=date(year, 1, 15),
            amount=D(amount),
            status=status,
            paid_at=datetime(year, 1, 16, tzinfo=UTC) if status == "paid" else None,
        ).save()
    return pool.id


async def test_joint_shares_add_up_and_files_equal_the_database(
    app, client, client_factory, make_user, make_authority
):
    municipalities = [
        await make_authority(f"Gmina {i:02d}", country="PL", registration_number=None)
        for i in range(15)
    ]
    await joint_tender(municipalities)
    app.state.finance_sources = [TENDERS, SUBSIDIES]
    await sign_in(
        client, (await make_user("finance", authorities=[m["id"] for m in municipalities])).email
    )
    with use_clock(FixedClock(NOW)):
        workbook = load_workbook(
            io.BytesIO((await client.get("/finance/export/awards.xlsx")).content), read_only=True
        )
    awards = list(workbook["Awards"].iter_rows(values_only=True))
    contracts = await Contract.select(Contract.value).order_by(Contract.value)
    assert sorted(D(str(r[9])) for r in awards[1:3]) == [D(c["value"]) for c in contracts]
    assert {r[5] for r in awards[1:3]} == {"'=cmd|' /C calc'!A0", "Fundacja Opieka"}
    assert awards[1][14] == "Running"

    shares_book = load_workbook(
        io.BytesIO((await client.get("/finance/export/shares.xlsx")).content), read_only=True
    )
    shares = list(shares_book["Shares"].iter_rows(values_only=True))[1:]
    lines = [r for r in shares if r[0] and not str(r[0]).startswith("Total")]
    assert len(lines) == 30, "15 municipalities × 2 contracts"
    for value in (D("2345678.91"), D("1000000.01")):
        parts = [D(str(r[7])) for r in lines if D(str(r[5])) == value]
        assert sum(parts) == value, "the shares add up to the contract exactly"

    one = municipalities[3]
    officer = await make_user("officer", authorities=[one["id"]])
    async with client_factory() as own:
        await sign_in(own, officer.email)
        csv_text = (await own.get("/finance/export/shares.csv?separator=%3B")).content.decode(
            "utf-8-sig"
        )
    rows = list(csv.reader(io.StringIO(csv_text), delimiter=";"))
    assert {r[0] for r in rows[1:]} == {one["name"]}, "a municipality sees its own share"
    assert len(rows) == 3


async def test_budget_and_payments_of_a_grant(app, client, make_user, make_authority):
    vesthimmerland = await make_authority("Vesthimmerlands Kommune", country="DK")
    await danish_grant(vesthimmerland)
    app.state.finance_sources = [TENDERS, SUBSIDIES]
    await sign_in(client, (await make_user("admin")).email)
    budget = (await client.get("/api/v1/finance/budget")).json()
    assert [(b["reference"], b["ceiling"], b["committed"], b["paid"]) for b in budget] == [
        ("DK-SELV-2022", "20000000.00", "1400000.00", "466666.67")
    ]
    payments = (await client.get("/api/v1/finance/payments?from=2024-01-01")).json()
    assert [(p["due_on"], p["amount"], p["status"]) for p in payments] == [
        ("2024-01-15", "466666.67", "approved"),
        ("2025-01-15", "466666.66", "scheduled"),
    ]
    csv_text = (
        await client.get("/finance/export/payments.csv?separator=%2C&decimal_comma=false")
    ).text
    rows = list(csv.reader(io.StringIO(csv_text.lstrip("\ufeff"))))
    assert [r[5] for r in rows[1:]] == ["466666.67", "466666.67", "466666.66"]
    assert sum(D(r[5]) for r in rows[1:]) == sum(
        D(p["amount"]) for p in await Payment.select(Payment.amount)
    )


async def test_budget_lines_of_a_tender_and_a_round_reach_every_export(
    app, client, make_user, make_authority
):
    municipalities = [
        await make_authority(f"Gmina {i:02d}", country="PL", registration_number=None)
        for i in range(15)
    ]
    tender_id = await joint_tender(municipalities)
    await Tender.update({Tender.budget_line: "852-85228 Usługi opiekuńcze"}).where(
        Tender.id == tender_id
    )
    vesthimmerland = await make_authority("Vesthimmerlands Kommune", country="DK")
    round_id = await danish_grant(vesthimmerland)
    await SubsidyRound.update({SubsidyRound.budget_line: "§ 15.75.23 Selvvisitering"}).where(
        SubsidyRound.id == round_id
    )
    app.state.finance_sources = [TENDERS, SUBSIDIES]
    await sign_in(client, (await make_user("admin")).email)

    with use_clock(FixedClock(NOW)):
        awards = list(
            load_workbook(
                io.BytesIO((await client.get("/finance/export/awards.xlsx")).content),
                read_only=True,
            )["Awards"].iter_rows(values_only=True)
        )
        csv_rows = list(
            csv.reader(
                io.StringIO(
                    (await client.get("/finance/export/awards.csv")).content.decode("utf-8-sig")
                ),
                delimiter=";",
            )
        )
    line = awards[0].index("Budget line")
    assert {(r[3], r[line]) for r in awards[1:4]} == {
        ("WOF-2026-01", "852-85228 Usługi opiekuńcze"),
        ("DK-0001", "§ 15.75.23 Selvvisitering"),
    }
    assert csv_rows[0][line] == "Budget line"
    assert sorted(r[line] for r in csv_rows[1:]) == [
        "852-85228 Usługi opiekuńcze",
        "852-85228 Usługi opiekuńcze",
        "§ 15.75.23 Selvvisitering",
    ]

    book = load_workbook(
        io.BytesIO((await client.get("/finance/export/payments.xlsx")).content), read_only=True
    )
    payments = list(book["Payments"].iter_rows(values_only=True))
    assert [r[2] for r in payments[1:4]] == ["§ 15.75.23 Selvvisitering"] * 3
    by_year = list(book["By year"].iter_rows(values_only=True))
    assert by_year[0][:4] == ("Authority", "Budget line", "Currency", "Status")
    assert {r[1] for r in by_year[1:4]} == {"§ 15.75.23 Selvvisitering"}

    budget = list(
        csv.reader(
            io.StringIO(
                (await client.get("/finance/export/budget.csv")).content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    column = budget[0].index("Budget line")
    assert {(r[2], r[column]) for r in budget[1:]} == {
        ("WOF-2026-01", "852-85228 Usługi opiekuńcze"),
        ("DK-SELV-2022", "§ 15.75.23 Selvvisitering"),
    }
