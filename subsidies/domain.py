"""Subsidy rounds' rules: settings, payment schedules, reporting tiers, settlement. Pure Python."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from common import fields
from common.errors import DomainError, ProblemCollector
from common.i18n import N_
from common.localtime import is_valid_zone, parse_local_datetime
from common.money import CENT, check_currency, floor_cents, parse_amount, read_amount
from common.numbers import parse_number, parse_percentage
from subsidies.allocation import Method, Remainder

ZERO = Decimal("0.00")
Choice = TypeVar("Choice", bound=StrEnum)
HUNDRED = Decimal(100)


class RoundPhase(StrEnum):
    DRAFT = "draft"  # settings can change
    OPEN = "open"  # accepting applications; method and ceiling fixed
    CLOSED = "closed"  # the window has closed
    DECIDED = "decided"  # the allocation has been decided


PHASE_LABELS = {
    RoundPhase.DRAFT: N_("Draft"),
    RoundPhase.OPEN: N_("Open"),
    RoundPhase.CLOSED: N_("Closed"),
    RoundPhase.DECIDED: N_("Decided"),
}


class Instalments(StrEnum):
    YEARLY = "yearly"  # one instalment per calendar year of the grant period
    DATES = "dates"  # on the dates listed


class ReportKind(StrEnum):
    NONE = "none"
    ACTIVITY = "activity"
    FINANCIAL = "financial"


REPORT_LABELS = {
    ReportKind.NONE: N_("No settlement report"),
    ReportKind.ACTIVITY: N_("Activity report"),
    ReportKind.FINANCIAL: N_("Financial report with an accountant's statement"),
}
PAYMENT_KIND_LABELS = {"advance": N_("Advance"), "instalment": N_("Instalment")}
PAYMENT_STATUS_LABELS = {
    "scheduled": N_("Scheduled"),
    "approved": N_("Approved"),
    "paid": N_("Paid"),
}
INSTALMENT_LABELS = {
    Instalments.YEARLY: N_("One per year of the grant period"),
    Instalments.DATES: N_("On the dates given"),
}


@dataclass(frozen=True)
class Tier:
    """Grants up to ``up_to`` (None: any amount) report ``kind``, ``months`` after the period."""

    up_to: Decimal | None
    kind: ReportKind
    months: int = 3

    def as_dict(self) -> dict[str, Any]:
        return {
            "up_to": None if self.up_to is None else str(self.up_to),
            "kind": self.kind.value,
            "months": self.months,
        }


DEFAULT_TIERS = (
    Tier(Decimal("5000.00"), ReportKind.NONE, 0),
    Tier(Decimal("50000.00"), ReportKind.ACTIVITY, 3),
    Tier(None, ReportKind.FINANCIAL, 6),
)


def tiers_from_json(text: str) -> tuple[Tier, ...]:
    return tuple(
        Tier(
            None if t["up_to"] is None else Decimal(t["up_to"]),
            ReportKind(t["kind"]),
            int(t["months"]),
        )
        for t in json.loads(text or "[]")
    )


def tiers_to_json(tiers: Sequence[Tier]) -> str:
    return json.dumps([t.as_dict() for t in tiers])


def tier_for(amount: Decimal, tiers: Sequence[Tier]) -> Tier:
    for tier in tiers:
        if tier.up_to is None or amount <= tier.up_to:
            return tier
    return Tier(None, ReportKind.FINANCIAL, 6)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class ReportDue:
    kind: ReportKind
    due_on: date
    final: bool  # the settlement report; the others are yearly status reports


def reports_due(
    amount: Decimal,
    tiers: Sequence[Tier],
    period_start: date,
    period_end: date,
    yearly_reports: bool,
) -> list[ReportDue]:
    """The reports a grant asks for: a status report after each year of a grant period that runs
    over several years (when the round asks for them), and the tier's settlement report."""
    tier = tier_for(amount, tiers)
    due: list[ReportDue] = []
    if yearly_reports:
        due.extend(
            ReportDue(
                ReportKind.ACTIVITY, add_months(date(year, 12, 31), tier.months or 1), final=False
            )
            for year in range(period_start.year, period_end.year)
        )
    if tier.kind is not ReportKind.NONE:
        due.append(ReportDue(tier.kind, add_months(period_end, tier.months), final=True))
    return due


