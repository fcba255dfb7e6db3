"""The light regime for social services (Directive 2014/24/EU art. 74-76): at or above the
threshold a tender under it still goes to the EU's Official Journal, and its page says so."""

from decimal import Decimal

from common.jurisdictions import EU_LIGHT_REGIME, jurisdiction_for
from tenders.domain import contract_value, light_regime_warnings
from tests.support.http import sign_in, text_of

NL = jurisdiction_for("NL").light_regime


def test_at_or_above_the_threshold_the_light_regime_asks_for_eu_publication():
    [at] = light_regime_warnings("light_regime", Decimal(750_000), "EUR", NL)
    assert at.location == "estimated_value"
    assert at.params == {
        "value": Decimal(750_000),
        "threshold": Decimal(750_000),
        "rule": "artikelen 2.38 en 2.39 Aanbestedingswet 2012",
    }
    assert "Official Journal" in at.message and "award notice" in at.message
    assert light_regime_warnings("light_regime", Decimal("749999.99"), "EUR", NL) == []


def test_without_a_value_the_light_regime_asks_for_one():
    [missing] = light_regime_warnings("light_regime", None, "EUR", EU_LIGHT_REGIME)
    assert missing.message.startswith("Enter the estimated value")
    assert missing.params == {
        "threshold": Decimal(750_000),
        "rule": "Directive 2014/24/EU art. 4(d) and 74-76",
    }


def test_other_procedures_and_other_currencies_are_not_warned():
    assert light_regime_warnings("open", Decimal(5_000_000), "EUR", NL) == []
    assert light_regime_warnings("open", None, "EUR", NL) == []
    # The threshold is in euros; the Commission's equivalents in DKK, PLN, SEK are not here.
    assert (
        light_regime_warnings(
            "light_regime", Decimal(50_000_000), "DKK", jurisdiction_for("DK").light_regime
        )
        == []
    )


def test_the_contract_value_is_the_tenders_own_else_all_lots_together():
    assert contract_value(Decimal(10), [Decimal(600_000), Decimal(600_000)]) == Decimal(10)
    assert contract_value(None, [Decimal(600_000), Decimal(600_000)]) == Decimal(1_200_000)
    assert contract_value(None, [Decimal(600_000), None]) is None
    assert contract_value(None, []) is None


async def test_the_tender_page_warns_of_eu_publication_under_the_light_regime(
    world, client_factory
):
    above = await world.tender(
        procedure="light_regime", estimated_value="800000", reference="UTR-WMO-1"
    )
    below = await world.tender(
        procedure="light_regime", estimated_value="120000", reference="UTR-WMO-2"
    )
    full = await world.tender(procedure="open", estimated_value="800000", reference="UTR-WMO-3")
    async with client_factory() as client:
        await sign_in(client, world.officer.email)
        page = await client.get(f"/tenders/{above}")
        assert page.status_code == 200
        assert 'id="regime-warnings"' in page.text
        shown = text_of(page.text)
        assert "reaches the threshold of" in shown or "bereikt de drempel van" in shown
        assert "2.38" in shown
        for quiet in (below, full):
            page = await client.get(f"/tenders/{quiet}")
            assert page.status_code == 200 and 'id="regime-warnings"' not in page.text
