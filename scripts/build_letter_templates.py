"""Build the default letter templates: documents/letter_templates/<language>/<kind>.docx.

    python scripts/build_letter_templates.py

The .docx files are committed so that they can be reviewed and opened in Word; this script is
how they are made again after a change of wording. Each template is plain docxtpl: ``{{ ... }}``
for values, ``{%p ... %}`` for repeated or conditional paragraphs, ``{%tr ... %}`` for table
rows. Dutch and English are complete; a language without its own templates (da, pl, sv) gets
the English ones until a translator adds them here.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from documents.letters.templates import DEFAULT_DIRECTORY  # noqa: E402

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "date": "Datum", "reference": "Ons kenmerk", "subject": "Onderwerp",
        "attention": "t.a.v.", "dear": "Geachte heer, mevrouw,",
        "dear_named": "Geachte {{ addressee.contact_person }},",
        "regards": "Met vriendelijke groet,", "lot": "perceel",
        "postal": "Postadres", "visiting": "Bezoekadres", "mandate": "namens dezen,",
        "criterion": "Criterium", "weight": "Weging", "score": "Score", "points": "Punten",
        "own_score": "Uw score", "own_points": "Uw punten",
        "winner_score": "Score winnaar", "winner_points": "Punten winnaar",
        "total": "Totaal",
        # award intent
        "award_subject": "Voornemen tot gunning",
        "award_intro": "Hartelijk dank voor uw inschrijving op de aanbesteding "
                       "{{ procedure.title }} (kenmerk {{ procedure.reference }}). Met "
                       "genoegen delen wij u mee dat wij voornemens zijn de opdracht aan u te "
                       "gunnen.",
        "award_rank": "Uw inschrijving is als nummer {{ rank }} gerangschikt met een "
                      "totaalscore van {{ total }} punten.",
        "award_scores": "Uw scores per criterium",
        "award_standstill": "Dit is een voornemen, nog geen definitieve gunning. De andere "
                            "inschrijvers kunnen binnen de opschortende termijn van "
                            "{{ standstill_days }} kalenderdagen hiertegen opkomen. Deze "
                            "termijn eindigt op {{ standstill_end }}. Daarna ontvangt u de "
                            "definitieve gunning, tenzij een rechter anders beslist.",
        "next_steps": "Vervolgstappen",
        # rejection
        "rejection_subject": "Gunningsbeslissing",
        "rejection_intro": "Hartelijk dank voor uw inschrijving op de aanbesteding "
                           "{{ procedure.title }} (kenmerk {{ procedure.reference }}). Met "
                           "deze brief delen wij u mee dat wij voornemens zijn de opdracht "
                           "aan {{ winner }} te gunnen. Uw inschrijving komt daarom niet voor "
                           "gunning in aanmerking.",
        "rejection_rank": "Uw inschrijving is als nummer {{ rank }} van {{ ranked_count }} "
                          "gerangschikt met {{ own_total }} punten; de winnende inschrijving "
                          "behaalde {{ winner_total }} punten.",
        "rejection_unranked": "Uw inschrijving is niet in de rangschikking opgenomen.",
        "reasons": "Redenen van de afwijzing",
        "advantages": "Kenmerken en relatieve voordelen van de winnende inschrijving",
        "comparison": "Uw scores en die van de winnende inschrijving per criterium",
        "comparison_several": "Er zijn {{ winner_count }} winnende inschrijvingen. Wij "
                              "vergelijken uw inschrijving met de laagst gerangschikte "
                              "daarvan, die van {{ benchmark }}; de andere winnende "
                              "inschrijvingen scoren gelijk of hoger.",
        "award_others": "Wij zijn eveneens voornemens de opdracht te gunnen aan:",
        "justification_own": "Motivering van uw score:",
        "justification_winner": "Motivering van de score van {{ benchmark or winner }}:",
        "standstill": "Opschortende termijn",
        "rejection_standstill": "Wij gunnen de opdracht niet definitief voordat de "
                                "opschortende termijn van {{ standstill_days }} kalenderdagen "
                                "na de dag van verzending van deze brief is verstreken. Deze "
                                "termijn eindigt op {{ standstill_end }}.",
        "objection": "Bezwaar",
        "remedies": "Rechtsbescherming",
        "rejection_objection": "Bent u het niet eens met deze beslissing, dan kunt u uiterlijk "
                               "op {{ standstill_end }} een kort geding aanhangig maken bij de "
                               "voorzieningenrechter. Doet u dat niet binnen deze termijn, "
                               "dan vervalt uw recht om tegen deze beslissing op te komen.",
        # lot unsuccessful
        "unsuccessful_subject": "Perceel niet gegund:",
        "unsuccessful_intro": "Hartelijk dank voor uw inschrijving op de aanbesteding "
                              "{{ procedure.title }} (kenmerk {{ procedure.reference }}). Met "
                              "deze brief delen wij u mee dat wij perceel {{ procedure.lot }} "
                              "niet gunnen: het perceel is mislukt verklaard. Uw inschrijving "
                              "op dit perceel leidt daarom niet tot een opdracht.",
        "unsuccessful_reason": "Reden",
        "unsuccessful_others": "Over de andere percelen van deze aanbesteding ontvangt u, als "
                               "u daarop hebt ingeschreven, een afzonderlijke beslissing.",
        # selection
        "selection_subject": "Uitkomst van de selectie",
        "selection_intro": "Hartelijk dank voor uw aanmelding voor de aanbesteding "
                           "{{ procedure.title }} (kenmerk {{ procedure.reference }}).",
        "selected": "Wij delen u met genoegen mee dat u bent geselecteerd voor de volgende "
                    "fase. In totaal zijn {{ selected_count }} gegadigden geselecteerd.",
        "not_selected": "Wij moeten u helaas meedelen dat u niet bent geselecteerd voor de "
                        "volgende fase.",
        "selection_scores": "Uw scores per selectiecriterium",
        "selection_totals": "Uw aanmelding behaalde in totaal {{ total }} punten; de laagst "
                            "gerangschikte geselecteerde gegadigde behaalde "
                            "{{ lowest_selected_total }} punten.",
        # subsidies
        "grant_subject": "Besluit subsidieverlening",
        "grant_intro": "Op uw aanvraag voor subsidie uit {{ procedure.title }} (kenmerk "
                       "{{ procedure.reference }}) voor {{ activity }} hebben wij besloten.",
        "grant_full": "Wij verlenen u een subsidie van {{ granted }} voor de periode van "
                      "{{ period_start }} tot en met {{ period_end }}.",
        "grant_partly": "Wij verlenen u een subsidie van {{ granted }} voor de periode van "
                        "{{ period_start }} tot en met {{ period_end }}. U vroeg "
                        "{{ requested }}; wij verlenen minder om de volgende redenen:",
        "conditions": "Voorwaarden",
        "payments": "Betaling",
        "payments_intro": "Wij betalen de subsidie als voorschot ({{ law.advance_rule }}), als "
                          "volgt:",
        "advance_settled": "De voorschotten worden verrekend met het bedrag waarop wij de "
                           "subsidie vaststellen.",
        "legal_basis": "Wij nemen dit besluit op grond van {{ legal_basis }}.",
        "payment_date": "Datum", "payment_amount": "Bedrag", "payment_description":
            "Omschrijving",
        "reporting": "Verantwoording",
        "report_due": "Vraag de vaststelling van de subsidie aan door uw verantwoording "
                      "uiterlijk op {{ report_due }} bij ons in te dienen. Daarna stellen wij "
                      "de subsidie vast ({{ law.settlement_rules }}).",
        "awb_objection": "Bent u het niet eens met dit besluit, dan kunt u binnen zes weken "
                         "na de dag van verzending bezwaar maken (artikel 6:7 Algemene wet "
                         "bestuursrecht), dus uiterlijk op {{ objection_end }}. Stuur uw "
                         "ondertekende bezwaarschrift aan {{ sender.name }}, met uw naam en "
                         "adres, de datum, een omschrijving van het besluit en de redenen "
                         "van uw bezwaar.",
        "refusal_subject": "Besluit op uw subsidieaanvraag",
        "refusal_intro": "U vroeg een subsidie van {{ requested }} aan uit "
                         "{{ procedure.title }} (kenmerk {{ procedure.reference }}) voor "
                         "{{ activity }}. Wij weigeren deze subsidie.",
        "refusal_ineligible": "Uw aanvraag voldoet niet aan de voorwaarden om voor subsidie "
                              "in aanmerking te komen.",
        "refusal_minimum": "Uw aanvraag behaalde {{ score }} punten; de minimumscore is "
                           "{{ minimum_score }} punten.",
        "refusal_ceiling": "Het subsidieplafond van {{ ceiling }} is bereikt. Aanvragen zijn "
                           "in de vastgestelde volgorde behandeld; voor uw aanvraag is geen "
                           "budget meer beschikbaar (artikel 4:25 Algemene wet "
                           "bestuursrecht).",
        "considerations": "Toelichting",
        "refusal_scores": "Uw scores per criterium",
        "settlement_subject": "Besluit subsidievaststelling",
        "settlement_intro": "Wij stellen de subsidie voor {{ activity }} ({{ procedure.title }}"
                            ", kenmerk {{ procedure.reference }}) vast op {{ final_amount }}. "
                            "Verleend was {{ granted }}; u ontving al {{ paid }}.",
        "settlement_pay": "Wij betalen u het verschil van {{ to_pay }} uiterlijk op "
                          "{{ payment_due }}.",
        "settlement_reclaim": "U heeft {{ to_reclaim }} te veel ontvangen. Wij vorderen dit "
                              "bedrag terug; betaal het uiterlijk op {{ payment_due }} onder "
                              "vermelding van ons kenmerk.",
        "settlement_settled": "U hoeft niets terug te betalen en wij betalen niets meer.",
        "settlement_iban": "Maak het bedrag over naar rekeningnummer {{ sender.iban }} ten "
                           "name van {{ sender.name }}, onder vermelding van kenmerk "
                           "{{ reference }}.",
        "settlement_basis": "Wij stellen de subsidie vast op grond van "
                            "{{ law.settlement_rules }}. Wat u te veel ontving, vorderen wij "
                            "terug op grond van {{ law.reclaim_rule }}.",
    },
    "en": {
        "date": "Date", "reference": "Our reference", "subject": "Subject",
        "attention": "for the attention of", "dear": "Dear Sir or Madam,",
        "dear_named": "Dear {{ addressee.contact_person }},",
        "regards": "Yours faithfully,", "lot": "lot",
        "postal": "Postal address", "visiting": "Visiting address",
        "mandate": "on their behalf,",
        "criterion": "Criterion", "weight": "Weight", "score": "Score", "points": "Points",
        "own_score": "Your score", "own_points": "Your points",
        "winner_score": "Winner's score", "winner_points": "Winner's points",
        "total": "Total",
        "award_subject": "Intention to award",
        "award_intro": "Thank you for your bid in the tender {{ procedure.title }} (reference "
                       "{{ procedure.reference }}). We are pleased to inform you that we "
                       "intend to award the contract to you.",
        "award_rank": "Your bid was ranked {{ rank }} with a total score of {{ total }} "
                      "points.",
        "award_scores": "Your scores per criterion",
        "refusal_scores": "Your scores per criterion",
        "award_standstill": "This is an intention, not yet the final award. The other "
                            "bidders may challenge it within the standstill period of "
                            "{{ standstill_days }} calendar days, which ends on "
                            "{{ standstill_end }}. After that you will receive the final "
                            "award, unless a court decides otherwise.",
        "next_steps": "Next steps",
        "rejection_subject": "Award decision",
        "rejection_intro": "Thank you for your bid in the tender {{ procedure.title }} "
                           "(reference {{ procedure.reference }}). With this letter we inform "
                           "you that we intend to award the contract to {{ winner }} and that "
                           "your bid will therefore not be awarded.",
        "rejection_rank": "Your bid was ranked {{ rank }} of {{ ranked_count }} with "
                          "{{ own_total }} points; the winning bid scored {{ winner_total }} "
                          "points.",
        "rejection_unranked": "Your bid was not included in the ranking.",
        "reasons": "Reasons for the rejection",
        "advantages": "Characteristics and relative advantages of the winning bid",
        "comparison": "Your scores and those of the winning bid per criterion",
        "comparison_several": "There are {{ winner_count }} winning bids. We compare your "
                              "bid with the lowest-ranked of them, that of {{ benchmark }}; "
                              "the other winning bids scored the same or higher.",
        "award_others": "We also intend to award the contract to:",
        "justification_own": "Justification of your score:",
        "justification_winner": "Justification of the score of {{ benchmark or winner }}:",
        "standstill": "Standstill period",
        "rejection_standstill": "We will not conclude the contract before the standstill "
                                "period of {{ standstill_days }} calendar days after the day "
                                "this letter was sent has passed. The standstill period ends "
                                "on {{ standstill_end }}.",
        "objection": "How to object",
        "remedies": "Legal remedies",
        "rejection_objection": "If you disagree with this decision, you may start summary "
                               "proceedings before the court no later than "
                               "{{ standstill_end }}. If you do not do so within this period, "
                               "you lose the right to challenge this decision.",
        # lot unsuccessful
        "unsuccessful_subject": "Lot not awarded:",
        "unsuccessful_intro": "Thank you for your bid in the tender {{ procedure.title }} "
                              "(reference {{ procedure.reference }}). With this letter we "
                              "inform you that we do not award lot {{ procedure.lot }}: the lot "
                              "has been declared unsuccessful. Your bid on this lot therefore "
                              "does not lead to a contract.",
        "unsuccessful_reason": "Reason",
        "unsuccessful_others": "If you bid on other lots of this tender, you receive a "
                               "separate decision on each of them.",
        "selection_subject": "Outcome of the selection",
        "selection_intro": "Thank you for your request to participate in the tender "
                           "{{ procedure.title }} (reference {{ procedure.reference }}).",
        "selected": "We are pleased to inform you that you have been selected for the next "
                    "phase. In total {{ selected_count }} candidates have been selected.",
        "not_selected": "We regret to inform you that you have not been selected for the next "
                        "phase.",
        "selection_scores": "Your scores per selection criterion",
        "selection_totals": "Your request scored {{ total }} points in total; the lowest-ranked "
                            "selected candidate scored {{ lowest_selected_total }} points.",
        "grant_subject": "Subsidy grant decision",
        "grant_intro": "We have decided on your application for a subsidy from "
                       "{{ procedure.title }} (reference {{ procedure.reference }}) for "
                       "{{ activity }}.",
        "grant_full": "We grant you a subsidy of {{ granted }} for the period from "
                      "{{ period_start }} up to and including {{ period_end }}.",
        "grant_partly": "We grant you a subsidy of {{ granted }} for the period from "
                        "{{ period_start }} up to and including {{ period_end }}. You applied "
                        "for {{ requested }}; we grant less for the following reasons:",
        "conditions": "Conditions",
        "payments": "Payment",
        "payments_intro": "We will pay the subsidy as an advance ({{ law.advance_rule }}), as "
                          "follows:",
        "advance_settled": "The advances are set off against the amount at which we settle "
                           "the subsidy.",
        "legal_basis": "We take this decision under {{ legal_basis }}.",
        "payment_date": "Date", "payment_amount": "Amount", "payment_description":
            "Description",
        "reporting": "Reporting",
        "report_due": "Apply for the settlement of the subsidy by sending us your report no "
                      "later than {{ report_due }}. We then settle the subsidy "
                      "({{ law.settlement_rules }}).",
        "awb_objection": "If you disagree with this decision, you may lodge an objection "
                         "within six weeks of the day it was sent, that is no later than "
                         "{{ objection_end }}. Send your signed objection to "
                         "{{ sender.name }}, stating your name and address, the date, a "
                         "description of the decision and the grounds for your objection.",
        "refusal_subject": "Decision on your subsidy application",
        "refusal_intro": "You applied for a subsidy of {{ requested }} from "
                         "{{ procedure.title }} (reference {{ procedure.reference }}) for "
                         "{{ activity }}. We refuse this subsidy.",
        "refusal_ineligible": "Your application does not meet the conditions for a subsidy.",
        "refusal_minimum": "Your application scored {{ score }} points; the minimum score is "
                           "{{ minimum_score }} points.",
        "refusal_ceiling": "The subsidy ceiling of {{ ceiling }} has been reached. "
                           "Applications were dealt with in the order set for this round; no "
                           "budget is left for your application.",
        "considerations": "Explanation",
        "settlement_subject": "Subsidy settlement decision",
        "settlement_intro": "We set the subsidy for {{ activity }} ({{ procedure.title }}, "
                            "reference {{ procedure.reference }}) at {{ final_amount }}. "
                            "The amount granted was {{ granted }}; you have received "
                            "{{ paid }}.",
        "settlement_pay": "We will pay you the difference of {{ to_pay }} no later than "
                          "{{ payment_due }}.",
        "settlement_reclaim": "You have received {{ to_reclaim }} too much. We reclaim this "
                              "amount; please pay it no later than {{ payment_due }}, quoting "
                              "our reference.",
        "settlement_settled": "Nothing remains to be paid or repaid.",
        "settlement_iban": "Please transfer the amount to account {{ sender.iban }} in the "
                           "name of {{ sender.name }}, quoting reference {{ reference }}.",
        "settlement_basis": "We settle the subsidy under {{ law.settlement_rules }}. What you "
                            "received too much we reclaim under {{ law.reclaim_rule }}.",
    },
}


# The language the text is written in, for spelling and hyphenation in Word and LibreOffice.
LANGUAGE_TAGS = {"nl": "nl-NL", "en": "en-GB"}


def set_language(doc: DocumentObject, tag: str) -> None:
    """Mark every run of the document as written in ``tag`` (the style defaults)."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    run = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), tag)
    doc.core_properties.language = tag