def require_reports_ahead(due: Sequence[ReportDue], decided_on: date) -> None:
    """A grant cannot ask for a report on a day before it is decided (the grant letter would
    name a day already past): refuse the decision until the round's period or reporting terms
    are changed."""
    past = [d.due_on for d in due if d.due_on < decided_on]
    if past:
        raise DomainError(
            N_(
                "A report would fall due on {day}, before the decision on "
                "{today}: change the round's grant period or its reporting terms "
                "first"
            ),
            day=min(past).isoformat(),
            today=decided_on.isoformat(),
        )


# --- payments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instalment:
    kind: str  # "advance" | "instalment"
    due_on: date
    amount: Decimal


def payment_schedule(
    granted: Decimal,
    decided_on: date,
    period_start: date,
    period_end: date,
    advance_share: Decimal,
    instalments: Instalments,
    dates: Sequence[date] = (),
) -> list[Instalment]:
    """The advance (a share of the grant, rounded down to the cent, due when decided or when the
    period starts, whichever is later) and the rest in instalments, equal but for the last,
    which takes the cents left by rounding. The amounts add up to the grant exactly."""
    if granted <= 0:
        return []
    schedule: list[Instalment] = []
    advance = floor_cents(granted * advance_share / HUNDRED)
    if advance > 0:
        schedule.append(Instalment("advance", max(decided_on, period_start), advance))
    rest = granted - advance
    if rest <= 0:
        return schedule
    if instalments is Instalments.YEARLY:
        days = [
            max(date(year, 1, 1), period_start, decided_on)
            for year in range(period_start.year, period_end.year + 1)
        ]
        if advance > 0 and len(days) > 1:
            days = days[1:]  # the advance is the first year's payment
    else:
        days = sorted(dates) or [period_end]
    each = floor_cents(rest / len(days))
    for index, day in enumerate(days):
        amount = each if index < len(days) - 1 else rest - each * (len(days) - 1)
        schedule.append(Instalment("instalment", day, amount))
    return schedule


# --- settlement -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Settlement:
    granted: Decimal
    final: Decimal
    paid: Decimal
    reclaim: Decimal  # paid more than the final amount
    to_pay: Decimal  # still to pay up to the final amount


def settle(granted: Decimal, final: Decimal, paid: Decimal) -> Settlement:
    """The final amount is at most the grant and never negative; the difference with what was
    paid is either reclaimed or still paid."""
    if final < 0:
        raise DomainError(N_("The final amount cannot be negative"))
    if final > granted:
        raise DomainError(
            N_("The final amount {final} is more than the {granted} granted"),
            final=f"{final:,.2f}",
            granted=f"{granted:,.2f}",
        )
    if paid < 0:
        raise DomainError(N_("The amount paid cannot be negative"))
    balance = final - paid
    return Settlement(granted, final, paid, max(ZERO, -balance), max(ZERO, balance))


# --- round settings -------------------------------------------------------------------------


