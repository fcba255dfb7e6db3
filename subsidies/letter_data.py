"""What a subsidy round's letters say: the allocation's reasons as sentences, and the data of
each letter (a grant, a refusal, a settlement) written from the round, its authority and the
application (:class:`RoundWriter`). Sending, reading and the evaluation report are
:mod:`subsidies.letters`."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from common import clock
from common.errors import Problem
from common.i18n import N_
from common.jurisdictions import jurisdiction_for
from common.localtime import utc_to_local
from documents.letters.kinds import (
    Addressee,
    CriterionScore,
    GrantDecision,
    LetterKind,
    Money,
    Procedure,
    Refusal,
    RefusalReason,
    Sender,
)
from documents.letters.kinds import (
    Payment as LetterPayment,
)
from documents.letters.present import day, money, number
from documents.letters.service import SentLetter
from documents.letters.templates import letter_language
from notifications.letters import LetterMail
from subsidies.domain import PAYMENT_KIND_LABELS, REPORT_LABELS, LegalBasis
from subsidies.lifecycle import State
from subsidies.tables import Application
from web.i18n import translations

ROUND = "round"
APPLICATION = "application"
DECISION_KINDS = frozenset({LetterKind.GRANT, LetterKind.REFUSAL})
PAYMENT_LABELS = {**PAYMENT_KIND_LABELS, "settlement": N_("Settlement")}
ZERO = Decimal("0.00")
MONEY_PARAMS = frozenset({"amount", "maximum"})

# The allocation's reasons that make a refusal "below the minimum score" or "ineligible";
# any other refusal is for want of budget.
BELOW_MINIMUM_REASONS = frozenset(
    {"score {score} is below the minimum {minimum}", "no score", "not ranked"}
)
INELIGIBLE_REASONS = frozenset({"not complete"})


# The allocation's reasons (short notes for the officer's table) as the sentences a letter
# gives; None: not a reason worth a sentence (the grant itself says it).
LETTER_SENTENCES: dict[str, str | None] = {
    "granted": None,
    "granted in full": None,
    "every request fits; granted in full": None,
    "place {position} in the ranking": N_(
        "Your application was placed {position} in the ranking of the applications by their "
        "scores; the budget is granted in that order."
    ),
    "complete at {moment}": N_(
        "Your application was complete on {day} at {time}; applications are handled in the "
        "order in which they were complete."
    ),
    "complete on {day}, the day the budget ran out; drawn {number} of {count} in the lottery": N_(
        "Your application was complete on {day}, the day the budget ran out. The order of "
        "the applications complete that day was drawn by lot: yours was drawn {number} of "
        "{count}."
    ),
    "ceiling reached": N_(
        "The subsidy ceiling had been reached when your application's turn came."
    ),
    "granted what was left of the budget: {amount}": N_(
        "When your application's turn came, {amount} was left of the budget; we grant that amount."
    ),
    "does not fit in what is left of the budget: {amount}": N_(
        "The amount you applied for does not fit in what was left of the budget when your "
        "application's turn came ({amount})."
    ),
    "capped at the maximum per applicant {maximum}": N_(
        "The regulation grants at most {maximum} per applicant."
    ),
    "pro rata: {percent}% of {amount}, rounded down to the cent": N_(
        "Together the applications ask for more than the budget, so every applicant receives "
        "the same share: {percent}% of {amount}, rounded down to the cent."
    ),
    "score {score} is below the minimum {minimum}": N_(
        "Your application scored {score} points; the minimum for a subsidy is {minimum} points."
    ),
    "no score": N_("Your application has no score, so it could not be ranked."),
    "not ranked": N_("Your application was not included in the ranking."),
    "not complete": N_("Your application was not complete when the application window closed."),
}


def refusal_reason(reasons: Sequence[Problem]) -> RefusalReason:
    """The reason a refusal letter gives, from the allocation line's reasons."""
    messages = {p.message for p in reasons}
    if messages & INELIGIBLE_REASONS:
        return RefusalReason.INELIGIBLE
    if messages & BELOW_MINIMUM_REASONS:
        return RefusalReason.BELOW_MINIMUM
    return RefusalReason.CEILING_REACHED


