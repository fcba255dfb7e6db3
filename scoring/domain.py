"""Evaluations, subjects, declarations and scores: the rules, without storage or web.

An evaluation goes through phases:

``criteria``       the officer builds the criteria tree; evaluators may already declare;
``scoring``        the tree is frozen (version N); evaluators score and submit their sheets;
``quality_final``  the lead officer closed the quality evaluation: every sheet submitted, every
                   flagged pair settled by consensus; blind names show; with two envelopes
                   two different officers then open the sealed prices (``scoring.envelope``);
``complete``       the ranking is confirmed; its lottery draws are on record.

Reopening the criteria (with a reason) goes back to ``criteria`` with version N+1; once sealed
prices have been opened that is refused.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from common.errors import DomainError, Problem, ProblemCollector, ValidationFailed
from common.fields import flag
from common.i18n import N_
from common.money import CURRENCIES, MAX_AMOUNT
from common.numbers import parse_number
from common.paths import is_local_path
from scoring.criteria import JUSTIFIED_KINDS, Criterion, Kind, plain
from scoring.ranking import AGGREGATIONS, MEAN

MAX_TITLE = 200
MAX_REF = 200
MAX_NAME = 300
MAX_CODE = 20
MAX_URL = 500
MAX_JUSTIFICATION = 10000
MAX_WINNERS = 10000
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no look-alikes (0/O, 1/I, 5/S, 8/B)
CODE_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")


class Phase(StrEnum):
    CRITERIA = "criteria"
    SCORING = "scoring"
    QUALITY_FINAL = "quality_final"
    COMPLETE = "complete"


PHASE_LABELS: dict[Phase, str] = {
    Phase.CRITERIA: N_("Criteria being set"),
    Phase.SCORING: N_("Scoring"),
    Phase.QUALITY_FINAL: N_("Quality final"),
    Phase.COMPLETE: N_("Ranking confirmed"),
}


def phase_of(frozen: bool, quality_final: bool, confirmed: bool) -> Phase:
    if confirmed:
        return Phase.COMPLETE
    if quality_final:
        return Phase.QUALITY_FINAL
    return Phase.SCORING if frozen else Phase.CRITERIA


def names_hidden(blind: bool, quality_final: bool) -> bool:
    """In a blind evaluation the scoring pages show subjects by code until quality is final."""
    return blind and not quality_final


# --- evaluations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """What the owner or the lead officer chooses per evaluation."""

    blind: bool = False
    two_envelope: bool = False
    aggregation: str = MEAN
    spread_limit: Decimal | None = None  # percent of the scale's top score
    winners: int = 1
    total_points: Decimal = Decimal(100)
    min_total_quality: Decimal | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _decimal(
    problems: ProblemCollector, form: Mapping[str, Any], name: str, low: Decimal, high: Decimal
) -> Decimal | None:
    raw = form.get(name)
    try:
        value = parse_number(raw)
    except DomainError as exc:
        problems.add(name, exc.problem.message, **exc.problem.params)
        return None
    if value is None:
        return None
    if not low <= value <= high:
        problems.add(
            name, N_("Enter a number from {low} to {high}"), low=plain(low), high=plain(high)
        )
    elif value != value.quantize(Decimal("0.01")):
        problems.add(name, N_("{value} has more than two decimals"), value=plain(value))
    return value


def validate_options(
    form: Mapping[str, Any],
    problems: ProblemCollector | None = None,
) -> Options:
    """The options as given; every problem goes into ``problems`` (raised here when the
    caller gave none). An empty collector is falsy, so it is told apart by ``is None``."""
    own = problems is None
    if problems is None:
        problems = ProblemCollector()
    aggregation = str(form.get("aggregation") or MEAN)
    if aggregation not in AGGREGATIONS:
        problems.add("aggregation", N_("Choose one of {allowed}"), allowed=", ".join(AGGREGATIONS))
    spread = _decimal(problems, form, "spread_limit", Decimal(0), Decimal(100))
    winners_raw = form.get("winners")
    winners = 1
    if winners_raw not in (None, ""):
        try:
            winners = int(str(winners_raw))
        except ValueError:
            problems.add("winners", N_("Enter a whole number"))
        else:
            if not 1 <= winners <= MAX_WINNERS:
                problems.add(
                    "winners", N_("Enter a number from {low} to {high}"), low=1, high=MAX_WINNERS
                )
    total = _decimal(problems, form, "total_points", Decimal("0.01"), Decimal(100000))
    min_quality = _decimal(problems, form, "min_total_quality", Decimal(0), Decimal(100000))
    if own:
        problems.raise_if_any()
    return Options(
        flag(form.get("blind")),
        flag(form.get("two_envelope")),
        aggregation,
        spread,
        winners,
        total if total is not None else Decimal(100),
        min_quality,
    )


@dataclass(frozen=True)
class EvaluationData:
    title: str
    currency: str
    owner_ref: str
    owner_url: str
    options: Options
    lottery_seed: str


def new_seed() -> str:
    return secrets.token_hex(8)


def validate_evaluation(form: Mapping[str, Any]) -> EvaluationData:
    problems = ProblemCollector()
    title = str(form.get("title") or "").strip()
    if not title:
        problems.add("title", N_("A title is required"))
    elif len(title) > MAX_TITLE:
        problems.add("title", N_("The title is longer than {limit} characters"), limit=MAX_TITLE)
    currency = str(form.get("currency") or "").strip().upper()
    if currency not in CURRENCIES:
        problems.add(
            "currency", N_("Choose one of the currencies {allowed}"), allowed=", ".join(CURRENCIES)
        )
    owner_ref = str(form.get("owner_ref") or "").strip()
    if len(owner_ref) > MAX_REF:
        problems.add(
            "owner_ref", N_("The reference is longer than {limit} characters"), limit=MAX_REF
        )
    owner_url = str(form.get("owner_url") or "").strip()
    if owner_url and not is_local_path(owner_url, MAX_URL):
        problems.add("owner_url", N_("Give a path on this site, such as /tenders/12"))
    seed = str(form.get("lottery_seed") or "").strip() or new_seed()
    if len(seed) > 64:
        problems.add("lottery_seed", N_("The seed is longer than {limit} characters"), limit=64)
    options = validate_options(form, problems)
    problems.raise_if_any()
    return EvaluationData(title, currency, owner_ref, owner_url, options, seed)


# --- subjects -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SubjectData:
    ref: str
    name: str
    code: str | None = None  # None: keep the stored one, or generate one


def validate_subjects(items: list[Mapping[str, Any]]) -> list[SubjectData]:
    """Subjects as an owner registers them; problems located as ``subjects[3].name``."""
    problems = ProblemCollector()
    result: list[SubjectData] = []
    refs: set[str] = set()
    codes: set[str] = set()
    for index, item in enumerate(items):
        at = f"subjects[{index}]"
        ref = str(item.get("ref") or "").strip()
        name = str(item.get("name") or "").strip()
        code = str(item.get("code") or "").strip() or None
        if not ref:
            problems.add(f"{at}.ref", N_("A reference is required"))
        elif len(ref) > MAX_REF:
            problems.add(
                f"{at}.ref", N_("The reference is longer than {limit} characters"), limit=MAX_REF
            )
        elif ref in refs:
            problems.add(f"{at}.ref", N_("The reference {ref} is given twice"), ref=ref)
        if not name:
            problems.add(f"{at}.name", N_("A name is required"))
        elif len(name) > MAX_NAME:
            problems.add(
                f"{at}.name", N_("The name is longer than {limit} characters"), limit=MAX_NAME
            )
        if code is not None:
            if len(code) > MAX_CODE or not set(code) <= CODE_CHARACTERS:
                problems.add(
                    f"{at}.code",
                    N_("A code has at most {limit} letters, digits, dashes, dots or underscores"),
                    limit=MAX_CODE,
                )
            elif code.upper() in codes:
                problems.add(f"{at}.code", N_("The code {code} is given twice"), code=code)
            codes.add(code.upper())
        refs.add(ref)
        result.append(SubjectData(ref, name, code))
    problems.raise_if_any()
    return result


def generate_code(taken: Collection[str]) -> str:
    """A short random code (``K7QF``) for blind evaluation, unlike any taken one."""
    upper = {code.upper() for code in taken}
    length = 4
    while True:
        for _ in range(50):
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
            if code not in upper:
                return code
        length += 1


def validate_price(raw: Any, location: str = "price") -> Decimal | None:
    """A price (None or empty removes it): above 0, at most two decimals."""
    try:
        value = parse_number(raw)
    except DomainError as exc:
        raise ValidationFailed(
            [Problem(exc.problem.message, exc.problem.params, location)]
        ) from None
    if value is None:
        return None
    message = None
    if value <= 0:
        message = N_("A price must be above 0")
    elif value > MAX_AMOUNT:
        message = N_("{value} is above the maximum amount")
    elif value != value.quantize(Decimal("0.01")):
        message = N_("{value} has more than two decimals")
    if message:
        raise ValidationFailed([Problem(message, {"value": plain(value)}, location)])
    return value.quantize(Decimal("0.01"))


def validate_reason(raw: Any, location: str = "reason") -> str:
    reason = str(raw or "").strip()
    if not reason:
        raise ValidationFailed([Problem(N_("Give a reason"), {}, location)])
    if len(reason) > 2000:
        raise ValidationFailed(
            [Problem(N_("The reason is longer than {limit} characters"), {"limit": 2000}, location)]
        )
    return reason


# --- declarations and scores ----------------------------------------------------------------


@dataclass(frozen=True)
class DeclarationData:
    subject_id: int
    conflict: bool
    note: str


def validate_declaration(
    subject_id: int, answer: Any, note: Any, location: str
) -> DeclarationData | None:
    """``answer`` is "none" (no conflict), "conflict", or empty (not answered yet)."""
    answer = str(answer or "")
    note = str(note or "").strip()
    if answer == "":
        return None
    if answer not in ("none", "conflict"):
        raise ValidationFailed([Problem(N_("Answer no conflict or conflict"), {}, location)])
    if answer == "conflict" and not note:
        raise ValidationFailed([Problem(N_("Describe the conflict of interest"), {}, location)])
    if len(note) > 2000:
        raise ValidationFailed(
            [Problem(N_("The note is longer than {limit} characters"), {"limit": 2000}, location)]
        )
    return DeclarationData(subject_id, answer == "conflict", note)


def check_score(
    criterion: Criterion, raw_value: Any, justification: Any, location: str
) -> tuple[Decimal | None, str]:
    """A score as typed, checked against the criterion's scale (None: left empty).

    The justification may still be empty in a draft; :func:`sheet_gaps` asks for it at submit.
    """
    scale = criterion.effective_scale
    assert scale is not None
    text = str(justification or "").strip()
    if len(text) > MAX_JUSTIFICATION:
        raise ValidationFailed(
            [
                Problem(
                    N_("The justification is longer than {limit} characters"),
                    {"limit": MAX_JUSTIFICATION},
                    location,
                )
            ]
        )
    try:
        value = parse_number(raw_value)
    except DomainError as exc:
        raise ValidationFailed(
            [Problem(exc.problem.message, exc.problem.params, location)]
        ) from None
    if value is None:
        return None, text
    problem = scale.problem_with(value)
    if problem is not None:
        raise ValidationFailed([Problem(problem.message, problem.params, location)])
    return value, text


def needs_justification(criterion: Criterion, value: Decimal | None) -> bool:
    """Quality and value scores always; a pass/fail score when it fails."""
    return criterion.kind in JUSTIFIED_KINDS or (
        criterion.kind is Kind.PASS_FAIL and value is not None and value < 1
    )


def sheet_gaps(
    subjects: list[tuple[int, str]],
    criteria: list[Criterion],
    scores: Mapping[tuple[int, int], tuple[Decimal, str]],
) -> list[Problem]:
    """What stops a sheet from being submitted, one problem per subject and criterion."""
    problems: list[Problem] = []
    for subject_id, label in subjects:
        for criterion in criteria:
            found = scores.get((subject_id, criterion.id))
            location = f"{label} · {criterion.name}"
            if found is None or found[0] is None:
                problems.append(Problem(N_("No score yet"), {}, location))
            elif needs_justification(criterion, found[0]) and not found[1]:
                problems.append(Problem(N_("A justification is required"), {}, location))
    return problems


def check_consensus(
    criterion: Criterion, raw_value: Any, justification: Any
) -> tuple[Decimal, str]:
    value, text = check_score(criterion, raw_value, justification, "value")
    problems = ProblemCollector()
    if value is None:
        problems.add("value", N_("Enter the consensus score"))
    if not text:
        problems.add("justification", N_("A justification is required"))
    problems.raise_if_any()
    assert value is not None
    return value, text