class Builder:
    def __init__(self, language: str) -> None:
        self.t = TEXT[language]
        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)  # A4
        section.left_margin = section.right_margin = Cm(2.5)
        set_language(self.doc, LANGUAGE_TAGS[language])
        style = self.doc.styles["Normal"]
        style.font.name = "Calibri"
        style.font.size = Pt(11)
        self.letterhead(section.header)
        section.footer.paragraphs[0].text = "{{ sender.name }} · {{ reference }}"

    def letterhead(self, header: Any) -> None:
        """The authority's name, postal and visiting address and website, right-aligned."""
        t = self.t
        lines = ["{{ sender.name }}",
                 "{%p if sender.address %}",
                 f"{t['postal']}: {{{{ sender.address | join(', ') }}}}",
                 "{%p endif %}",
                 "{%p if sender.visiting_address %}",
                 f"{t['visiting']}: {{{{ sender.visiting_address | join(', ') }}}}",
                 "{%p endif %}",
                 "{%p if sender.website %}",
                 "{{ sender.website }}",
                 "{%p endif %}"]
        first = header.paragraphs[0]
        first.text = lines[0]
        first.runs[0].bold = True
        first.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for line in lines[1:]:
            paragraph = header.add_paragraph(line)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in paragraph.runs:
                run.font.size = Pt(9)

    def p(self, text: str = "", bold: bool = False, style: str | None = None) -> None:
        paragraph = self.doc.add_paragraph(style=style)
        run = paragraph.add_run(text)
        run.bold = bold

    def heading(self, key: str) -> None:
        self.doc.add_heading(self.t[key], level=2)

    def text(self, key: str) -> None:
        self.p(self.t[key])

    def bullets(self, sequence: str, variable: str = "item") -> None:
        self.p(f"{{%p for {variable} in {sequence} %}}")
        self.p(f"{{{{ {variable} }}}}", style="List Bullet")
        self.p("{%p endfor %}")

    def when(self, condition: str, body: Callable[[], None]) -> None:
        self.p(f"{{%p if {condition} %}}")
        body()
        self.p("{%p endif %}")

    def table(self, headers: list[str], sequence: str, cells: list[str]) -> None:
        table = self.doc.add_table(rows=4, cols=len(headers))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            cell.paragraphs[0].add_run(text).bold = True
        table.rows[1].cells[0].text = f"{{%tr for row in {sequence} %}}"
        for cell, text in zip(table.rows[2].cells, cells, strict=True):
            cell.text = text
        table.rows[3].cells[0].text = "{%tr endfor %}"
        self.p()

    def opening(self, subject_key: str) -> None:
        self.p("{{ addressee.name }}", bold=True)
        self.when("addressee.contact_person",
                  lambda: self.p(f"{self.t['attention']} {{{{ addressee.contact_person }}}}"))
        self.bullets_plain("addressee.address")
        self.p()
        self.p(f"{self.t['date']}: {{{{ date }}}}")
        self.p(f"{self.t['reference']}: {{{{ reference }}}}")
        self.p(f"{self.t['subject']}: {self.t[subject_key]} {{{{ procedure.title }}}}"
               f"{{% if procedure.lot %}}, {self.t['lot']} {{{{ procedure.lot }}}}{{% endif %}}",
               bold=True)
        self.p()
        self.p("{%p if addressee.contact_person %}")
        self.text("dear_named")
        self.p("{%p else %}")
        self.text("dear")
        self.p("{%p endif %}")

    def bullets_plain(self, sequence: str) -> None:
        self.p(f"{{%p for line in {sequence} %}}")
        self.p("{{ line }}")
        self.p("{%p endfor %}")

    def closing(self) -> None:
        self.p()
        self.text("regards")
        self.when("sender.decision_body", lambda: (self.p("{{ sender.decision_body }},"),
                                                   self.text("mandate")))
        self.p()
        self.p("{{ sender.signatory }}")
        self.p("{{ sender.signatory_title }}")
        self.p("{{ sender.name }}")
        self.when("sender.contact", lambda: self.p("{{ sender.contact }}"))

    def scores(self, key: str) -> None:
        t = self.t
        self.when("scores", lambda: (
            self.heading(key),
            self.table([t["criterion"], t["weight"], t["score"], t["points"]], "scores",
                       ["{{ row.criterion }}", "{{ row.weight }}", "{{ row.score }}",
                        "{{ row.points }}"]),
            self.p("{%p for row in scores %}"),
            self.p("{%p if row.justification %}"),
            self.p("{{ row.criterion }}", bold=True),
            self.p("{{ row.justification }}"),
            self.p("{%p endif %}"),
            self.p("{%p endfor %}"),
        ))


