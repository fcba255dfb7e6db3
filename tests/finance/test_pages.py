"""Finance's page, downloads and API over awards, budgets and payments that a context reports."""

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from finance.domain import AwardRow, BudgetRow, FinanceQuery, PaymentRow, Share
from tests.support.http import sign_in, text_of

D = Decimal


class ListedFinance:
    """A finance source over fixed rows, as a context reports them."""

    name = "listed"

    def __init__(self, awards=(), budgets=(), payments=()) -> None:
        self._awards, self._budgets, self._payments = list(awards), list(budgets), list(payments)

    async def awards(self, query: FinanceQuery) -> list[AwardRow]:
        return self._awards

    async def budgets(self, query: FinanceQuery) -> list[BudgetRow]:
        return self._budgets

    async def payments(self, query: FinanceQuery) -> list[PaymentRow]:
        return self._payments


def award(
    authority: dict,
    provider: str,
    amount: str,
    currency: str = "EUR",
    shares: tuple[Share, ...] = (),
) -> AwardRow:
    return AwardRow(
        kind="contract",
        authority_id=authority["id"],
        authority=authority["name"],
        procedure="Hulp bij het huishouden",
        reference="UTR-HH-2025",
        lot="West",
        provider=provider,
        registration_number="12345678",
        iban="NL91ABNA0417164300",
        service_type="Household help",
        amount=D(amount),
        currency=currency,
        period_start=date(2026, 1, 1),
        period_end=date(2028, 12, 31),
        budget_line="6.71.01",
        status="signed",
        shares=shares,
    )


async def test_preview_totals_and_downloads_read_back(app, client, make_user, make_authority):
    utrecht = await make_authority("Gemeente Utrecht")
    app.state.finance_sources = [
        ListedFinance(
            awards=[
                award(utrecht, '=HYPERLINK("http://evil")', "1200.50"),
                award(utrecht, "Zorg Noord BV", "800.25"),
                award(utrecht, "Dansk Pleje A/S", "5000.00", currency="DKK"),
            ]
        )
    ]
    finance = await make_user("finance", authorities=[utrecht["id"]])
    await sign_in(client, finance.email)

    page = text_of((await client.get("/finance?view=awards")).text)
    assert "3 rows" in page and "€2,000.75" in page and "DKK5,000.00" in page

    workbook = load_workbook(
        io.BytesIO((await client.get("/finance/export/awards.xlsx")).content), read_only=True
    )
    assert workbook.sheetnames == ["Awards"]
    rows = list(workbook["Awards"].iter_rows(values_only=True))
    assert rows[0][5] == "Provider or applicant"
    assert [r[5] for r in rows[1:4]] == [
        '\'=HYPERLINK("http://evil")',
        "Dansk Pleje A/S",
        "Zorg Noord BV",
    ]
    assert [D(str(r[9])) for r in rows[1:4]] == [D("1200.50"), D("5000.00"), D("800.25")]
    totals = {r[0]: r[9] for r in rows[4:]}
    assert D(str(totals["Total DKK"])) == D("5000") and D(str(totals["Total EUR"])) == D("2000.75")

    response = await client.get("/finance/export/awards.csv?separator=%3B&decimal_comma=true")
    assert response.headers["content-disposition"] == 'attachment; filename="awards.csv"'
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[1][5] == '\'=HYPERLINK("http://evil")' and lines[1][9] == "1200,50"


async def test_officers_see_only_their_authorities_and_their_share(
    app, client, make_user, make_authority
):
    wroclaw, olesnica, utrecht = (
        await make_authority("Gmina Wrocław", country="PL"),
        await make_authority("Gmina Oleśnica", country="PL"),
        await make_authority("Gemeente Utrecht"),
    )
    joint = (
        Share(wroclaw["id"], wroclaw["name"], D("70")),
        Share(olesnica["id"], olesnica["name"], D("30")),
    )
    app.state.finance_sources = [
        ListedFinance(
            awards=[
                award(wroclaw, "Opieka Sp. z o.o.", "1000.01", "PLN", shares=joint),
                award(utrecht, "Zorg Noord BV", "800.25"),
            ]
        )
    ]
    officer = await make_user("officer", authorities=[olesnica["id"]])
    await sign_in(client, officer.email)
    api = (await client.get("/api/v1/finance/awards")).json()
    assert [a["provider"] for a in api] == ["Opieka Sp. z o.o."]
    shares = text_of((await client.get("/finance?view=shares")).text)
    assert "Gmina Oleśnica" in shares and "PLN300.00" in shares
    assert "PLN700.01" not in shares and "Zorg Noord BV" not in shares
    other = (await client.get(f"/api/v1/finance/awards?authority={utrecht['id']}")).json()
    assert other == [], "asking for another authority's awards gives nothing"


