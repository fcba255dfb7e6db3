"""Rules of a tender outside the state machine: what an officer enters and the periods. Pure.

CPV codes, the authorities' shares, deadlines in local time and the legal minimum periods,
bids on time, the standstill end, the choice of winners from a ranking.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from common import fields
from common.errors import DomainError, Problem, ProblemCollector, ValidationFailed
from common.i18n import N_
from common.jurisdictions import LightRegime, jurisdiction_for
from common.localtime import local_to_utc, parse_local_datetime, utc_to_local
from common.money import CURRENCIES, read_amount
from common.numbers import NOT_A_NUMBER, parse_percentage, plain
from tenders.procedures import LIGHT_REGIME, PROCEDURE_TYPES, Deadline, ProcedureType

# The 45 divisions of the Common Procurement Vocabulary (Regulation (EC) 213/2008).
CPV_DIVISIONS = frozenset(
    {
        "03",
        "09",
        "14",
        "15",
        "16",
        "18",
        "19",
        "22",
        "24",
        "30",
        "31",
        "32",
        "33",
        "34",
        "35",
        "37",
        "38",
        "39",
        "41",
        "42",
        "43",
        "44",
        "45",
        "48",
        "50",
        "51",
        "55",
        "60",
        "63",
        "64",
        "65",
        "66",
        "70",
        "71",
        "72",
        "73",
        "75",
        "76",
        "77",
        "79",
        "80",
        "85",
        "90",
        "92",
        "98",
    }
)
_CPV = re.compile(r"^(\d{8})-(\d)$")
HUNDRED = Decimal(100)


def check_cpv(code: str) -> str:
    """A CPV code as ``85311000-2``: eight digits, a hyphen, a check digit, a known division."""
    cleaned = re.sub(r"\s+", "", code or "")
    match = _CPV.match(cleaned)
    if match is None:
        raise DomainError(
            N_(
                "{code} is not a CPV code: write eight digits, a hyphen and the "
                "check digit, such as 85311000-2"
            ),
            code=code,
        )
    if cleaned[:2] not in CPV_DIVISIONS:
        raise DomainError(
            N_("{code} is not a CPV code: there is no division {division}"),
            code=code,
            division=cleaned[:2],
        )
    return cleaned


def parse_cpv_list(text: str) -> list[str]:
    """CPV codes separated by commas, semicolons or new lines; duplicates removed."""
    codes: list[str] = []
    for part in re.split(r"[,;\n]+", text or ""):
        if part.strip():
            code = check_cpv(part)
            if code not in codes:
                codes.append(code)
    return codes


def parse_share(raw: Any) -> Decimal:
    try:
        value = parse_percentage(raw)
    except DomainError as exc:
        if exc.problem.message != NOT_A_NUMBER:
            raise  # ambiguous, or misgrouped: that message says more
        raise DomainError(N_("{value} is not a percentage"), value=raw) from None
    if value is None or value <= 0 or value > HUNDRED:
        raise DomainError(N_("A share is more than 0% and at most 100%, not {value}"), value=raw)
    if value != value.quantize(Decimal("0.01")):
        raise DomainError(N_("{value} has more than two decimals"), value=raw)
    return value.quantize(Decimal("0.01"))


def check_shares(shares: Mapping[int, Decimal]) -> None:
    """The shares of a joint procurement add up to exactly 100%."""
    total = sum(shares.values(), Decimal(0))
    if total != HUNDRED:
        raise DomainError(
            N_("The authorities' shares add up to {total}%, not 100%"), total=plain(total)
        )


def equal_shares(count: int) -> list[Decimal]:
    """``count`` shares of two decimals adding up to 100 (the first ones get the cents)."""
    base = (HUNDRED / count).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    rest = int((HUNDRED - base * count) / Decimal("0.01"))
    return [base + (Decimal("0.01") if i < rest else 0) for i in range(count)]


BUDGET_LINE_LIMIT = 100


@dataclass(frozen=True)
class TenderData:
    title: str
    reference: str
    description: str
    procedure: str
    service_type_id: int | None
    cpv_codes: tuple[str, ...]
    currency: str
    estimated_value: Decimal | None
    contract_start: date | None
    contract_end: date | None
    extension_options: str
    max_candidates: int | None
    two_envelope: bool
    electronic_submission: bool
    budget_line: str = ""

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["cpv_codes"] = ",".join(self.cpv_codes)
        return data


def _title(problems: ProblemCollector, form: Mapping[str, Any]) -> str:
    title = fields.text(form, "title")
    if not title:
        problems.add("title", N_("A title is required"))
    elif len(title) > 200:
        problems.add("title", N_("The title is longer than {limit} characters"), limit=200)
    return title


def _date(problems: ProblemCollector, form: Mapping[str, Any], name: str) -> date | None:
    raw = fields.text(form, name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.add(name, N_("{value} is not a date"), value=raw)
        return None


def validate_tender(form: Mapping[str, Any]) -> TenderData:
    """Check a tender as entered; every problem names its field."""
    problems = ProblemCollector()
    title = _title(problems, form)
    reference = fields.text(form, "reference")
    if not reference:
        problems.add("reference", N_("A reference is required"))
    elif len(reference) > 60:
        problems.add("reference", N_("The reference is longer than {limit} characters"), limit=60)
    procedure = fields.text(form, "procedure")
    if procedure not in PROCEDURE_TYPES:
        problems.add("procedure", N_("Choose a procedure type"))
    service_type_id: int | None = None
    if fields.text(form, "service_type_id"):
        try:
            service_type_id = int(fields.text(form, "service_type_id"))
        except ValueError:
            problems.add("service_type_id", N_("Choose a service type"))
    cpv: list[str] = []
    raw_cpv = form.get("cpv_codes") or ""
    if isinstance(raw_cpv, list | tuple):
        raw_cpv = ",".join(str(c) for c in raw_cpv)
    try:
        cpv = parse_cpv_list(str(raw_cpv))
    except DomainError as exc:
        problems.add("cpv_codes", exc.problem.message, **exc.problem.params)
    currency = fields.text(form, "currency").upper()
    if currency not in CURRENCIES:
        problems.add(
            "currency", N_("Choose one of the currencies {allowed}"), allowed=", ".join(CURRENCIES)
        )
    estimated = read_amount(
        problems,
        form,
        "estimated_value",
        required=False,
        currency=currency if currency in CURRENCIES else None,
    )
    start = _date(problems, form, "contract_start")
    end = _date(problems, form, "contract_end")
    if start and end and end <= start:
        problems.add("contract_end", N_("The contract ends after it starts"))
    max_candidates = fields.count(problems, form, "max_candidates")
    budget_line = fields.text(form, "budget_line")
    if len(budget_line) > BUDGET_LINE_LIMIT:
        problems.add(
            "budget_line",
            N_("The budget line is longer than {limit} characters"),
            limit=BUDGET_LINE_LIMIT,
        )
    problems.raise_if_any()
    return TenderData(
        title,
        reference,
        fields.text(form, "description"),
        procedure,
        service_type_id,
        tuple(cpv),
        currency,
        estimated,
        start,
        end,
        fields.text(form, "extension_options"),
        max_candidates,
        fields.flag_of(form, "two_envelope"),
        fields.flag_of(form, "electronic_submission", True),
        budget_line,
    )


@dataclass(frozen=True)
class LotData:
    number: int
    title: str
    description: str
    winners: int
    estimated_value: Decimal | None


def validate_lot(form: Mapping[str, Any]) -> LotData:
    problems = ProblemCollector()
    number = fields.count(problems, form, "number", required=True) or 0
    title = _title(problems, form)
    winners = fields.count(problems, form, "winners", default=1) or 1
    estimated = read_amount(problems, form, "estimated_value", required=False)
    problems.raise_if_any()
    return LotData(number, title, fields.text(form, "description"), winners, estimated)


# --- deadlines and periods ------------------------------------------------------------------


def parse_deadlines(form: Mapping[str, Any], zone: str) -> dict[Deadline, datetime | None]:
    """The deadlines entered as local wall-clock times (``deadline_bids`` = "2026-03-01T12:00")
    in ``zone``, in UTC. An empty field clears the deadline."""
    problems = ProblemCollector()
    found: dict[Deadline, datetime | None] = {}
    for deadline in Deadline:
        name = f"deadline_{deadline.value}"
        if name not in form:
            continue
        raw = fields.text(form, name)
        if not raw:
            found[deadline] = None
            continue
        try:
            found[deadline] = parse_local_datetime(raw, zone)
        except DomainError as exc:
            problems.add(name, exc.problem.message, **exc.problem.params)
    problems.raise_if_any()
    return found


@dataclass(frozen=True)
class PeriodWarning:
    """A deadline shorter than a legal minimum: a warning naming the rule, not a refusal."""

    deadline: Deadline
    days_given: int
    days_required: int
    rule: str

    def problem(self) -> Problem:
        return Problem(
            N_("{days_given} days is shorter than the minimum of {days_required} days ({rule})"),
            {"days_given": self.days_given, "days_required": self.days_required, "rule": self.rule},
            f"deadline_{self.deadline.value}",
        )


def light_regime_warnings(
    procedure: str, value: Decimal | None, currency: str, regime: LightRegime
) -> list[Problem]:
    """What the light regime for social services asks that an officer must not miss.

    Directive 2014/24/EU art. 74: at or above the threshold of art. 4(d) (EUR 750,000, the
    country's figure and article in ``regime``) these contracts are awarded under the light
    regime, which still requires a contract notice or a prior information notice in the EU's
    Official Journal and a contract award notice (art. 75); below it the directive does not
    apply. Choosing the light regime is therefore no reason to skip European publication: the
    warning says so when the estimated value (``value``, the whole contract over all lots)
    reaches the threshold, and asks for the value when there is none. The threshold is in
    euros: a value in another currency is not compared (the Commission's equivalents change
    every two years). A full procedure instead of the light regime is always lawful: no
    warning.
    """
    if procedure != LIGHT_REGIME.code:
        return []
    threshold = Decimal(regime.threshold_eur)
    if value is None:
        return [
            Problem(
                N_(
                    "Enter the estimated value: from {threshold} the light regime "
                    "requires a notice in the EU's Official Journal ({rule})"
                ),
                {"threshold": threshold, "rule": regime.rule},
                "estimated_value",
            )
        ]
    if currency == "EUR" and value >= threshold:
        return [
            Problem(
                N_(
                    "The estimated value {value} reaches the threshold of {threshold}: "
                    "the light regime requires a contract notice or a prior "
                    "information notice in the EU's Official Journal, and a contract "
                    "award notice ({rule})"
                ),
                {"value": value, "threshold": threshold, "rule": regime.rule},
                "estimated_value",
            )
        ]
    return []


def contract_value(
    tender_value: Decimal | None, lot_values: Sequence[Decimal | None]
) -> Decimal | None:
    """The estimated value of the whole contract (art. 5: all lots together): the tender's
    own, else the sum of its lots' when every lot has one."""
    if tender_value is not None:
        return tender_value
    if not lot_values or any(v is None for v in lot_values):
        return None
    return sum((v for v in lot_values if v is not None), Decimal(0))


def period_days(start: datetime, end: datetime, zone: str) -> int:
    """Whole calendar days from ``start`` to ``end``, counted on the local calendar."""
    return (utc_to_local(end, zone).date() - utc_to_local(start, zone).date()).days


def check_minimum_periods(
    kind: ProcedureType,
    deadlines: Mapping[Deadline, datetime],
    published_at: datetime,
    zone: str,
    electronic: bool,
    invited_at: datetime | None = None,
    *,
    country: str,
) -> list[PeriodWarning]:
    """Warnings for deadlines shorter than the type's minimum periods in ``country`` (the
    lead authority's).

    Periods counted from the invitation are checked once there is one (``invited_at``).
    """
    warnings: list[PeriodWarning] = []
    for deadline in Deadline:
        minimum = kind.minimum(deadline, electronic, country)
        moment = deadlines.get(deadline)
        if minimum is None or moment is None:
            continue
        start = invited_at if minimum.from_invitation else published_at
        if start is None:
            continue
        days = period_days(start, moment, zone)
        if days < minimum.days:
            warnings.append(PeriodWarning(deadline, days, minimum.days, minimum.rule))
    return warnings


@dataclass(frozen=True)
class DeadlineChange:
    """One deadline as it was and as it is wanted (None: not set, or removed)."""

    deadline: Deadline
    before: datetime | None
    after: datetime | None

    @property
    def earlier(self) -> bool:
        return self.before is not None and self.after is not None and self.after < self.before


MAX_REASON = 2000


def check_deadline_changes(
    kind: ProcedureType,
    published: bool,
    current: Mapping[Deadline, datetime],
    wanted: Mapping[Deadline, datetime | None],
    now: datetime,
    *,
    zone: str,
    country: str,
    electronic: bool,
    published_at: datetime | None = None,
    invited_at: datetime | None = None,
    reason: str = "",
) -> list[DeadlineChange]:
    """The deadlines that change, or ValidationFailed naming every field that may not.

    In draft any deadline may be set, moved or cleared (to a moment in the future). After
    publication candidates rely on them: a deadline that has passed stays, none is removed, a
    new moment lies in the future; a deadline may move later freely, but earlier only with a
    reason and never below the procedure type's legal minimum period (counted from the
    publication, or from the invitation to tender once there is one). Candidates are told of
    an earlier deadline (by the caller).
    """
    problems = ProblemCollector()
    found: list[DeadlineChange] = []
    for deadline, moment in wanted.items():
        old = current.get(deadline)
        if old == moment:
            continue
        location = f"deadline_{deadline.value}"
        change = DeadlineChange(deadline, old, moment)
        found.append(change)
        if published and old is not None and old <= now:
            problems.add(location, N_("This deadline has passed and can no longer be moved"))
        elif moment is not None and moment <= now:
            problems.add(location, N_("Choose a moment in the future"))
        elif moment is None and published:
            problems.add(location, N_("A deadline of a published tender cannot be removed"))
        elif published and change.earlier and moment is not None:
            minimum = kind.minimum(deadline, electronic, country)
            start = invited_at if minimum and minimum.from_invitation else published_at
            if (
                minimum is not None
                and start is not None
                and period_days(start, moment, zone) < minimum.days
            ):
                earliest = utc_to_local(start, zone).date() + timedelta(days=minimum.days)
                problems.add(
                    location,
                    N_(
                        "The legal minimum for this procedure is {minimum} days from the "
                        "invitation to tender: choose {earliest} or later"
                    )
                    if minimum.from_invitation
                    else N_(
                        "The legal minimum for this procedure is {minimum} days from "
                        "publication: choose {earliest} or later"
                    ),
                    minimum=minimum.days,
                    earliest=earliest.isoformat(),
                )
    text = (reason or "").strip()
    if published and any(c.earlier for c in found):
        if not text:
            problems.add(
                "reason", N_("A deadline moves earlier: give the reason, which candidates are told")
            )
        elif len(text) > MAX_REASON:
            problems.add(
                "reason", N_("The reason is longer than {limit} characters"), limit=MAX_REASON
            )
    problems.raise_if_any()
    return found


def received_in_time(received_at: datetime, deadline: datetime) -> bool:
    """A bid, request or question counts when it arrives before the deadline, not at it."""
    return received_at < deadline


def require_in_time(
    received_at: datetime, deadline: datetime | None, message: str, zone: str
) -> None:
    if deadline is None:
        raise DomainError(N_("No deadline has been set yet"))
    if not received_in_time(received_at, deadline):
        raise DomainError(
            message, deadline=local_text(deadline, zone), received=local_text(received_at, zone)
        )


def local_text(moment: datetime, zone: str) -> str:
    """A UTC moment as the authority's wall-clock time, e.g. ``2026-03-01 12:00:00 (CET)``."""
    local = utc_to_local(moment, zone)
    return f"{local:%Y-%m-%d %H:%M:%S} ({local.tzname()})"


def contract_kind(procedure: str, cpv_codes: str) -> str:
    """Which EU threshold a contract is held against: "social_services" under the light
    regime, "works" when its main CPV code (the first) is in division 45 (construction
    work), else "supplies_services"."""
    if procedure == LIGHT_REGIME.code:
        return "social_services"
    main = next((code.strip() for code in cpv_codes.split(",") if code.strip()), "")
    return "works" if main.startswith("45") else "supplies_services"


def above_thresholds(
    country: str, row: Mapping[str, Any], lot_values: Sequence[Decimal | None]
) -> bool:
    """Whether the tender (a row with its procedure, CPV codes, currency and estimated value)
    reaches the EU threshold for its kind of contract, its lots together (art. 5), where the
    jurisdiction's standstill and remedies depend on it (Poland: Pzp art. 264 or 308)."""
    value = contract_value(row["estimated_value"], lot_values)
    kind = contract_kind(row["procedure"], row["cpv_codes"] or "")
    return jurisdiction_for(country).above_thresholds(value, row["currency"], kind)


def standstill_end(
    sent_at: datetime,
    days: int,
    zone: str,
    country: str,
    electronic: bool = True,
    above_thresholds: bool = True,
) -> datetime:
    """The moment the standstill period ends: at the end of its last day, ``days`` calendar days
    after the day the decisions were sent (local calendar), or the law's period for the case
    where longer (``electronic``: whether every decision went out electronically, 15 days
    otherwise in Sweden; ``above_thresholds``: the contract's value against the EU thresholds,
    5 days below them in Poland), counted by the calendar of the authority's jurisdiction (in
    the Netherlands the Algemene termijnenwet's roll-forward)."""
    sent_on = utc_to_local(sent_at, zone).date()
    law = jurisdiction_for(country)
    last = law.standstill_last_day(sent_on, days, electronic, above_thresholds=above_thresholds)
    return local_to_utc(last + timedelta(days=1), time(0, 0), zone)


def standstill_last_day(ends_at: datetime, zone: str) -> date:
    return utc_to_local(ends_at, zone).date() - timedelta(days=1)


# --- award ----------------------------------------------------------------------------------


MAX_ADVANTAGES = 4000


def require_advantages(text: str, ranked: bool) -> str:
    """The officer's description of the winning bid's characteristics and relative
    advantages, tidied; required where bids are ranked (the rejections give it)."""
    described = "\n".join(line.strip() for line in (text or "").strip().splitlines())
    if ranked and not described:
        raise ValidationFailed(
            [
                Problem(
                    N_(
                        "Describe the characteristics and relative advantages of the winning "
                        "bid(s): "
                        "every rejection letter gives them"
                    ),
                    {},
                    "advantages",
                )
            ]
        )
    if len(described) > MAX_ADVANTAGES:
        raise ValidationFailed(
            [
                Problem(
                    N_("The text is longer than {limit} characters"),
                    {"limit": MAX_ADVANTAGES},
                    "advantages",
                )
            ]
        )
    return described


@dataclass(frozen=True)
class AwardChoice:
    winners: tuple[str, ...]
    deviates: bool
    reason: str


def choose_winners(
    ranked: Sequence[str],
    knocked_out: Sequence[str],
    chosen: Sequence[str],
    expected: int,
    reason: str,
) -> AwardChoice:
    """Winners chosen from a ranking (refs best first). Choosing other than the top
    ``expected`` valid bids is a deviation and needs a reason."""
    problems = ProblemCollector()
    chosen = list(dict.fromkeys(chosen))
    if not chosen:
        problems.add("winners", N_("Choose at least one winner"))
    for ref in chosen:
        if ref in knocked_out:
            problems.add("winners", N_("{ref} was knocked out and cannot win"), ref=ref)
        elif ref not in ranked:
            problems.add("winners", N_("{ref} is not in the ranking"), ref=ref)
    valid = [ref for ref in ranked if ref not in knocked_out]
    top = valid[:expected]
    deviates = sorted(chosen) != sorted(top)
    reason = (reason or "").strip()
    if deviates and not reason:
        problems.add("reason", N_("The choice deviates from the ranking; give the reason"))
    problems.raise_if_any()
    return AwardChoice(tuple(chosen), deviates, reason)


# --- selection ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """One exclusion ground or suitability requirement for one candidate: pass or fail."""

    requirement: str
    passed: bool
    note: str = ""


@dataclass(frozen=True)
class SelectionDecision:
    admitted: bool
    reason: str
    failed: tuple[str, ...] = field(default_factory=tuple)


def decide_selection(
    assessments: Sequence[Assessment], admit: bool, reason: str
) -> SelectionDecision:
    """A candidate is admitted only when every requirement passes; a rejection needs a reason."""
    failed = tuple(a.requirement for a in assessments if not a.passed)
    reason = (reason or "").strip()
    if admit and failed:
        raise DomainError(
            N_("A candidate who fails {requirements} cannot be admitted"),
            requirements=", ".join(failed),
        )
    if not admit and not reason:
        raise DomainError(N_("Give the reason for not admitting the candidate"))
    return SelectionDecision(admit, reason, failed)


def require_reason(raw: Any) -> str:
    reason = str(raw or "").strip()
    if not reason:
        raise DomainError(N_("Give a reason"))
    if len(reason) > 2000:
        raise DomainError(N_("The reason is longer than {limit} characters"), limit=2000)
    return reason