def award_intent(b: Builder) -> None:
    b.opening("award_subject")
    b.text("award_intro")
    b.text("award_rank")
    b.when("other_winners", lambda: (b.text("award_others"), b.bullets("other_winners")))
    b.scores("award_scores")
    b.heading("standstill")
    b.text("award_standstill")
    b.when("next_steps", lambda: (b.heading("next_steps"), b.bullets("next_steps")))
    b.closing()


def rejection(b: Builder) -> None:
    t = b.t
    b.opening("rejection_subject")
    b.text("rejection_intro")
    b.p("{%p if rank %}")
    b.text("rejection_rank")
    b.p("{%p else %}")
    b.text("rejection_unranked")
    b.p("{%p endif %}")
    b.heading("reasons")
    b.bullets("reasons")
    b.heading("advantages")
    b.bullets("winner_advantages")
    b.p("{%p if rank %}")
    b.heading("comparison")
    b.when("winner_count > 1", lambda: b.text("comparison_several"))
    b.table([t["criterion"], t["weight"], t["own_score"], t["own_points"], t["winner_score"],
             t["winner_points"]], "scores",
            ["{{ row.criterion }}", "{{ row.weight }}", "{{ row.own_score }}",
             "{{ row.own_points }}", "{{ row.winner_score }}", "{{ row.winner_points }}"])
    b.p(f"{t['total']}: {{{{ own_total }}}} / {{{{ winner_total }}}}")
    b.p("{%p for row in scores %}")
    b.p("{{ row.criterion }}", bold=True)
    b.p(f"{t['justification_own']} {{{{ row.own_justification or '—' }}}}")
    b.p(f"{t['justification_winner']} {{{{ row.winner_justification or '—' }}}}")
    b.p("{%p endfor %}")
    b.p("{%p endif %}")
    b.heading("standstill")
    b.text("rejection_standstill")
    b.heading("remedies")
    b.text("rejection_objection")
    b.when("objection", lambda: b.p("{{ objection }}"))
    b.closing()


