"""Award letters and the evaluation report from a real ranking of the scoring engine."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from common.errors import DomainError, Problem
from documents import office
from documents.letters.bundle import letters_for
from documents.letters.kinds import Addressee, AwardIntent, LetterKind, Procedure, Rejection
from documents.letters.present import number
from documents.letters.reports import evaluation_report
from documents.letters.samples import SENDER
from documents.letters.service import templates_for
from scoring import service, sheets
from scoring.letters import (
    AwardSetting,
    SelectionSetting,
    award_letters,
    justification,
    report_from_ranking,
    selection_letters,
)
from scoring.results import CriterionResult
from tests.documents.letters_support import docx_text
from tests.scoring.conftest import make_scenario
from tests.support.browser import require_tool

NAMES = {"bid:1": "Zorg Plus BV", "bid:2": "Thuishulp West", "bid:3": "Samen Sterk"}


async def scored_ranking(make_user, make_authority):
    """The scoring flow's example: bid:2 wins with 87.00, bid:3 79.00, bid:1 70.50."""
    s = await make_scenario(make_user, make_authority)
    first, second = s.evaluators
    for evaluator in s.evaluators:
        await s.declare_all(evaluator)
    marks = {"bid:1": ("8", "7"), "bid:2": ("6", "8"), "bid:3": ("10", "6")}
    for evaluator in s.evaluators:
        for ref, (method, team) in marks.items():
            await s.score(
                evaluator,
                ref,
                {"Method": method, "Team": team, "Certified": "1"},
                justification=f"{ref}: clear & <concrete> "
                f"({'first' if evaluator is first else 'second'})",
            )
    await s.score(second, "bid:3", {"Method": "4"}, justification="Thin on risks")
    await sheets.submit_sheet(first, s.evaluation_id)
    await sheets.submit_sheet(second, s.evaluation_id)
    ids, criteria = await s.subject_ids(), await s.criteria()
    await service.record_consensus(
        s.officer, s.evaluation_id, ids["bid:3"], criteria["Method"], "8", "Agreed: strong method"
    )
    await s.finalise_and_price()
    ranking = await service.ranking(s.officer, s.evaluation_id, explain=None)
    tree = await service.criteria(s.officer, s.evaluation_id)
    return s, ranking, tree


SETTING = AwardSetting(
    sender=SENDER,
    procedure=Procedure("Hulp bij het huishouden 2027", "HH-2026-01", "Lot 1"),
    date=date(2026, 12, 1),
    reference="2026/0900",
    standstill_days=20,
    standstill_end=date(2026, 12, 21),
    objection="Questions: inkoop@utrecht.example",
    winner_advantages=("A district team that already knows the clients",),
)


@pytest.fixture
async def ranked(make_user, make_authority):
    return await scored_ranking(make_user, make_authority)


async def test_the_winner_gets_an_award_intent_and_the_others_a_comparison(ranked):
    _, ranking, _ = ranked
    addressees = {ref: Addressee(name) for ref, name in NAMES.items()}
    letters = dict(award_letters(ranking, addressees, SETTING, "en"))
    assert isinstance(letters["bid:2"], AwardIntent)
    assert letters["bid:2"].rank == 1 and str(letters["bid:2"].total) == "87.00"
    rejection = letters["bid:3"]
    assert isinstance(rejection, Rejection)
    assert rejection.winner == "Thuishulp West" and rejection.rank == 2
    assert rejection.ranked_count == 3 and str(rejection.winner_total) == "87.00"
    method = next(row for row in rejection.scores if row.criterion == "Method")
    assert (str(method.own_points), str(method.winner_points)) == ("20.00", "15.00")
    assert method.own_justification == "Agreed: strong method"  # the consensus text
    # the evaluators' own words, without their names
    assert method.winner_justification == (
        "bid:2: clear & <concrete> (first) / bid:2: clear & <concrete> (second)"
    )
    price = next(row for row in rejection.scores if row.criterion == "Price")
    # prices with their currency, in the letter's notation
    assert price.own_justification == ("60 × lowest price €100,000.00 / price €120,000.00 = 50.00")
    assert rejection.reasons[0] == (
        "Your bid ranked 2; the contract goes to the highest-ranked bid."
    )
    assert rejection.winner_advantages[0] == "A district team that already knows the clients"
    assert "Price: 60.00 points against 50.00 for your bid" in rejection.winner_advantages