BUDGET_LINE_LIMIT = 100
BASIS_REGULATION_LIMIT = 300
BASIS_ARTICLES_LIMIT = 100
# "artikel 4", "art. 4", "artikelen 4 en 5", "article 4", "articles 4 and 5": the letter adds
# the word itself, in its own language and number.
_ARTICLE_WORD = re.compile(r"^(artikel(en)?|art\.?|articles?)\s+", re.IGNORECASE)
# Between two article numbers: "4 en 5", "4, 5", "4-6", "4 t/m 6", "4 and 5" (not "4, tweede
# lid" or "4 lid 2": a paragraph of one article).
_SEVERAL_ARTICLES = re.compile(
    r"\d[\w.:]*\s*(,|;|\ben\b|\band\b|\bt/m\b|\btot en met\b|[-\u2013])\s*\d+[a-z]?"
    r"(?![\w.]*\s*(e|de|ste)?\s*lid\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class LegalBasis:
    """The regulation a round's decisions rest on and its article(s), as the officer entered
    them: ("Subsidieregeling dagbesteding 2027", "4, eerste lid")."""

    regulation: str
    articles: str

    @property
    def several(self) -> bool:
        """More than one article ("4 en 5", "4-6"): the letter says "artikelen"."""
        return bool(_SEVERAL_ARTICLES.search(self.articles))


def read_legal_basis(problems: ProblemCollector, form: Mapping[str, Any]) -> LegalBasis | None:
    """The round's legal basis: the regulation and its article(s), both or neither."""
    regulation = " ".join(fields.text(form, "basis_regulation").split())
    articles = _ARTICLE_WORD.sub("", " ".join(fields.text(form, "basis_articles").split()))
    if not regulation and not articles:
        return None
    if not regulation:
        problems.add("basis_regulation", N_("Name the regulation the article is in"))
    elif len(regulation) > BASIS_REGULATION_LIMIT:
        problems.add(
            "basis_regulation", N_("At most {limit} characters"), limit=BASIS_REGULATION_LIMIT
        )
    if not articles:
        problems.add(
            "basis_articles",
            N_("Give the article of the regulation the decisions rest on, such as 4"),
        )
    elif len(articles) > BASIS_ARTICLES_LIMIT:
        problems.add("basis_articles", N_("At most {limit} characters"), limit=BASIS_ARTICLES_LIMIT)
    elif not any(c.isdigit() for c in articles):
        problems.add(
            "basis_articles",
            N_("{value} names no article number; give it as 4, 4.2 or 4 and 5"),
            value=articles,
        )
    return LegalBasis(regulation, articles)


@dataclass(frozen=True, kw_only=True)
class RoundSettings:
    """What an officer sets for a round: entered as :class:`RoundData`, read back with the
    round's state as ``subsidies.service.RoundView``."""

    title: str
    authority_id: int
    regulation_name: str
    regulation_reference: str
    service_types: tuple[str, ...]
    opens_at: datetime
    closes_at: datetime
    ceiling: Decimal
    currency: str
    method: Method
    remainder: Remainder
    lottery_seed: str
    eligibility_criteria: tuple[str, ...]
    minimum_score: Decimal | None
    maximum_per_applicant: Decimal | None
    period_start: date
    period_end: date
    advance_share: Decimal
    instalments: Instalments
    instalment_dates: tuple[date, ...]
    yearly_reports: bool
    budget_line: str = ""
    acceptance_required: bool = False  # the applicant accepts a grant (in the portal)


@dataclass(frozen=True, kw_only=True)
class RoundData(RoundSettings):
    tiers: tuple[Tier, ...]
    legal_basis: LegalBasis | None = None

    def settings(self) -> dict[str, Any]:
        """The stored columns (for the table and for audit events)."""
        return {
            "title": self.title,
            "authority": self.authority_id,
            "regulation_name": self.regulation_name,
            "regulation_reference": self.regulation_reference,
            "service_types": ",".join(self.service_types),
            "opens_at": self.opens_at,
            "closes_at": self.closes_at,
            "ceiling": self.ceiling,
            "currency": self.currency,
            "method": self.method.value,
            "remainder": self.remainder.value,
            "lottery_seed": self.lottery_seed,
            "eligibility_criteria": "\n".join(self.eligibility_criteria),
            "minimum_score": self.minimum_score,
            "maximum_per_applicant": self.maximum_per_applicant,
            "period_start": self.period_start,
            "period_end": self.period_end,
            "advance_share": self.advance_share,
            "instalments": self.instalments.value,
            "instalment_dates": ",".join(d.isoformat() for d in self.instalment_dates),
            "yearly_reports": self.yearly_reports,
            "tiers": tiers_to_json(self.tiers),
            "budget_line": self.budget_line,
            "acceptance_required": self.acceptance_required,
            "basis_regulation": self.legal_basis.regulation if self.legal_basis else "",
            "basis_articles": self.legal_basis.articles if self.legal_basis else "",
        }


FIXED_WHEN_OPEN = ("method", "ceiling", "currency", "remainder", "lottery_seed")


def parse_day(problems: ProblemCollector, form: Mapping[str, Any], name: str) -> date | None:
    text = fields.text(form, name)
    if not text:
        problems.add(name, N_("A date is required"))
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.add(name, N_("{value} is not a date (YYYY-MM-DD)"), value=text)
        return None


def _moment(
    problems: ProblemCollector, form: Mapping[str, Any], name: str, zone: str
) -> datetime | None:
    value = form.get(name)
    if isinstance(value, datetime):
        return value
    text = fields.text(form, name)
    if not text:
        problems.add(name, N_("A date and time is required"))
        return None
    try:
        return parse_local_datetime(text, zone)
    except DomainError as exc:
        problems.add(name, exc.problem.message, **exc.problem.params)
        return None


def _choice(
    problems: ProblemCollector,
    form: Mapping[str, Any],
    name: str,
    kind: type[Choice],
    default: Choice,
) -> Choice:
    text = fields.text(form, name) or default.value
    try:
        return kind(text)
    except ValueError:
        problems.add(
            name,
            N_("{value} is not one of {allowed}"),
            value=text,
            allowed=", ".join(k.value for k in kind),
        )
        return default


def _lines(value: Any) -> list[str]:
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def parse_tiers(problems: ProblemCollector, form: Mapping[str, Any]) -> tuple[Tier, ...]:
    """Tiers as lines "up to;kind;months" (the last without an upper bound: "-")."""
    raw = form.get("tiers")
    if isinstance(raw, list | tuple) and raw and isinstance(raw[0], Tier):
        return tuple(raw)
    lines = _lines(raw)
    if not lines:
        return DEFAULT_TIERS
    tiers: list[Tier] = []
    for number, line in enumerate(lines, 1):
        parts = [p.strip() for p in line.split(";")]
        try:
            up_to = None if parts[0] in ("", "-") else parse_amount(parts[0])
            tiers.append(Tier(up_to, ReportKind(parts[1]), int(parts[2]) if len(parts) > 2 else 3))
        except (IndexError, ValueError, InvalidOperation, DomainError):
            problems.add(
                "tiers",
                N_(
                    'Line {number} is not "up to;kind;months" with kind none, activity or financial'
                ),
                number=number,
            )
    if tiers and any(t.up_to is None for t in tiers[:-1]):
        problems.add("tiers", N_("Only the last tier may be without an upper bound"))
    bounds = [t.up_to for t in tiers if t.up_to is not None]
    if bounds != sorted(bounds) or len(set(bounds)) != len(bounds):
        problems.add("tiers", N_("The tiers must go up"))
    return tuple(tiers)


def tiers_text(tiers: Sequence[Tier]) -> str:
    return "\n".join(
        f"{'-' if t.up_to is None else t.up_to};{t.kind.value};{t.months}" for t in tiers
    )


def validate_round(
    form: Mapping[str, Any],
    zone: str = "Europe/Amsterdam",
    service_types: Collection[str] | None = None,
) -> RoundData:
    """Every setting of a round, each problem with its field; ``service_types``: the codes a
    round may name (None: any)."""
    problems = ProblemCollector()
    title = fields.text(form, "title")
    if not title:
        problems.add("title", N_("A title is required"))
    elif len(title) > 200:
        problems.add("title", N_("The title is longer than {limit} characters"), limit=200)
    try:
        authority_id = int(fields.text(form, "authority_id"))
    except ValueError:
        problems.add("authority_id", N_("Choose an authority"))
        authority_id = 0
    if not is_valid_zone(zone):
        zone = "Europe/Amsterdam"
    opens_at = _moment(problems, form, "opens_at", zone)
    closes_at = _moment(problems, form, "closes_at", zone)
    if opens_at and closes_at and closes_at <= opens_at:
        problems.add("closes_at", N_("The window must close after it opens"))
    ceiling = read_amount(problems, form, "ceiling")
    if ceiling is not None and ceiling <= 0:
        problems.add("ceiling", N_("The ceiling must be above 0.00"))
    currency = "EUR"
    try:
        currency = check_currency(fields.text(form, "currency"))
    except DomainError as exc:
        problems.add("currency", exc.problem.message, **exc.problem.params)
    method = _choice(problems, form, "method", Method, Method.RANKING)
    remainder = _choice(problems, form, "remainder", Remainder, Remainder.GRANT_REMAINDER)
    minimum_score = None
    if fields.text(form, "minimum_score"):
        try:
            minimum_score = parse_number(fields.text(form, "minimum_score"))
        except DomainError as exc:
            problems.add("minimum_score", exc.problem.message, **exc.problem.params)
        else:
            if minimum_score is not None and minimum_score < 0:
                problems.add(
                    "minimum_score",
                    N_("{value} is not a score of at least 0"),
                    value=fields.text(form, "minimum_score"),
                )
                minimum_score = None
    maximum = read_amount(problems, form, "maximum_per_applicant", required=False)
    if maximum is not None and maximum <= 0:
        problems.add("maximum_per_applicant", N_("The maximum must be above 0.00"))
    period_start = parse_day(problems, form, "period_start")
    period_end = parse_day(problems, form, "period_end")
    if period_start and period_end and period_end < period_start:
        problems.add("period_end", N_("The grant period must end after it starts"))
    advance_share = ZERO
    if fields.text(form, "advance_share"):
        try:
            share = parse_percentage(fields.text(form, "advance_share"))
        except DomainError as exc:
            problems.add("advance_share", exc.problem.message, **exc.problem.params)
        else:
            if share is None or not (0 <= share <= HUNDRED) or share != share.quantize(CENT):
                problems.add("advance_share", N_("The advance share is a percentage from 0 to 100"))
            else:
                advance_share = share
    instalments = _choice(problems, form, "instalments", Instalments, Instalments.YEARLY)
    dates: list[date] = []
    for text in _lines(str(form.get("instalment_dates") or "").replace(",", "\n")):
        try:
            dates.append(date.fromisoformat(text))
        except ValueError:
            problems.add("instalment_dates", N_("{value} is not a date (YYYY-MM-DD)"), value=text)
    if instalments is Instalments.DATES and not dates:
        problems.add("instalment_dates", N_("Give the dates of the instalments"))
    chosen = tuple(
        sorted(
            {
                s.strip()
                for s in _lines(
                    form.get("service_types")
                    if isinstance(form.get("service_types"), list | tuple)
                    else str(form.get("service_types") or "").replace(",", "\n")
                )
            }
        )
    )
    for code in chosen:
        if service_types is not None and code not in service_types:
            problems.add("service_types", N_("{value} is not one of the service types"), value=code)
    criteria = tuple(_lines(form.get("eligibility_criteria")))
    tiers = parse_tiers(problems, form)
    budget_line = fields.text(form, "budget_line")
    if len(budget_line) > BUDGET_LINE_LIMIT:
        problems.add(
            "budget_line",
            N_("The budget line is longer than {limit} characters"),
            limit=BUDGET_LINE_LIMIT,
        )
    basis = read_legal_basis(problems, form)
    problems.raise_if_any()
    assert opens_at and closes_at and ceiling is not None and period_start and period_end
    return RoundData(
        title=title,
        authority_id=authority_id,
        regulation_name=fields.text(form, "regulation_name"),
        regulation_reference=fields.text(form, "regulation_reference"),
        service_types=chosen,
        opens_at=opens_at,
        closes_at=closes_at,
        ceiling=ceiling,
        currency=currency,
        method=method,
        remainder=remainder,
        lottery_seed=fields.text(form, "lottery_seed"),
        eligibility_criteria=criteria,
        minimum_score=minimum_score,
        maximum_per_applicant=maximum,
        period_start=period_start,
        period_end=period_end,
        advance_share=advance_share,
        instalments=instalments,
        instalment_dates=tuple(sorted(dates)),
        yearly_reports=str(form.get("yearly_reports") or "").lower() in ("on", "true", "1", "yes"),
        tiers=tiers,
        budget_line=budget_line,
        acceptance_required=str(form.get("acceptance_required") or "").lower()
        in ("on", "true", "1", "yes"),
        legal_basis=basis,
    )


def fixed_changes(stored: Mapping[str, Any], wanted: Mapping[str, Any]) -> list[str]:
    """The settings that may not change once the round is open but would."""
    return [name for name in FIXED_WHEN_OPEN if stored.get(name) != wanted.get(name)]
