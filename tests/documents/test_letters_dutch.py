"""Dutch letters as a procurement and subsidy lawyer reads them: every date that ends a period
comes from the authority's jurisdiction (the Algemene termijnenwet in the Netherlands)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from documents.letters.kinds import LetterKind
from documents.letters.present import context_of
from documents.letters.render import render
from documents.letters.samples import sample_letter
from documents.letters.templates import default_template
from tests.documents.letters_support import docx_text


def rendered(kind: LetterKind, letter) -> str:
    data, language = default_template(kind, "nl")
    return docx_text(render(data, context_of(letter, language)))


@pytest.mark.parametrize("kind", [LetterKind.GRANT, LetterKind.REFUSAL, LetterKind.SETTLEMENT])
def test_the_objection_period_runs_to_the_next_working_day(kind):
    # Six weeks from Sunday 6 December 2026 end on Sunday 17 January 2027: by the Atw the
    # period runs to Monday 18 January.
    letter = sample_letter(kind, date(2026, 12, 6))
    assert letter.objection_end == date(2027, 1, 18)
    text = rendered(kind, letter)
    assert "18 januari 2027" in text and "17 januari 2027" not in text


def test_the_standstill_end_of_the_sample_letters_is_the_atw_one():
    letter = sample_letter(LetterKind.REJECTION, date(2027, 3, 6))
    assert letter.standstill_end == date(2027, 3, 26)  # Good Friday is a working day
    assert "26 maart 2027" in rendered(LetterKind.REJECTION, letter)


def test_another_countrys_letter_counts_by_its_own_calendar():
    letter = sample_letter(LetterKind.GRANT, date(2026, 12, 6))
    danish = dataclasses.replace(letter, sender=dataclasses.replace(letter.sender, country="DK"))
    # Sunday 17 January 2027 runs to Monday 18 January there as well; 24 Dec 2026 + 6 weeks
    # (Thursday 4 February) is a working day in both.
    assert danish.objection_end == date(2027, 1, 18)
    assert dataclasses.replace(danish, date=date(2026, 12, 24)).objection_end == date(2027, 2, 4)