async def test_a_rejection_after_deviating_from_the_ranking_gives_the_authoritys_reason(ranked):
    _, ranking, _ = ranked
    addressees = {ref: Addressee(name) for ref, name in NAMES.items()}
    setting = replace(
        SETTING, deviates=True, reasons={"bid:3": ("The bid's price is abnormally low.",)}
    )
    rejection = dict(award_letters(ranking, addressees, setting, "en"))["bid:3"]
    assert rejection.reasons == (
        "Your bid ranked 2. The contracting authority deviates from the ranking for the "
        "reason below.",
        "The bid's price is abnormally low.",
    )
    assert not any("highest-ranked" in reason for reason in rejection.reasons)


async def test_the_rejection_letter_in_dutch_has_both_parties_scores(ranked):
    s, ranking, _ = ranked
    addressees = {"bid:1": Addressee("Zorg Plus BV")}
    letters = list(award_letters(ranking, addressees, SETTING, "nl"))
    templates = await templates_for(s.authority_id, [(LetterKind.REJECTION, "nl")])
    [generated] = list(letters_for(templates, letters, "nl"))
    text = docx_text(generated.data)
    assert generated.filename == "rejection-zorg-plus-bv-bid-1.docx"
    assert generated.ref == "bid:1" and generated.addressee == "Zorg Plus BV"
    assert "opdracht aan Thuishulp West te gunnen" in text
    assert "als nummer 3 van 3 gerangschikt met 70,50 punten" in text
    assert "Method | 25 | 8,00 | 20,00 | 6,00 | 15,00" in text
    assert "Price | 60 |  | 40,00 |  | 60,00" in text
    assert "21 december 2026" in text
    assert "Uw inschrijving eindigde als nummer 3" in text  # the reason, in Dutch
    # How the price points were worked out, in Dutch notation with the currency.
    price = next(r for r in ranking.subject("bid:1").criteria if r.kind == "price")
    shown = justification(price, lambda message: message, "nl", ranking.currency)
    assert "€" in shown and "." not in shown.replace("€ ", "").split("=")[-1], shown


def test_price_explanations_are_written_in_the_letters_notation():
    result = CriterionResult(
        7,
        "Prijs",
        "price",
        None,
        Decimal(40),
        Decimal("20.54"),
        None,
        "lowest",
        Problem(
            "{weight} × lowest price {low} / price {price} = {points}",
            {"weight": "40", "low": "1350000.00", "price": "2628750.00", "points": "20.54"},
        ),
        {},
    )
    shown = justification(result, lambda message: message, "nl", "EUR")
    assert shown.replace("\xa0", " ") == (
        "40 × lowest price € 1.350.000,00 / price € 2.628.750,00 = 20,54"
    )


def utrecht_report(ranking, tree, language: str, **options):
    """The scenario's evaluation report, as Utrecht writes it on 1 December 2026."""
    return report_from_ranking(
        ranking,
        tree,
        authority="Gemeente Utrecht",
        procedure=SETTING.procedure,
        on=date(2026, 12, 1),
        language=language,
        **options,
    )


async def test_without_a_winner_no_letters_can_be_written(ranked):
    _, ranking, _ = ranked
    with pytest.raises(DomainError, match="no winner"):
        list(award_letters(replace(ranking, winners=()), {}, SETTING, "en"))


async def test_the_evaluation_report_has_every_score_and_justification(ranked):
    _, ranking, tree = ranked
    report = utrecht_report(ranking, tree, "en", decision=("Award to Thuishulp West",))
    text = docx_text(evaluation_report(report, "en"))
    for heading in (
        "Evaluation report",
        "Criteria and weights",
        "Formulas",
        "Evaluators",
        "Scores and justifications",
        "Knock-outs and exclusions",
        "Ranking",
        "Rank reversal",
        "Decision",
    ):
        assert heading in text
    assert "Price: Relative to the lowest price: WP × Pmin / P" in text
    assert "Method | Quality | 25 | insufficient (0), poor (2)" in text
    assert "Ranking method: highest total of points" in text
    assert "1 | Thuishulp West | 27.00 | €100,000.00 | 60.00 | 87.00 | Winner" in text
    assert " | Consensus | 8.00 |  | Agreed: strong method" in text
    assert "Thin on risks" in text and "clear & <concrete>" in text
    evaluator_names = {
        line.evaluator for s in ranking.subjects for c in s.criteria for line in c.individual
    }
    assert len(evaluator_names) == 2 and all(name in text for name in evaluator_names)
    assert "Checked: leaving out any one subject changes the order of no others." in text
    assert "Award to Thuishulp West" in text