def lot_unsuccessful(b: Builder) -> None:
    b.opening("unsuccessful_subject")
    b.text("unsuccessful_intro")
    b.heading("unsuccessful_reason")
    b.p("{{ reason }}")
    b.text("unsuccessful_others")
    b.when("objection", lambda: (b.heading("remedies"), b.p("{{ objection }}")))
    b.closing()


def selection(b: Builder) -> None:
    b.opening("selection_subject")
    b.text("selection_intro")
    b.p("{%p if selected %}")
    b.text("selected")
    b.p("{%p else %}")
    b.text("not_selected")
    b.p("{%p endif %}")
    b.when("reasons", lambda: (b.heading("reasons"), b.bullets("reasons")))
    b.when("not selected and total and lowest_selected_total",
           lambda: b.text("selection_totals"))
    b.scores("selection_scores")
    b.when("next_steps", lambda: (b.heading("next_steps"), b.bullets("next_steps")))
    b.when("objection", lambda: (b.heading("remedies"), b.p("{{ objection }}")))
    b.closing()


def awb_objection(b: Builder) -> None:
    b.heading("objection")
    b.text("awb_objection")


def grant(b: Builder) -> None:
    t = b.t
    b.opening("grant_subject")
    b.text("grant_intro")
    b.p("{%p if partly %}")
    b.text("grant_partly")
    b.bullets("reasons_partly")
    b.p("{%p else %}")
    b.text("grant_full")
    b.p("{%p endif %}")
    b.when("legal_basis", lambda: b.text("legal_basis"))
    b.when("conditions", lambda: (b.heading("conditions"), b.bullets("conditions")))
    b.when("payments", lambda: (
        b.heading("payments"), b.text("payments_intro"),
        b.table([t["payment_date"], t["payment_amount"], t["payment_description"]],
                "payments", ["{{ row.due }}", "{{ row.amount }}", "{{ row.description }}"]),
        b.text("advance_settled")))
    b.when("reporting", lambda: (b.heading("reporting"), b.p("{{ reporting }}")))
    b.when("report_due", lambda: b.text("report_due"))
    awb_objection(b)
    b.closing()


