"""Denmark's periods, checked by hand against a calendar.

Klagenævnsloven § 3, stk. 2: the standstill is 10 calendar days from the day after the award
decision was sent electronically, 15 when sent otherwise. Periods are counted under Regulation
1182/71 (art. 3(4)): a period ending on a Saturday, Sunday or holiday ends with the next working
day. Easter Sunday: 20 Apr 2025, 5 Apr 2026, 28 Mar 2027, 16 Apr 2028.
"""

from datetime import date

import pytest

from common.jurisdictions import Period, jurisdiction_for
from common.jurisdictions.dk import CALENDAR, danish_days_off

DK = jurisdiction_for("DK")

# (sent on, last day when sent electronically (10 days), last day when sent otherwise (15)).
STANDSTILLS = [
    # Plain working days: Tue 3 Nov 2026 + 10 = Fri 13 Nov; + 15 = Wed 18 Nov.
    (date(2026, 11, 3), date(2026, 11, 13), date(2026, 11, 18)),
    # Weekend: Thu 1 Apr 2027 + 10 = Sun 11 Apr -> Mon 12 Apr; + 15 = Fri 16 Apr.
    (date(2027, 4, 1), date(2027, 4, 12), date(2027, 4, 16)),
    # Easter 2027: + 10 = Fri 26 Mar (langfredag) -> Sat, Sun, Mon 29 (2. påskedag) -> Tue 30
    # Mar; + 15 = Wed 31 Mar.
    (date(2027, 3, 16), date(2027, 3, 30), date(2027, 3, 31)),
    # Skærtorsdag: Mon 23 Mar 2026 + 10 = Thu 2 Apr -> Fri 3 (langfredag), Sat, Sun, Mon 6
    # (2. påskedag) -> Tue 7 Apr; + 15 = Tue 7 Apr as well.
    (date(2026, 3, 23), date(2026, 4, 7), date(2026, 4, 7)),
    # Kristi himmelfartsdag Thu 14 May 2026 -> Fri 15 May; + 15 = Tue 19 May.
    (date(2026, 5, 4), date(2026, 5, 15), date(2026, 5, 19)),
    # 2. pinsedag Mon 25 May 2026 -> Tue 26 May; + 15 = Sun 31 May -> Mon 1 Jun.
    (date(2026, 5, 15), date(2026, 5, 26), date(2026, 6, 1)),
    # Grundlovsdag Fri 5 Jun 2026 -> Mon 8 Jun; + 15 = Wed 10 Jun.
    (date(2026, 5, 26), date(2026, 6, 8), date(2026, 6, 10)),
    # Jul: + 10 = Fri 25 Dec 2026 -> Mon 28 Dec; + 15 = Wed 30 Dec.
    (date(2026, 12, 15), date(2026, 12, 28), date(2026, 12, 30)),
    # Juleaftensdag Thu 24 Dec 2026 -> (25, 26, 27) -> Mon 28 Dec; + 15 = Tue 29 Dec.
    (date(2026, 12, 14), date(2026, 12, 28), date(2026, 12, 29)),
    # Nytårsaftensdag Thu 31 Dec 2026 and nytårsdag Fri 1 Jan 2027 -> Mon 4 Jan 2027;
    # + 15 = Tue 5 Jan.
    (date(2026, 12, 21), date(2027, 1, 4), date(2027, 1, 5)),
    # Store bededag is abolished from 2024: Fri 12 May 2028 (Easter + 26) is a working day.
    (date(2028, 5, 2), date(2028, 5, 12), date(2028, 5, 17)),
]


@pytest.mark.parametrize(("sent", "electronic", "other"), STANDSTILLS)
def test_the_standstill_electronic_and_otherwise(sent, electronic, other):
    assert DK.standstill_last_day(sent) == electronic
    assert DK.standstill_last_day(sent, electronic=False) == other


def test_the_holidays_of_2027():
    assert danish_days_off(2027) == {
        date(2027, 1, 1),
        date(2027, 3, 25),
        date(2027, 3, 26),
        date(2027, 3, 28),
        date(2027, 3, 29),
        date(2027, 5, 6),
        date(2027, 5, 16),
        date(2027, 5, 17),
        date(2027, 6, 5),
        date(2027, 12, 24),
        date(2027, 12, 25),
        date(2027, 12, 26),
        date(2027, 12, 31),
    }
    assert date(2023, 5, 5) in danish_days_off(2023)  # store bededag, its last year


def test_a_short_period_holds_two_working_days():
    # Regulation 1182/71 art. 3(5): two days from Wed 23 Dec 2026 end Fri 25 Dec -> Mon 28
    # Dec, which is one working day only: Tue 29 Dec.
    assert CALENDAR.last_day(date(2026, 12, 23), Period(2)) == date(2026, 12, 29)


def test_the_remedies_and_the_complaint_period_follow_the_standstill():
    assert DK.remedies.body == "Klagenævnet for Udbud"
    assert DK.calendar.last_day(date(2027, 3, 16), DK.remedies.period) == date(2027, 3, 30)
    assert "§ 3, stk. 2" in DK.standstill.rule and "§§ 6, 7 og 12" in DK.remedies.rule


def test_the_grant_law_has_no_administrative_appeal_and_names_the_supervisor():
    law = DK.grant_law
    assert not law.appeal and "Ankestyrelsen" in law.supervision
    assert law.reasons_rule == "forvaltningslovens §§ 22-24"
    assert DK.language == "da" and DK.currency == "DKK" and DK.timezone == "Europe/Copenhagen"


def test_the_minimum_periods_and_the_light_regime():
    assert DK.minimum_period("open", "bids", electronic=False).days == 35
    assert DK.minimum_period("open", "bids", electronic=True).days == 30
    restricted = DK.minimum_period("restricted", "bids", electronic=True)
    assert restricted.days == 25 and "§ 60, stk. 4" in restricted.rule
    assert DK.minimum_period("restricted", "requests", electronic=True).days == 30
    assert DK.minimum_period("light_regime", "bids", electronic=True) is None
    assert DK.light_regime.rule == "udbudsloven §§ 186-192"