async def test_the_report_can_name_evaluators_by_code_and_is_translated(ranked):
    _, ranking, tree = ranked
    report = utrecht_report(ranking, tree, "nl", evaluator_codes=True)
    assert report.evaluators == ("E1", "E2")
    text = docx_text(evaluation_report(report, "nl"))
    assert "Beoordelingsrapport" in text and "Beoordelaars" in text
    assert "1 december 2026" in text and "€ 100.000,00" in text
    names = {line.evaluator for s in ranking.subjects for c in s.criteria for line in c.individual}
    assert not any(name in text for name in names)
    assert "Nog geen besluit vastgelegd." in text


@pytest.mark.office
async def test_the_evaluation_report_converts_to_pdf(ranked):
    require_tool(office.available(), "LibreOffice")
    _, ranking, tree = ranked
    report = utrecht_report(ranking, tree, "nl")
    pdf = await office.convert(evaluation_report(report, "nl"), ".docx", "pdf")
    assert pdf.startswith(b"%PDF")


async def priced_scenario(make_user, make_authority, bid_1_team: str):
    """Method 6 for all, Team ``bid_1_team``/8/7 (the Team minimum is 6 points), quality final and
    priced 90,000 / 100,000 / 120,000."""
    s = await make_scenario(make_user, make_authority)
    for evaluator in s.evaluators:
        await s.declare_all(evaluator)
        for ref, team in (("bid:1", bid_1_team), ("bid:2", "8"), ("bid:3", "7")):
            await s.score(evaluator, ref, {"Method": "6", "Team": team, "Certified": "1"})
        await sheets.submit_sheet(evaluator, s.evaluation_id)
    await service.finalise_quality(s.officer, s.evaluation_id)
    await service.set_prices(
        s.officer,
        s.evaluation_id,
        {"bid:1": "90000", "bid:2": "100000", "bid:3": "120000"},
        by_owner=True,
    )
    return s


async def test_a_knocked_out_bid_is_told_which_minimum_it_missed(make_user, make_authority):
    s = await priced_scenario(make_user, make_authority, bid_1_team="3")
    ranking = await service.ranking(s.officer, s.evaluation_id, explain=None)
    tree = await service.criteria(s.officer, s.evaluation_id)
    assert ranking.subject("bid:1").knocked_out
    letters = dict(award_letters(ranking, {"bid:1": Addressee("Zorg Plus BV")}, SETTING, "en"))
    rejection = letters["bid:1"]
    assert rejection.rank is None and rejection.own_total is None
    assert rejection.reasons[0].startswith("Your bid did not meet a minimum requirement: ")
    assert "Team" in rejection.reasons[0]
    templates = await templates_for(s.authority_id, [(LetterKind.REJECTION, "en")])
    [generated] = list(letters_for(templates, letters.items(), "en"))
    text = docx_text(generated.data)
    assert "Your bid was not included in the ranking." in text
    assert rejection.reasons[0] in text and "Thuishulp West" in text
    report = utrecht_report(ranking, tree, "en")
    report_text = docx_text(evaluation_report(report, "en"))
    assert "Zorg Plus BV: Knocked out" in report_text
    assert (
        rejection.reasons[0].removeprefix("Your bid did not meet a minimum requirement: ")
        in report_text
    )


async def test_selection_letters_from_a_preselection_ranking(ranked):
    s, ranking, _ = ranked
    setting = SelectionSetting(
        sender=SENDER,
        procedure=SETTING.procedure,
        date=date(2026, 12, 1),
        reference="2026/0901",
        selected=frozenset({"bid:2", "bid:3"}),
        next_steps=("You will receive the invitation to tender.",),
    )
    addressees = {ref: Addressee(name) for ref, name in NAMES.items()}
    letters = dict(selection_letters(ranking, addressees, setting, "nl"))
    assert letters["bid:2"].selected and letters["bid:3"].selected
    assert not letters["bid:1"].selected
    assert letters["bid:1"].reasons == (
        "Uw aanmelding eindigde als nummer 3; de hoger gerangschikte gegadigden zijn geselecteerd.",
    )
    templates = await templates_for(s.authority_id, [(LetterKind.SELECTION, "nl")])
    generated = {g.ref: docx_text(g.data) for g in letters_for(templates, letters.items(), "nl")}
    assert "niet bent geselecteerd" in generated["bid:1"]
    assert "Method | 25 | 8,00 | 20,00" in generated["bid:1"]
    assert "In totaal zijn 2 gegadigden geselecteerd." in generated["bid:2"]
    lowest = min(ranking.subject(ref).total for ref in ("bid:2", "bid:3"))
    assert letters["bid:1"].lowest_selected_total == lowest
    own = number(ranking.subject("bid:1").total, "nl")
    assert (
        f"Uw aanmelding behaalde in totaal {own} punten; de laagst gerangschikte "
        f"geselecteerde gegadigde behaalde {number(lowest, 'nl')} punten."
    ) in generated["bid:1"]
    assert "laagst gerangschikte" not in generated["bid:2"]