async def test_bad_filters_are_named(app, client, make_user):
    app.state.finance_sources = [ListedFinance()]
    await sign_in(client, (await make_user("finance")).email)
    page = await client.get("/finance?from=31-12-2026&to=2026-01-01")
    assert page.status_code == 422
    assert "31-12-2026 is not a date (YYYY-MM-DD)" in text_of(page.text)
    api = await client.get("/api/v1/finance/payments?from=2026-12-31&to=2026-01-01")
    assert api.status_code == 422
    assert "The end of the period lies before its start" in api.text
    assert (await client.get("/finance/export/everything.xlsx")).status_code == 404


async def test_budget_and_payments_views(app, client, make_user, make_authority):
    vesthimmerland = await make_authority("Vesthimmerlands Kommune", country="DK")
    app.state.finance_sources = [
        ListedFinance(
            budgets=[
                BudgetRow(
                    kind="round",
                    authority_id=vesthimmerland["id"],
                    authority=vesthimmerland["name"],
                    reference="DK-SELV-2022",
                    procedure="Pulje til selvvurdering",
                    service_type="Home care",
                    currency="DKK",
                    ceiling=D("20000000"),
                    committed=D("1400000"),
                    paid=D("466666.67"),
                )
            ],
            payments=[
                PaymentRow(
                    authority_id=vesthimmerland["id"],
                    authority=vesthimmerland["name"],
                    reference="DK-SELV-2022",
                    payee="Vesthimmerlands Kommune",
                    budget_line="ÆLDRE",
                    service_type="Home care",
                    due_on=date(2023, 1, 15),
                    amount=D("466666.67"),
                    currency="DKK",
                    status="paid",
                    paid_on=date(2023, 1, 16),
                )
            ],
        )
    ]
    await sign_in(client, (await make_user("admin")).email)
    budget = text_of((await client.get("/finance?view=budget")).text)
    assert "DKK18,600,000.00" in budget  # remaining
    workbook = load_workbook(
        io.BytesIO((await client.get("/finance/export/payments.xlsx")).content), read_only=True
    )
    assert workbook.sheetnames == ["Payments", "By month", "By year"]
    by_month = list(workbook["By month"].iter_rows(values_only=True))
    assert by_month[0][:5] == ("Authority", "Budget line", "Currency", "Status", "2023-01")
    assert by_month[1][:5] == ("Vesthimmerlands Kommune", "ÆLDRE", "DKK", "Paid", 466666.67)


async def test_danish_polish_and_swedish_amounts_are_totalled_per_currency(
    app, client, make_user, make_authority
):
    dk = await make_authority("Vesthimmerlands Kommune", country="DK")
    pl = await make_authority("Gmina Wrocław", country="PL")
    se = await make_authority("Botkyrka kommun", country="SE")
    app.state.finance_sources = [
        ListedFinance(
            awards=[
                award(dk, "Aars Aktivitetscenter", "1400000.00", currency="DKK"),
                award(dk, "Farsø Frivilligcenter", "250000.50", currency="DKK"),
                award(pl, "Fundacja Opieka", "1000000.01", currency="PLN"),
                award(pl, "Stowarzyszenie Asystent", "2345678.91", currency="PLN"),
                award(se, "Tumba Dagverksamhet AB", "3200000.00", currency="SEK"),
            ]
        )
    ]
    finance = await make_user("finance", authorities=[dk["id"], pl["id"], se["id"]], language="pl")
    await sign_in(client, finance.email)

    page = text_of((await client.get("/finance?view=awards")).text).replace("\u00a0", " ")
    for shown in ("1 650 000,50 DKK", "3 345 678,92 zł", "3 200 000,00 SEK"):
        assert shown in page, shown

    workbook = load_workbook(
        io.BytesIO((await client.get("/finance/export/awards.xlsx")).content), read_only=True
    )
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    totals = {r[0]: D(str(r[9])) for r in rows[6:]}
    assert totals == {
        "Razem DKK": D("1650000.50"),
        "Razem PLN": D("3345678.92"),
        "Razem SEK": D("3200000.00"),
    }
    assert sorted(r[10] for r in rows[1:6]) == ["DKK", "DKK", "PLN", "PLN", "SEK"]
