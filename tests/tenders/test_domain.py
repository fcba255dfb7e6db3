"""Pure rules: CPV codes, shares, local deadlines across DST, periods, standstill, winners."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from common.errors import DomainError, ValidationFailed
from tenders.domain import (
    Assessment,
    check_cpv,
    check_minimum_periods,
    check_shares,
    choose_winners,
    decide_selection,
    equal_shares,
    parse_cpv_list,
    parse_deadlines,
    parse_share,
    received_in_time,
    require_in_time,
    standstill_end,
    standstill_last_day,
    validate_lot,
    validate_tender,
)
from tenders.procedures import PROCEDURE_TYPES, Deadline

AMS = "Europe/Amsterdam"


def test_cpv_codes_are_format_checked():
    assert check_cpv(" 85311000-2 ") == "85311000-2"
    assert parse_cpv_list("85311000-2, 98513310-8;85311000-2") == ["85311000-2", "98513310-8"]
    with pytest.raises(DomainError, match="85311000 is not a CPV code: write eight digits"):
        check_cpv("85311000")
    with pytest.raises(DomainError, match="no division 99"):
        check_cpv("99311000-2")
    with pytest.raises(DomainError, match="is not a CPV code"):
        check_cpv("8531100A-2")


def test_shares_add_up_to_exactly_one_hundred():
    check_shares({1: Decimal("60"), 2: Decimal("40")})
    with pytest.raises(DomainError, match=r"add up to 99\.99%, not 100%"):
        check_shares({1: Decimal("33.33"), 2: Decimal("33.33"), 3: Decimal("33.33")})
    assert parse_share("6,67") == Decimal("6.67")
    for bad, message in (
        ("0", "more than 0%"),
        ("100.5", "at most 100%"),
        ("x", "not a"),
        ("1.2345", "more than two decimals"),
        ("1.234", "ambiguous"),
    ):
        with pytest.raises(DomainError, match=message):
            parse_share(bad)


@given(st.integers(min_value=1, max_value=200))
def test_equal_shares_always_add_up(count):
    shares = equal_shares(count)
    assert len(shares) == count and sum(shares) == Decimal(100)
    assert max(shares) - min(shares) <= Decimal("0.01")


def test_a_tender_as_entered_names_every_problem():
    with pytest.raises(ValidationFailed) as refused:
        validate_tender(
            {
                "title": "",
                "reference": "",
                "procedure": "auction",
                "cpv_codes": "123",
                "currency": "USD",
                "estimated_value": "-5",
                "contract_start": "2027-01-01",
                "contract_end": "2026-01-01",
                "max_candidates": "0",
            }
        )
    assert [p.render() for p in refused.value.problems] == [
        "title: A title is required",
        "reference: A reference is required",
        "procedure: Choose a procedure type",
        "cpv_codes: 123 is not a CPV code: write eight digits, a hyphen and the check digit, "
        "such as 85311000-2",
        "currency: Choose one of the currencies EUR, DKK, PLN, SEK",
        "estimated_value: -5 is negative",
        "contract_end: The contract ends after it starts",
        "max_candidates: Enter a whole number of at least 1",
    ]
    data = validate_tender(
        {
            "title": "Hulp bij het huishouden",
            "reference": "UTR-2021-HH",
            "procedure": "competitive_dialogue",
            "cpv_codes": "98513310-8",
            "currency": "eur",
            "estimated_value": "48000000.00",
            "max_candidates": "5",
        }
    )
    assert data.cpv_codes == ("98513310-8",) and data.currency == "EUR"
    assert data.estimated_value == Decimal("48000000.00") and data.electronic_submission


def test_a_lot_as_entered():
    with pytest.raises(ValidationFailed) as refused:
        validate_lot({"number": "0", "title": "", "winners": "x"})
    assert [p.location for p in refused.value.problems] == ["number", "title", "winners"]
    assert validate_lot({"number": "2", "title": "Noordwest", "winners": "13"}).winners == 13


def test_deadlines_are_local_wall_clock_times_across_daylight_saving():
    # Clocks go forward in Amsterdam on 29 March 2026 (02:00 → 03:00).
    before = parse_deadlines({"deadline_bids": "2026-03-28T12:00"}, AMS)[Deadline.BIDS]
    after = parse_deadlines({"deadline_bids": "2026-03-30T12:00"}, AMS)[Deadline.BIDS]
    assert before == datetime(2026, 3, 28, 11, 0, tzinfo=UTC)  # CET, UTC+1
    assert after == datetime(2026, 3, 30, 10, 0, tzinfo=UTC)  # CEST, UTC+2
    # Clocks go back on 25 October 2026: 12:00 is 10:00 UTC before and 11:00 UTC after.
    assert parse_deadlines({"deadline_bids": "2026-10-24T12:00"}, AMS)[Deadline.BIDS].hour == 10
    assert parse_deadlines({"deadline_bids": "2026-10-26T12:00"}, AMS)[Deadline.BIDS].hour == 11
    # Warsaw and Stockholm follow the same rule; an empty field clears a deadline.
    found = parse_deadlines(
        {"deadline_requests": "", "deadline_questions": "2026-07-01T09:30"}, "Europe/Warsaw"
    )
    assert found == {
        Deadline.REQUESTS: None,
        Deadline.QUESTIONS: datetime(2026, 7, 1, 7, 30, tzinfo=UTC),
    }
    with pytest.raises(ValidationFailed) as refused:
        parse_deadlines({"deadline_bids": "1 March"}, AMS)
    assert refused.value.problems[0].render() == "deadline_bids: 1 March is not a date and time"


def test_a_bid_one_second_late_is_refused():
    deadline = parse_deadlines({"deadline_bids": "2026-03-30T12:00"}, AMS)[Deadline.BIDS]
    assert received_in_time(deadline - timedelta(seconds=1), deadline)
    assert not received_in_time(deadline, deadline)
    assert not received_in_time(deadline + timedelta(seconds=1), deadline)
    with pytest.raises(DomainError) as refused:
        require_in_time(
            deadline + timedelta(seconds=1),
            deadline,
            "Bids closed at {deadline}; this one came at {received}",
            AMS,
        )
    assert str(refused.value) == (
        "Bids closed at 2026-03-30 12:00:00 (CEST); this one came at 2026-03-30 12:00:01 (CEST)"
    )


def test_minimum_periods_are_warned_about_with_their_rule():
    published = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    bids = published + timedelta(days=31)
    open_kind = PROCEDURE_TYPES["open"]
    [warning] = check_minimum_periods(
        open_kind, {Deadline.BIDS: bids}, published, AMS, electronic=False, country="NL"
    )
    assert (warning.days_given, warning.days_required) == (31, 35)
    assert "art. 27(1)" in warning.rule
    assert (
        warning.problem()
        .render()
        .startswith("deadline_bids: 31 days is shorter than the minimum of 35 days (Directive")
    )
    assert (
        check_minimum_periods(
            open_kind, {Deadline.BIDS: bids}, published, AMS, electronic=True, country="NL"
        )
        == []
    )
    dialogue = PROCEDURE_TYPES["competitive_dialogue"]
    [warning] = check_minimum_periods(
        dialogue,
        {Deadline.REQUESTS: published + timedelta(days=20)},
        published,
        AMS,
        True,
        country="NL",
    )
    assert "art. 30(1)" in warning.rule and warning.deadline is Deadline.REQUESTS
    restricted = PROCEDURE_TYPES["restricted"]
    late_invite = {
        Deadline.REQUESTS: published + timedelta(days=30),
        Deadline.BIDS: published + timedelta(days=50),
    }
    assert check_minimum_periods(restricted, late_invite, published, AMS, True, country="NL") == []
    [warning] = check_minimum_periods(
        restricted,
        late_invite,
        published,
        AMS,
        True,
        invited_at=published + timedelta(days=31),
        country="NL",
    )
    assert warning.days_given == 19 and "art. 28(2)" in warning.rule
    assert (
        check_minimum_periods(
            PROCEDURE_TYPES["light_regime"],
            {Deadline.BIDS: bids},
            published,
            AMS,
            True,
            country="NL",
        )
        == []
    )


def test_the_minimum_periods_are_the_lead_authoritys_countrys():
    # The Netherlands and Denmark cite their act beside the directive; a country without a
    # module of its own gets the directive's minimums and cites the directive alone.
    published = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    bids = {Deadline.BIDS: published + timedelta(days=31)}
    open_kind = PROCEDURE_TYPES["open"]
    [dutch] = check_minimum_periods(open_kind, bids, published, AMS, False, country="NL")
    assert dutch.rule == (
        "Directive 2014/24/EU art. 27(1), Aanbestedingswet 2012 art. 2.71: 35 days for bids"
    )
    [danish] = check_minimum_periods(
        open_kind, bids, published, "Europe/Copenhagen", False, country="DK"
    )
    assert danish.days_required == 35
    assert danish.rule == "Directive 2014/24/EU art. 27(1), udbudsloven § 57: 35 days for bids"
    [finnish] = check_minimum_periods(
        open_kind, bids, published, "Europe/Helsinki", False, country="FI"
    )
    assert finnish.rule == "Directive 2014/24/EU art. 27(1): 35 days for bids"


def test_standstill_ends_after_twenty_calendar_days_in_the_netherlands():
    sent = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # Monday 2 March
    ends = standstill_end(sent, 20, AMS, "NL")
    assert standstill_last_day(ends, AMS) == date(2026, 3, 23)  # 22 March is a Sunday
    assert ends == datetime(2026, 3, 23, 23, 0, tzinfo=UTC)  # midnight CET
    ten = standstill_end(sent, 10, "Europe/Warsaw", "PL")
    assert standstill_last_day(ten, "Europe/Warsaw") == date(2026, 3, 12)
    # Across the change to summer time the period still ends at local midnight.
    spring = standstill_end(datetime(2026, 3, 20, 10, 0, tzinfo=UTC), 10, "Europe/Warsaw", "PL")
    assert spring == datetime(2026, 3, 30, 22, 0, tzinfo=UTC)
    # A Dutch period ending on King's Day (27 April 2026, a Monday) runs on to Tuesday.
    kings = standstill_end(datetime(2026, 4, 7, 8, 0, tzinfo=UTC), 20, AMS, "NL")
    assert standstill_last_day(kings, AMS) == date(2026, 4, 28)


def test_the_dutch_standstill_follows_the_algemene_termijnenwet_not_the_public_holidays():
    # Good Friday (26 March 2027) is no holiday under the Atw: the period ends on it.
    good_friday = standstill_end(datetime(2027, 3, 6, 9, 0, tzinfo=UTC), 20, AMS, "NL")
    assert standstill_last_day(good_friday, AMS) == date(2027, 3, 26)
    # 5 May is one every year (2027 is no lustrum year), then Ascension Day: Friday 7 May.
    may = standstill_end(datetime(2027, 4, 15, 9, 0, tzinfo=UTC), 20, AMS, "NL")
    assert standstill_last_day(may, AMS) == date(2027, 5, 7)


def test_winners_come_from_the_ranking_and_a_deviation_needs_a_reason():
    ranked = ["bid:3", "bid:1", "bid:2", "bid:4"]
    choice = choose_winners(ranked, ["bid:1"], ["bid:3", "bid:2"], 2, "")
    assert choice.winners == ("bid:3", "bid:2") and not choice.deviates
    with pytest.raises(ValidationFailed) as refused:
        choose_winners(ranked, ["bid:1"], ["bid:3", "bid:4"], 2, " ")
    assert [p.render() for p in refused.value.problems] == [
        "reason: The choice deviates from the ranking; give the reason"
    ]
    deviation = choose_winners(ranked, ["bid:1"], ["bid:4"], 1, "bid:3 withdrew")
    assert deviation.deviates and deviation.reason == "bid:3 withdrew"
    with pytest.raises(ValidationFailed) as refused:
        choose_winners(ranked, ["bid:1"], ["bid:1", "bid:9"], 1, "because")
    assert [p.render() for p in refused.value.problems] == [
        "winners: bid:1 was knocked out and cannot win",
        "winners: bid:9 is not in the ranking",
    ]
    with pytest.raises(ValidationFailed, match="Choose at least one winner"):
        choose_winners(ranked, [], [], 1, "")


def test_selection_decisions_follow_the_assessments():
    ok = [Assessment("No exclusion ground", True), Assessment("Turnover", True)]
    assert decide_selection(ok, True, "").admitted
    failing = [*ok, Assessment("HKZ certificate", False, "expired")]
    with pytest.raises(DomainError, match="fails HKZ certificate cannot be admitted"):
        decide_selection(failing, True, "")
    with pytest.raises(DomainError, match="Give the reason"):
        decide_selection(failing, False, " ")
    refused = decide_selection(failing, False, "No valid certificate")
    assert refused.failed == ("HKZ certificate",) and not refused.admitted