def refusal(b: Builder) -> None:
    b.opening("refusal_subject")
    b.text("refusal_intro")
    b.heading("reasons")
    b.when("ineligible", lambda: b.text("refusal_ineligible"))
    b.when("below_minimum", lambda: b.text("refusal_minimum"))
    b.when("ceiling_reached", lambda: b.text("refusal_ceiling"))
    b.bullets("details")
    b.scores("refusal_scores")
    awb_objection(b)
    b.closing()


def settlement(b: Builder) -> None:
    b.opening("settlement_subject")
    b.text("settlement_intro")
    b.when("outcome == 'pay'", lambda: b.text("settlement_pay"))
    b.when("outcome == 'reclaim'", lambda: b.text("settlement_reclaim"))
    b.when("outcome == 'reclaim' and sender.iban", lambda: b.text("settlement_iban"))
    b.when("law.settlement_rules", lambda: b.text("settlement_basis"))
    b.when("outcome == 'settled'", lambda: b.text("settlement_settled"))
    b.when("considerations", lambda: (b.heading("considerations"),
                                      b.bullets("considerations")))
    awb_objection(b)
    b.closing()


LAYOUTS: dict[str, Callable[[Builder], None]] = {
    "award_intent": award_intent, "rejection": rejection, "selection": selection,
    "grant": grant, "refusal": refusal, "settlement": settlement,
    "lot_unsuccessful": lot_unsuccessful,
}


def build(directory: Path = DEFAULT_DIRECTORY, kinds: Sequence[str] = ()) -> list[Path]:
    """Write every template (or those of ``kinds`` only, leaving the others' files as they
    are: a .docx written again differs in its timestamps)."""
    written = []
    for language in TEXT:
        for kind, layout in LAYOUTS.items():
            if kinds and kind not in kinds:
                continue
            builder = Builder(language)
            layout(builder)
            target = directory / language / f"{kind}.docx"
            target.parent.mkdir(parents=True, exist_ok=True)
            builder.doc.core_properties.author = "tenderdesk"
            builder.doc.core_properties.title = ""
            builder.doc.save(target)
            written.append(target)
    return written


if __name__ == "__main__":
    for path in build(kinds=sys.argv[1:]):
        print(path.relative_to(ROOT))
