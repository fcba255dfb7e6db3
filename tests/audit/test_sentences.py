"""Audit events read as sentences, in the user's language, without codes or JSON."""

from audit.sentences import SENTENCES, sentence
from web.i18n import gettext, language

NAMES = {"officer@tenderdesk.example": "Olga de Vries"}


def told(event: dict, lang: str = "en") -> str:
    with language(lang):
        return sentence(event, NAMES, gettext("The system")).text(gettext)


def test_an_event_is_a_sentence_with_the_actors_name():
    event = {
        "actor": "officer@tenderdesk.example",
        "action": "tender.opening_approved",
        "object_type": "tender",
        "object_id": "1",
        "after": None,
    }
    assert told(event) == "Olga de Vries approved opening the bids of tender 1"
    assert told(event, "nl") == (
        "Olga de Vries heeft ingestemd met het openen van de inschrijvingen van aanbesteding 1"
    )


def test_values_of_the_change_fill_the_sentence():
    event = {
        "actor": "officer@tenderdesk.example",
        "action": "lot.declared_unsuccessful",
        "object_type": "tender",
        "object_id": "1",
        "after": '{"lot": 4, "reason": "x"}',
    }
    assert told(event) == "Olga de Vries declared lot 4 of tender 1 unsuccessful"


def test_the_system_and_unknown_actions_are_told_too():
    deadline = {
        "actor": "deadline",
        "action": "tender.close_bids",
        "object_type": "tender",
        "object_id": "2",
        "after": None,
    }
    assert told(deadline) == "Bids for tender 2 closed"
    unknown = {
        "actor": "deadline",
        "action": "tender.something_new",
        "object_type": "tender",
        "object_id": "2",
        "after": None,
    }
    assert told(unknown, "nl") == "Het systeem heeft aanbesteding 2 gewijzigd"
    # a sentence whose value is missing falls back to the kind of object
    no_lot = {
        "actor": "x@example.org",
        "action": "lot.award_intent",
        "object_type": "tender",
        "object_id": "3",
        "after": "{}",
    }
    assert told(no_lot) == "x@example.org changed tender 3"


def test_no_sentence_shows_a_code():
    for action, message in SENTENCES.items():
        assert action not in message and "_" not in message.replace("{", "").replace("}", "")
