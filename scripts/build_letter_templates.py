"""Build the default letter templates: documents/letter_templates/<language>/<kind>.docx.

    python scripts/build_letter_templates.py

The .docx files are committed so that they can be reviewed and opened in Word; this script is
how they are made again after a change of wording. Each template is plain docxtpl: ``{{ ... }}``
for values, ``{%p ... %}`` for repeated or conditional paragraphs, ``{%tr ... %}`` for table
rows. The wording of each language is in ``scripts/letter_texts/<language>.py`` (its ``TEXT``
and its language ``TAG``); a language without its own templates gets the English ones.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from documents.letters.paper import a4, set_language  # noqa: E402
from documents.letters.templates import DEFAULT_DIRECTORY  # noqa: E402


def _load(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"letter_texts.{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# One module per language: scripts/letter_texts/<language>.py with its TEXT and its TAG.
_WORDING = {
    path.stem: _load(path)
    for path in sorted((ROOT / "scripts" / "letter_texts").glob("[a-z][a-z].py"))
}
TEXT: dict[str, dict[str, str]] = {language: m.TEXT for language, m in _WORDING.items()}


# The language the text is written in, for spelling and hyphenation in Word and LibreOffice.
LANGUAGE_TAGS = {language: m.TAG for language, m in _WORDING.items()}


def field(instruction: str) -> Any:
    """A simple field (PAGE, NUMPAGES) with "1" shown until it is updated."""
    element = OxmlElement("w:fldSimple")
    element.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    size = OxmlElement("w:rPr")
    half_points = OxmlElement("w:sz")
    half_points.set(qn("w:val"), "18")
    size.append(half_points)
    run.append(size)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    element.append(run)
    return element


class Builder:
    def __init__(self, language: str) -> None:
        self.t = TEXT[language]
        self.doc = Document()
        section = self.doc.sections[0]
        a4(self.doc)
        set_language(self.doc, LANGUAGE_TAGS[language])
        style = self.doc.styles["Normal"]
        style.font.name = "Calibri"
        style.font.size = Pt(11)
        # A letter's spacing: 6 pt between paragraphs, single lines (Word's default 8 pt and
        # 1.08 lines push a one-page letter's closing onto a second page).
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.line_spacing = 1.0
        section.top_margin = section.bottom_margin = Cm(2)
        self.letterhead(section.header)
        self.footer(section.footer.paragraphs[0])

    def footer(self, paragraph: Any) -> None:
        """ "Gemeente Utrecht · 2026/0815 · pagina 1 van 2": the page fields Word and
        LibreOffice fill in."""
        paragraph.add_run(f"{{{{ sender.name }}}} · {{{{ reference }}}} · {self.t['page']} ")
        paragraph._p.append(field("PAGE"))
        paragraph.add_run(f" {self.t['page_of']} ")
        paragraph._p.append(field("NUMPAGES"))
        for run in paragraph.runs:
            run.font.size = Pt(9)

    def letterhead(self, header: Any) -> None:
        """The authority's name, postal and visiting address and website, right-aligned."""
        t = self.t
        lines = [
            "{{ sender.name }}",
            "{%p if sender.address %}",
            f"{t['postal']}: {{{{ sender.address | join(', ') }}}}",
            "{%p endif %}",
            "{%p if sender.visiting_address %}",
            f"{t['visiting']}: {{{{ sender.visiting_address | join(', ') }}}}",
            "{%p endif %}",
            "{%p if sender.website %}",
            "{{ sender.website }}",
            "{%p endif %}",
        ]
        first = header.paragraphs[0]
        first.text = lines[0]
        first.runs[0].bold = True
        first.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for line in lines[1:]:
            paragraph = header.add_paragraph(line)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in paragraph.runs:
                run.font.size = Pt(9)
        for paragraph in header.paragraphs:
            paragraph.paragraph_format.space_after = Pt(0)

    def p(
        self, text: str = "", bold: bool = False, style: str | None = None, tight: bool = False
    ) -> None:
        """A paragraph; ``tight``: no space after it (lines of an address, a signature)."""
        paragraph = self.doc.add_paragraph(style=style)
        run = paragraph.add_run(text)
        run.bold = bold
        if tight:
            paragraph.paragraph_format.space_after = Pt(0)

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
        self.p("{{ addressee.name }}", bold=True, tight=True)
        self.when(
            "addressee.contact_person",
            lambda: self.p(f"{self.t['attention']} {{{{ addressee.attention }}}}", tight=True),
        )
        self.bullets_plain("addressee.address")
        self.p()
        self.p(f"{self.t['date']}: {{{{ date }}}}", tight=True)
        self.p(f"{self.t['reference']}: {{{{ reference }}}}")
        self.p(
            f"{self.t['subject']}: {self.t[subject_key]} {{{{ procedure.title }}}}"
            f"{{% if procedure.lot %}}, {self.t['lot']} {{{{ procedure.lot }}}}{{% endif %}}",
            bold=True,
        )
        self.p()
        self.p("{{ addressee.greeting }}")

    def bullets_plain(self, sequence: str) -> None:
        self.p(f"{{%p for line in {sequence} %}}")
        self.p("{{ line }}", tight=True)
        self.p("{%p endfor %}")

    def closing(self) -> None:
        """The greeting and the signature, kept on one page with the paragraph before them
        (never a last page with only the closing)."""
        self.keep_last_with_next()
        start = len(self.doc.paragraphs)
        self.p()
        self.text("regards")
        self.when(
            "sender.decision_body",
            lambda: (self.p("{{ sender.decision_body }},", tight=True), self.text("mandate")),
        )
        self.p()
        self.p("{{ sender.signatory }}", tight=True)
        self.p("{{ sender.signatory_title }}", tight=True)
        self.p("{{ sender.name }}", tight=True)
        self.when("sender.contact", lambda: self.p("{{ sender.contact }}", tight=True))
        for paragraph in self.doc.paragraphs[start:-1]:
            paragraph.paragraph_format.keep_with_next = True

    def keep_last_with_next(self) -> None:
        """The last paragraph with text (not a template tag) stays with what follows."""
        for paragraph in reversed(self.doc.paragraphs):
            if paragraph.text.strip() and not paragraph.text.startswith("{%"):
                paragraph.paragraph_format.keep_with_next = True
                return

    def scores(self, key: str) -> None:
        t = self.t
        self.when(
            "scores",
            lambda: (
                self.heading(key),
                self.table(
                    [t["criterion"], t["weight"], t["score"], t["points"]],
                    "scores",
                    [
                        "{{ row.criterion }}",
                        "{{ row.weight }}",
                        "{{ row.score }}",
                        "{{ row.points }}",
                    ],
                ),
                self.p("{%p for row in scores %}"),
                self.p("{%p if row.justification %}"),
                self.p("{{ row.criterion }}", bold=True),
                self.p("{{ row.justification }}"),
                self.p("{%p endif %}"),
                self.p("{%p endfor %}"),
            ),
        )

    def every_offer(self) -> None:
        """Every offer's points per criterion and in total, and why each rejected offer was:
        where the jurisdiction's notice gives them (``offers`` is filled where
        ``Jurisdiction.every_offers_scores`` is set, empty elsewhere)."""
        t = self.t
        points = (
            f"{{% if row.rejected %}}{t['offer_rejected']}{{% else %}}"
            "{% for c in row.points %}{{ c.criterion }}: {{ c.points }}"
            "{% if not loop.last %}; {% endif %}{% endfor %}{% endif %}"
        )
        self.when(
            "offers",
            lambda: (
                self.heading("offers_heading"),
                self.table(
                    [
                        t["offer_rank"],
                        t["offer_name"],
                        t["offer_seat"],
                        t["offer_points"],
                        t["offer_total"],
                    ],
                    "offers",
                    [
                        "{{ row.rank or '—' }}",
                        "{{ row.name }}",
                        "{{ row.seat }}",
                        points,
                        "{{ row.total }}",
                    ],
                ),
                self.p("{%p for row in offers %}"),
                self.p("{%p if row.rejected %}"),
                self.p(f"{{{{ row.name }}}}: {t['offer_rejected_reasons']}", bold=True),
                self.bullets("row.reasons", "reason"),
                self.p("{%p endif %}"),
                self.p("{%p endfor %}"),
            ),
        )


