"""Demo tenders from the source documents, spread over the phases (safe to repeat).

- Utrecht, household help ("Hulp bij het huishouden"): competitive dialogue with three district
  lots; seven candidates of whom five are shortlisted; dialogue, questions, bids, evaluation
  and award intent, its standstill period running.
- Utrecht, day support for the elderly ("Dagbegeleiding voor ouderen"): one lot, thirteen
  winners, contracted.
- Wrocław Functional Area: respite care and personal assistance, social-services light
  regime, a joint procurement of fifteen municipalities with shares, in PLN; bids sealed. Run by
  the Polish officer, in Polish.
- Wrocław Functional Area, personal assistance (asystencja osobista): an open procedure of the
  fifteen municipalities played through to the award decisions: one offer rejected, the notice
  of the choice of the most advantageous offer sent in Polish (every offer's points, the
  standstill of Pzp art. 264, the odwołanie to the KIO) and its standstill running.
- Botkyrka: the earlier review of its elderly care, awarded to Ramboll with the Swedish letters
  sent three days ago (the avtalsspärr of LOU 20 kap. runs); and the review of the needs
  assessment and housing support (SEK), bids opened; one lot being scored, the other's quality
  scores final. Run by the Swedish officer, in Swedish.
- Utrecht, respite care: a draft, its criteria being set.

The procedures are played through the services on a clock set in the past, so every step is
checked and audited as it would be live. Registration numbers pass their check digits but are
illustrative.
"""

from __future__ import annotations

from collections.abc import Callable

from tenders.demo import botkyrka, utrecht, wroclaw
from tenders.demo.story import Story, principal, travel
from tenders.tables import Tender


async def load(
    authorities: dict[str, int], service_types: dict[str, int], progress: Callable[[str], None]
) -> list[int]:
    """Create the demo tenders that are missing; returns their ids."""
    officer = await principal("officer@tenderdesk.example")
    second = await principal("officer2@tenderdesk.example")
    utrecht_panel = [
        await principal("evaluator@tenderdesk.example"),
        await principal("evaluator2@tenderdesk.example"),
    ]
    polish = await principal("officer.pl@tenderdesk.example")
    swedish = await principal("officer.se@tenderdesk.example")
    loaders = [
        ("UTR-2021-HBH", utrecht.household_help, officer, utrecht_panel, "nl"),
        ("UTR-2020-DBO", utrecht.day_support, officer, utrecht_panel[:1], "nl"),
        ("WROF-2021-OW", wroclaw.respite_care, polish, [], "pl"),
        (
            "BOT-2018-GA",
            botkyrka.elderly_care,
            swedish,
            [await principal("evaluator5@tenderdesk.example")],
            "sv",
        ),
        (
            "WROF-2022-AO",
            wroclaw.personal_assistance,
            polish,
            [await principal("evaluator4@tenderdesk.example")],
            "pl",
        ),
        (
            "BOT-2023-GL",
            botkyrka.housing_support,
            swedish,
            [await principal("evaluator5@tenderdesk.example")],
            "sv",
        ),
        ("UTR-2027-RSP", utrecht.draft, officer, [], "nl"),
    ]
    ids = []
    for reference, loader, lead, panel, language in loaders:
        existing = await Tender.select(Tender.id).where(Tender.reference == reference).first()
        if existing is not None:
            ids.append(existing["id"])
            continue
        progress(f"Demo data: tender {reference} ...")
        with travel() as clock:
            story = Story(clock, lead, second, panel, language)
            ids.append(await loader(story, reference, authorities, service_types))
    return ids