async def test_with_several_winners_each_is_told_the_others_and_rejections_name_the_benchmark(
    ranked,
):
    s, ranking, _ = ranked
    two = replace(
        ranking,
        winners=("bid:2", "bid:3"),
        subjects=tuple(replace(x, winner=x.ref in ("bid:2", "bid:3")) for x in ranking.subjects),
    )
    addressees = {ref: Addressee(name) for ref, name in NAMES.items()}
    letters = list(award_letters(two, addressees, SETTING, "nl"))
    templates = await templates_for(
        s.authority_id, [(LetterKind.REJECTION, "nl"), (LetterKind.AWARD_INTENT, "nl")]
    )
    texts = {g.ref: docx_text(g.data) for g in letters_for(templates, letters, "nl")}
    # Each winner reads who else the lot goes to.
    assert "eveneens voornemens de opdracht te gunnen aan:\nSamen Sterk" in texts["bid:2"]
    assert "eveneens voornemens de opdracht te gunnen aan:\nThuishulp West" in texts["bid:3"]
    # The rejection compares with the lowest-ranked winner (bid:3, 79,00) and names it, and
    # the winner's justifications are that bid's, not labelled with every winner's name.
    rejection = texts["bid:1"]
    assert "opdracht aan Thuishulp West, Samen Sterk te gunnen" in rejection
    assert (
        "Er zijn 2 winnende inschrijvingen. Wij vergelijken uw inschrijving met de laagst "
        "gerangschikte daarvan, die van Samen Sterk;"
    ) in rejection
    assert "de winnende inschrijving behaalde 79,00 punten" in rejection
    assert "Motivering van de score van Samen Sterk:" in rejection
    assert "Motivering van de score van Thuishulp West, Samen Sterk" not in rejection
    # With one winner neither sentence appears.
    alone = list(award_letters(ranking, addressees, SETTING, "nl"))
    one = {g.ref: docx_text(g.data) for g in letters_for(templates, alone, "nl")}
    assert "eveneens voornemens" not in one["bid:2"]
    assert "winnende inschrijvingen" not in one["bid:1"]


async def test_an_excluded_bid_is_told_the_recorded_reason_and_gets_no_empty_scores(
    make_user, make_authority
):
    s = await priced_scenario(make_user, make_authority, bid_1_team="6")
    reason = "Uitsluitingsgrond art. 2.86 Aw: onherroepelijke veroordeling (UEA deel III)"
    await service.exclude_subject(s.officer, s.evaluation_id, "bid:1", reason)
    ranking = await service.ranking(s.officer, s.evaluation_id, explain=None)
    tree = await service.criteria(s.officer, s.evaluation_id)
    assert ranking.subject("bid:1").excluded
    letters = list(award_letters(ranking, {"bid:1": Addressee("Zorg Plus BV")}, SETTING, "nl"))
    templates = await templates_for(s.authority_id, [(LetterKind.REJECTION, "nl")])
    [generated] = list(letters_for(templates, letters, "nl"))
    lines = docx_text(generated.data).splitlines()
    # Under "Redenen van de afwijzing": the exclusion with the reason the officer recorded.
    reasons = lines.index("Redenen van de afwijzing")
    assert lines[reasons + 1] == f"Uw inschrijving is uitgesloten: {reason}"
    assert "Uw inschrijving is niet in de rangschikking opgenomen." in lines
    text = "\n".join(lines)
    assert "Totaal" not in text and "punten tegen 0" not in text
    report = utrecht_report(ranking, tree, "nl")
    assert reason in docx_text(evaluation_report(report, "nl"))