def subject_ref(application_id: int) -> str:
    return f"application:{application_id}"


def round_code(row: Mapping[str, Any]) -> str:
    """How letters and the CLI name a round: its regulation's reference, else R<id>."""
    return row["regulation_reference"] or f"R{row['id']}"


def _problems(text: str) -> tuple[Problem, ...]:
    return tuple(Problem(r["message"], r["params"]) for r in json.loads(text or "[]"))


class RoundWriter:
    """What the letters of one round share: sender, procedure, day, language."""

    def __init__(self, round_: Mapping[str, Any], authority: Mapping[str, Any]) -> None:
        self.round = round_
        self.authority = authority
        self.language = letter_language(authority["language"])
        self.today = utc_to_local(clock.now(), authority["timezone"]).date()
        self.currency = round_["currency"]
        self.sender = Sender.of_authority(authority)
        self.law = jurisdiction_for(authority["country"])
        self.procedure = Procedure(title=round_["title"], reference=round_code(round_))
        self._ = translations(self.language).gettext

    def t(self, message: str, **params: Any) -> str:
        text = self._(message)
        return text.format(**params) if params else text

    def money(self, amount: Decimal | None) -> Money:
        return Money(amount if amount is not None else ZERO, self.currency)

    def reason(self, problem: Problem) -> str | None:
        """An allocation reason as a sentence in the letter's language (None: no reason to
        give), its amounts, numbers and days written the language's way ("€ 25.000,00",
        "3 februari 2022"), not "25,000.00" or "2022-02-03 10:05:00"."""
        sentence = LETTER_SENTENCES.get(problem.message, problem.message)
        if sentence is None:
            return None
        params = dict(problem.params)
        if "moment" in params:
            moment = datetime.fromisoformat(str(params.pop("moment")))
            params |= {"day": day(moment.date(), self.language), "time": moment.strftime("%H:%M")}
        elif "day" in params:
            params["day"] = day(date.fromisoformat(str(params["day"])), self.language)
        for name, value in params.items():
            if name in ("day", "time"):
                continue
            try:
                figure = Decimal(str(value).replace(",", ""))
            except ArithmeticError:
                continue
            params[name] = (
                money(self.money(figure), self.language)
                if name in MONEY_PARAMS
                else number(figure, self.language)
            )
        return Problem(sentence, params).text(self._)

    def reasons(self, problems: Sequence[Problem]) -> tuple[str, ...]:
        return tuple(text for p in problems if (text := self.reason(p)) is not None)

    def common(self, row: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "sender": self.sender,
            "date": self.today,
            "reference": row["reference"],
            "procedure": self.procedure,
            "addressee": addressee_of(row),
        }

    def activity(self, row: Mapping[str, Any]) -> str:
        return row["title"] or self.round["title"]

    def conditions(self) -> tuple[str, ...]:
        found = [
            self.t(
                N_(
                    "Spend the subsidy on the activities described in your "
                    "application, within the grant period."
                )
            )
        ]
        if self.round["regulation_name"]:
            found.insert(
                0,
                self.t(
                    N_("This grant is subject to {regulation}."),
                    regulation=self.round["regulation_name"],
                ),
            )
        found.append(self.t(N_("Tell us at once when the activities change or cannot take place.")))
        return tuple(found)

    def grant(
        self,
        row: Mapping[str, Any],
        line: Mapping[str, Any] | None,
        payments: Sequence[Mapping[str, Any]],
        due: Sequence[Mapping[str, Any]],
    ) -> GrantDecision:
        granted = row["granted"] or ZERO
        partly = (
            ()
            if granted >= row["requested"] or line is None
            else self.reasons(_problems(line["reasons"]))
        )
        finals = [r for r in due if r["final"]] or list(due)
        report_due = max((r["due_on"] for r in finals), default=None)
        kinds = list(dict.fromkeys(r["kind"] for r in finals))
        reporting = "; ".join(self.t(REPORT_LABELS[k]) for k in kinds if k in REPORT_LABELS)
        return GrantDecision(
            **self.common(row),
            activity=self.activity(row),
            requested=self.money(row["requested"]),
            granted=self.money(granted),
            period_start=self.round["period_start"],
            period_end=self.round["period_end"],
            reasons_partly=partly,
            conditions=self.conditions(),
            payments=tuple(
                LetterPayment(
                    p["due_on"],
                    self.money(p["amount"]),
                    self.t(PAYMENT_LABELS.get(p["kind"], p["kind"])),
                )
                for p in payments
            ),
            reporting=reporting
            or self.t(
                N_("No settlement report is needed: the subsidy is settled at the granted amount.")
            ),
            report_due=report_due,
            legal_basis=self.legal_basis(),
        )

    def legal_basis(self) -> str:
        """The article(s) and regulation the round's decisions rest on, as the letter cites
        them: "artikel 4 van de Subsidieregeling dagbesteding 2027"; without them only the
        round's regulation ("de Nadere regel Sociale Prestatie"), or nothing."""
        regulation, articles = self.round["basis_regulation"], self.round["basis_articles"]
        if regulation and articles:
            several = LegalBasis(regulation, articles).several
            return self.t(
                N_("articles {articles} of the {regulation}")
                if several
                else N_("article {articles} of the {regulation}"),
                articles=articles,
                regulation=regulation,
            )
        if self.round["regulation_name"]:
            return self.t(N_("the {regulation}"), regulation=self.round["regulation_name"])
        return ""

    def refusal(
        self,
        row: Mapping[str, Any],
        line: Mapping[str, Any] | None,
        scores: tuple[CriterionScore, ...] = (),
    ) -> Refusal:
        """``scores``: the application's scores per criterion where the round was ranked
        by the review; an application refused as ineligible was never scored."""
        if line is None or row["state"] == State.INELIGIBLE.value:
            reason, details = (
                RefusalReason.INELIGIBLE,
                tuple(d.strip() for d in (row["state_reason"] or "").split(";") if d.strip()),
            )
            score, scores = None, ()
        else:
            problems = _problems(line["reasons"])
            reason, details = refusal_reason(problems), self.reasons(problems)
            score = line["score"]
        return Refusal(
            **self.common(row),
            activity=self.activity(row),
            requested=self.money(row["requested"]),
            reason=reason,
            details=details,
            score=score,
            minimum_score=self.round["minimum_score"],
            ceiling=self.money(self.round["ceiling"]),
            scores=scores,
            legal_basis=self.legal_basis(),
        )

    def mail(self, letter: SentLetter, row: Mapping[str, Any]) -> LetterMail:
        return LetterMail(
            letter,
            row["contact_email"],
            row["contact_name"] or row["organisation.name"],
            self.language,
            self.round["title"],
            self.authority["name"],
            addressee_of(row).worded(self.language)["greeting"],
        )


def addressee_of(row: Mapping[str, Any]) -> Addressee:
    """The applicant, its contact the application's (else the organisation's). The contact is
    greeted by name only when the organisation's salutation is that of this very person."""
    address = tuple(
        line.strip() for line in (row["organisation.address"] or "").splitlines() if line.strip()
    )
    known = row["organisation.contact_name"] or ""
    contact = row["contact_name"] or known
    same = " ".join(contact.split()).casefold() == " ".join(known.split()).casefold()
    return Addressee(
        name=row["organisation.name"],
        contact_person=contact,
        address=address,
        email=row["contact_email"],
        registration_number=row["organisation.registration_number"],
        form_of_address=row["organisation.contact_form_of_address"] if same else "",
        surname=row["organisation.contact_surname"] if same else "",
    )


APPLICATION_COLUMNS = (
    Application.id,
    Application.reference,
    Application.title,
    Application.contact_name,
    Application.contact_email,
    Application.requested,
    Application.granted,
    Application.state,
    Application.state_reason,
    Application.organisation.name,
    Application.organisation.address,
    Application.organisation.registration_number,
    Application.organisation.contact_name,
    Application.organisation.contact_form_of_address,
    Application.organisation.contact_surname,
)