def award_intent(b: Builder) -> None:
    b.opening("award_subject")
    b.text("award_intro")
    b.text("award_rank")
    b.when("other_winners", lambda: (b.text("award_others"), b.bullets("other_winners")))
    b.scores("award_scores")
    b.every_offer()
    b.heading("standstill")
    b.text("award_standstill")
    b.when("next_steps", lambda: (b.heading("next_steps"), b.bullets("next_steps")))
    b.keep_last_with_next()  # the closing follows it where the remedies are not told
    b.when("remedies.told_to_winner", lambda: (b.heading("remedies"), b.text("award_remedies")))
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
    b.table(
        [
            t["criterion"],
            t["weight"],
            t["own_score"],
            t["own_points"],
            t["winner_score"],
            t["winner_points"],
        ],
        "scores",
        [
            "{{ row.criterion }}",
            "{{ row.weight }}",
            "{{ row.own_score }}",
            "{{ row.own_points }}",
            "{{ row.winner_score }}",
            "{{ row.winner_points }}",
        ],
    )
    b.text("totals")
    b.p("{%p for row in scores %}")
    b.p("{%p if row.own_justification or row.winner_justification %}")
    b.p("{{ row.criterion }}", bold=True)
    b.p(f"{t['justification_own']} {{{{ row.own_justification or '—' }}}}")
    b.p(f"{t['justification_winner']} {{{{ row.winner_justification or '—' }}}}")
    b.p("{%p endif %}")
    b.p("{%p endfor %}")
    b.p("{%p endif %}")
    b.every_offer()
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
    b.when("objection", lambda: (b.heading("remedies"), b.text("unsuccessful_remedies")))
    b.closing()


def selection(b: Builder) -> None:
    b.opening("selection_subject")
    b.text("selection_intro")
    b.p("{%p if selected %}")
    b.text("selected")
    b.p("{%p else %}")
    b.text("not_selected")
    b.p("{%p endif %}")
    b.when("reasons", lambda: (b.heading("selection_reasons"), b.bullets("reasons")))
    b.when("not selected and total and lowest_selected_total", lambda: b.text("selection_totals"))
    b.scores("selection_scores")
    b.when("next_steps", lambda: (b.heading("next_steps"), b.bullets("next_steps")))
    b.when("objection", lambda: (b.heading("remedies"), b.text("selection_remedies")))
    b.closing()


def awb_objection(b: Builder, under_agreement: bool = False) -> None:
    """How to object to or appeal a grant decision, or, where the jurisdiction has no
    administrative appeal (``law.appeal`` false), that there is none and what remains; for a
    settlement (``under_agreement``) where the grant is an agreement (``law.contract_rule``),
    that the settlement is no decision at all."""
    b.heading("objection")
    b.p("{%p if law.appeal %}")
    b.text("awb_objection")
    b.text("interim_relief")
    b.keep_last_with_next()  # the branch that renders is the one before the closing
    if under_agreement:
        b.p("{%p elif law.contract_rule %}")
        b.text("settlement_no_appeal")
    b.p("{%p else %}")
    b.text("no_appeal")
    b.p("{%p endif %}")


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
    b.when(
        "payments",
        lambda: (
            b.heading("payments"),
            b.text("payments_intro"),
            b.table(
                [t["payment_date"], t["payment_amount"], t["payment_description"]],
                "payments",
                ["{{ row.due }}", "{{ row.amount }}", "{{ row.description }}"],
            ),
            b.text("advance_settled"),
        ),
    )
    b.when("reporting", lambda: (b.heading("reporting"), b.p("{{ reporting }}")))
    b.when("report_due", lambda: b.text("report_due"))
    awb_objection(b)
    b.closing()


def refusal(b: Builder) -> None:
    b.opening("refusal_subject")
    b.text("refusal_intro")
    b.heading("refusal_reasons")
    b.when("ineligible", lambda: b.text("refusal_ineligible"))
    b.when("below_minimum", lambda: b.text("refusal_minimum"))
    b.when("ceiling_reached", lambda: b.text("refusal_ceiling"))
    b.bullets("details")
    b.when("legal_basis", lambda: b.text("legal_basis"))
    b.scores("refusal_scores")
    awb_objection(b)
    b.closing()


def settlement(b: Builder) -> None:
    b.opening("settlement_subject")
    b.text("settlement_intro")
    b.when("law.settlement_rules", lambda: b.text("settlement_basis"))
    b.when("considerations", lambda: (b.heading("settlement_reasons"), b.bullets("considerations")))
    b.heading("payments")
    b.when("outcome == 'pay'", lambda: b.text("settlement_pay"))
    b.when("outcome == 'reclaim'", lambda: b.text("settlement_reclaim"))
    b.when("outcome == 'reclaim' and sender.iban", lambda: b.text("settlement_iban"))
    b.when("outcome == 'settled'", lambda: b.text("settlement_settled"))
    awb_objection(b, under_agreement=True)
    b.closing()


def admission(b: Builder) -> None:
    """An open house's decision on an application: approved or not, why, and where to seek
    review (LOV 10 kap. 1 § in Sweden; elsewhere where to turn, with no statutory limit)."""
    b.opening("admission_subject")
    b.text("admission_intro")
    b.p("{%p if admitted %}")
    b.text("admission_approved")
    b.p("{%p else %}")
    b.text("admission_refused")
    b.heading("reasons")
    b.bullets("reasons")
    b.p("{%p endif %}")
    b.heading("remedies")
    b.p("{%p if has_review %}")
    b.text("admission_review")
    b.keep_last_with_next()  # the branch that renders is the one before the closing
    b.p("{%p else %}")
    b.text("admission_questions")
    b.p("{%p endif %}")
    b.closing()


LAYOUTS: dict[str, Callable[[Builder], None]] = {
    "award_intent": award_intent,
    "rejection": rejection,
    "selection": selection,
    "grant": grant,
    "refusal": refusal,
    "settlement": settlement,
    "lot_unsuccessful": lot_unsuccessful,
    "admission": admission,
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
