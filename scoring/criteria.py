"""The criteria tree of an evaluation: kinds, scales, price formulas and their validation.

Pure Python. A criterion carries a weight in points (a ``value`` criterion: the largest amount of
money it can deduct from the price). Evaluators score the leaves of kinds ``quality``,
``pass_fail`` and ``value`` on the criterion's scale; a ``price`` criterion is computed by its
formula. A leaf's points are ``weight × score / scale maximum``; a parent's points are the sum of
its sub-criteria's. Every problem is reported with the criterion it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from common.errors import DomainError, Problem, ProblemCollector, ValidationFailed
from common.i18n import N_
from common.numbers import parse_number, plain

MAX_POINTS = Decimal("100000")
MAX_SCALE = Decimal("1000")
MAX_NAME = 200
MAX_LEVELS = 20


class Kind(StrEnum):
    QUALITY = "quality"
    PRICE = "price"
    PASS_FAIL = "pass_fail"  # noqa: S105 - a kind of criterion, not a password
    VALUE = "value"


KIND_LABELS: dict[Kind, str] = {
    Kind.QUALITY: N_("Quality"),
    Kind.PRICE: N_("Price"),
    Kind.PASS_FAIL: N_("Pass or fail"),
    Kind.VALUE: N_("Value (money)"),
}

SCORED_KINDS = frozenset({Kind.QUALITY, Kind.PASS_FAIL, Kind.VALUE})
JUSTIFIED_KINDS = frozenset({Kind.QUALITY, Kind.VALUE})


class Formula(StrEnum):
    RELATIVE_LOWEST = "relative_lowest"
    LINEAR_FIXED = "linear_fixed"
    LINEAR_BIDS = "linear_bids"
    VALUE_BASED = "value_based"
    PRICE_PER_QUALITY = "price_per_quality"


FORMULA_LABELS: dict[Formula, str] = {
    Formula.RELATIVE_LOWEST: N_("Relative to the lowest price: WP × Pmin / P"),
    Formula.LINEAR_FIXED: N_(
        "Linear between fixed bounds: WP × (Pmax − P) / (Pmax − Pmin), within 0 and WP"
    ),
    Formula.LINEAR_BIDS: N_(
        "Linear between the lowest and the highest price: WP × (Pmax − P) / (Pmax − Pmin)"
    ),
    Formula.VALUE_BASED: N_(
        "Value-based: fictitious price = P − Σ quality value; the lowest fictitious price wins"
    ),
    Formula.PRICE_PER_QUALITY: N_("Price per quality point: P / Q; the lowest wins"),
}

# Formulas that award price points added to quality points (higher total wins).
POINT_FORMULAS = frozenset({Formula.RELATIVE_LOWEST, Formula.LINEAR_FIXED, Formula.LINEAR_BIDS})
# Formulas in which one subject's points depend on the prices of the others.
RELATIVE_FORMULAS = frozenset({Formula.RELATIVE_LOWEST, Formula.LINEAR_BIDS})

PASS = Decimal(1)
FAIL = Decimal(0)


@dataclass(frozen=True)
class Level:
    value: Decimal
    label: str


@dataclass(frozen=True)
class Scale:
    """Numbers from ``minimum`` to ``maximum`` in steps of ``step``, or named levels."""

    minimum: Decimal = Decimal(0)
    maximum: Decimal = Decimal(10)
    step: Decimal = Decimal(1)
    levels: tuple[Level, ...] = ()

    @property
    def has_levels(self) -> bool:
        return bool(self.levels)

    @property
    def top(self) -> Decimal:
        """The highest score on the scale: full points."""
        return max(level.value for level in self.levels) if self.levels else self.maximum

    def label_of(self, value: Decimal) -> str | None:
        for level in self.levels:
            if level.value == value:
                return level.label
        return None

    def problem_with(self, value: Decimal) -> Problem | None:
        """Why ``value`` is not on this scale, or None when it is."""
        if self.levels:
            if any(level.value == value for level in self.levels):
                return None
            return Problem(
                N_("{value} is not one of the levels {allowed}"),
                {
                    "value": plain(value),
                    "allowed": ", ".join(plain(lv.value) for lv in self.levels),
                },
            )
        if value < self.minimum:
            return Problem(
                N_("{value} is below the minimum {minimum}"),
                {"value": plain(value), "minimum": plain(self.minimum)},
            )
        if value > self.maximum:
            return Problem(
                N_("{value} is above the maximum {maximum}"),
                {"value": plain(value), "maximum": plain(self.maximum)},
            )
        if (value - self.minimum) % self.step != 0:
            return Problem(
                N_("{value} is not in steps of {step} from {minimum}"),
                {"value": plain(value), "step": plain(self.step), "minimum": plain(self.minimum)},
            )
        return None

    def as_dict(self) -> dict[str, Any]:
        if self.levels:
            return {"levels": [{"value": plain(lv.value), "label": lv.label} for lv in self.levels]}
        return {
            "minimum": plain(self.minimum),
            "maximum": plain(self.maximum),
            "step": plain(self.step),
        }


PASS_FAIL_SCALE = Scale(levels=(Level(FAIL, N_("Fail")), Level(PASS, N_("Pass"))))


@dataclass(frozen=True)
class Criterion:
    """One node of the tree. ``id`` is the stored id (negative for not-yet-stored nodes)."""

    id: int
    name: str
    kind: Kind
    weight: Decimal
    parent_id: int | None = None
    position: int = 0
    description: str = ""
    scale: Scale | None = None
    minimum: Decimal | None = None
    formula: Formula | None = None
    low: Decimal | None = None  # Pmin of a linear formula with fixed bounds
    high: Decimal | None = None  # Pmax of a linear formula with fixed bounds

    @property
    def effective_scale(self) -> Scale | None:
        return PASS_FAIL_SCALE if self.kind is Kind.PASS_FAIL else self.scale

    def as_dict(self) -> dict[str, Any]:
        """A plain view for audit events and the API."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind.value,
            "weight": plain(self.weight),
            "parent_id": self.parent_id,
            "position": self.position,
            "description": self.description,
            "scale": self.scale.as_dict() if self.scale else None,
            "minimum": plain(self.minimum) if self.minimum is not None else None,
            "formula": self.formula.value if self.formula else None,
            "low": plain(self.low) if self.low is not None else None,
            "high": plain(self.high) if self.high is not None else None,
        }


@dataclass
class Tree:
    """The criteria of one evaluation with the lookups every rule needs."""

    criteria: Sequence[Criterion]
    by_id: dict[int, Criterion] = field(init=False)
    children: dict[int | None, list[Criterion]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_id = {c.id: c for c in self.criteria}
        self.children = {}
        for criterion in sorted(self.criteria, key=lambda c: (c.position, c.id)):
            self.children.setdefault(criterion.parent_id, []).append(criterion)

    def ordered(self) -> list[Criterion]:
        """Depth first, each parent before its sub-criteria, in position order."""
        result: list[Criterion] = []

        def walk(parent: int | None) -> None:
            for child in self.children.get(parent, []):
                result.append(child)
                walk(child.id)

        walk(None)
        return result

    def is_leaf(self, criterion: Criterion) -> bool:
        return not self.children.get(criterion.id)

    def scored(self) -> list[Criterion]:
        """The leaves evaluators score, in display order."""
        return [c for c in self.ordered() if c.kind in SCORED_KINDS and self.is_leaf(c)]

    def price(self) -> Criterion | None:
        return next((c for c in self.criteria if c.kind is Kind.PRICE), None)

    def leaves_under(self, criterion: Criterion) -> list[Criterion]:
        if self.is_leaf(criterion):
            return [criterion]
        return [leaf for child in self.children[criterion.id] for leaf in self.leaves_under(child)]

    def depth(self, criterion: Criterion) -> int:
        depth, parent = 0, criterion.parent_id
        while parent is not None and parent in self.by_id and depth <= len(self.criteria):
            depth += 1
            parent = self.by_id[parent].parent_id
        return depth


# --- reading what officers type -------------------------------------------------------------


def _number(
    problems: ProblemCollector,
    form: Mapping[str, Any],
    name: str,
    required: bool = False,
    minimum: Decimal = Decimal(0),
    maximum: Decimal = MAX_POINTS,
) -> Decimal | None:
    raw = form.get(name)
    try:
        value = parse_number(raw)
    except DomainError as exc:
        problems.add(name, exc.problem.message, **exc.problem.params)
        return None
    if value is None:
        if required:
            problems.add(name, N_("Enter a number"))
        return None
    if value < minimum:
        problems.add(
            name,
            N_("{value} is below the minimum {minimum}"),
            value=plain(value),
            minimum=plain(minimum),
        )
    elif value > maximum:
        problems.add(
            name,
            N_("{value} is above the maximum {maximum}"),
            value=plain(value),
            maximum=plain(maximum),
        )
    elif value != value.quantize(Decimal("0.01")):
        problems.add(name, N_("{value} has more than two decimals"), value=plain(value))
    return value


def parse_levels(raw: Any) -> list[tuple[Any, Any]]:
    """Levels as given: a list of {value, label} or lines such as ``6 = sufficient``."""
    if isinstance(raw, list | tuple):
        return [
            (item.get("value"), item.get("label")) if isinstance(item, Mapping) else (item, "")
            for item in raw
        ]
    pairs = []
    for line in str(raw or "").splitlines():
        if not line.strip():
            continue
        value, _, label = line.partition("=")
        pairs.append((value.strip(), label.strip()))
    return pairs


def _scale(problems: ProblemCollector, form: Mapping[str, Any]) -> Scale | None:
    """The scale entered, or None when none was (a parent criterion needs none)."""
    levels_given = str(form.get("scale_type") or "range") == "levels"
    fields = ("levels",) if levels_given else ("scale_min", "scale_max", "scale_step")
    if all(form.get(name) in (None, "", []) for name in fields):
        return None
    if levels_given:
        pairs = parse_levels(form.get("levels"))
        levels: list[Level] = []
        for number, (raw_value, label) in enumerate(pairs, start=1):
            try:
                value = parse_number(raw_value)
            except DomainError:
                value = None
            if value is None or value < 0 or value > MAX_SCALE:
                problems.add(
                    "levels",
                    N_("Level {number}: {value} is not a score from 0 to {maximum}"),
                    number=number,
                    value=str(raw_value),
                    maximum=plain(MAX_SCALE),
                )
                continue
            if not str(label or "").strip():
                problems.add("levels", N_("Level {number} needs a name"), number=number)
                continue
            levels.append(Level(value, str(label).strip()[:MAX_NAME]))
        if len(pairs) < 2:
            problems.add(
                "levels",
                N_("A scale needs at least two levels, one per line, such as 6 = sufficient"),
            )
        elif len(pairs) > MAX_LEVELS:
            problems.add("levels", N_("A scale has at most {limit} levels"), limit=MAX_LEVELS)
        values = [level.value for level in levels]
        if len(set(values)) != len(values):
            problems.add("levels", N_("Two levels have the same score"))
        if levels and max(values) <= 0:
            problems.add("levels", N_("The highest level must be above 0"))
        ordered = tuple(sorted(levels, key=lambda level: level.value))
        return Scale(levels=ordered)
    before = len(problems.problems)
    low = _number(problems, form, "scale_min", required=True, maximum=MAX_SCALE)
    high = _number(problems, form, "scale_max", required=True, maximum=MAX_SCALE)
    step = _number(problems, form, "scale_step", required=True, maximum=MAX_SCALE)
    if len(problems.problems) > before or low is None or high is None or step is None:
        return None
    if high <= low:
        problems.add(
            "scale_max",
            N_("The maximum {maximum} must be above the minimum {minimum}"),
            maximum=plain(high),
            minimum=plain(low),
        )
        return None
    if step <= 0:
        problems.add("scale_step", N_("The step must be above 0"))
        return None
    if (high - low) % step != 0:
        problems.add(
            "scale_step",
            N_("Steps of {step} from {minimum} do not reach {maximum}"),
            step=plain(step),
            minimum=plain(low),
            maximum=plain(high),
        )
        return None
    return Scale(low, high, step)


def parse_criterion(form: Mapping[str, Any], criterion_id: int = -1) -> Criterion:
    """A criterion as an officer entered it (page form or API); problems name their field."""
    problems = ProblemCollector()
    name = str(form.get("name") or "").strip()
    if not name:
        problems.add("name", N_("A name is required"))
    elif len(name) > MAX_NAME:
        problems.add("name", N_("The name is longer than {limit} characters"), limit=MAX_NAME)
    kind_raw = str(form.get("kind") or "")
    kind = Kind(kind_raw) if kind_raw in Kind.__members__.values() else None
    if kind is None:
        problems.add(
            "kind",
            N_("Choose one of the kinds {allowed}"),
            allowed=", ".join(k.value for k in Kind),
        )
    weight = _number(problems, form, "weight", required=kind is not Kind.PASS_FAIL)
    parent_raw = form.get("parent_id")
    parent_id: int | None = None
    if parent_raw not in (None, ""):
        try:
            parent_id = int(str(parent_raw))
        except ValueError:
            problems.add("parent_id", N_("{value} is not a criterion"), value=str(parent_raw))
    try:
        position = int(str(form.get("position") or 0))
    except ValueError:
        position = 0
    minimum = _number(problems, form, "minimum")
    scale = _scale(problems, form) if kind in (Kind.QUALITY, Kind.VALUE) else None
    formula: Formula | None = None
    low = high = None
    if kind is Kind.PRICE:
        formula_raw = str(form.get("formula") or "")
        if formula_raw in Formula.__members__.values():
            formula = Formula(formula_raw)
        else:
            problems.add(
                "formula",
                N_("A price criterion needs one of the formulas {allowed}"),
                allowed=", ".join(f.value for f in Formula),
            )
        if formula is Formula.LINEAR_FIXED:
            low = _number(problems, form, "low", required=True, maximum=Decimal("999999999999"))
            high = _number(problems, form, "high", required=True, maximum=Decimal("999999999999"))
    description = str(form.get("description") or "").strip()[:4000]
    problems.raise_if_any()
    assert kind is not None
    return Criterion(
        criterion_id,
        name,
        kind,
        weight if weight is not None else Decimal(0),
        parent_id,
        position,
        description,
        scale,
        minimum,
        formula,
        low,
        high,
    )


# --- the whole tree -------------------------------------------------------------------------


def points_total(tree: Tree) -> Decimal:
    """The points the top-level criteria give together (value criteria count in money)."""
    return sum(
        (
            c.weight
            for c in tree.children.get(None, [])
            if c.kind is Kind.QUALITY or (c.kind is Kind.PRICE and c.formula in POINT_FORMULAS)
        ),
        Decimal(0),
    )


def quality_total(tree: Tree) -> Decimal:
    return sum(
        (c.weight for c in tree.children.get(None, []) if c.kind is Kind.QUALITY), Decimal(0)
    )


def _check_node(tree: Tree, c: Criterion, add: Any, sums: bool = True) -> None:
    if c.parent_id is not None:
        parent = tree.by_id.get(c.parent_id)
        if parent is None:
            add(N_("its parent criterion does not exist"))
        elif parent.parent_id is not None:
            add(N_("sub-criteria cannot have sub-criteria of their own"))
        elif parent.kind not in (Kind.QUALITY, Kind.VALUE):
            add(N_("only quality and value criteria can have sub-criteria"))
        elif parent.kind is not c.kind:
            add(N_("a sub-criterion must be of the same kind as {parent}"), parent=parent.name)
    leaf = tree.is_leaf(c)
    if c.kind in (Kind.QUALITY, Kind.VALUE) and c.weight <= 0:
        add(N_("the weight must be above 0"))
    if c.kind is Kind.PASS_FAIL:
        if c.weight != 0:
            add(N_("a pass or fail criterion gives no points; set its weight to 0"))
        if c.minimum is not None:
            add(N_("a pass or fail criterion has no minimum score"))
    if c.kind in (Kind.QUALITY, Kind.VALUE) and leaf and c.scale is None:
        add(N_("a scored criterion needs a scale"))
    if c.minimum is not None:
        if c.kind is Kind.PRICE:
            add(N_("a price criterion has no minimum score"))
        elif c.minimum > c.weight:
            add(
                N_("the minimum {minimum} is above the weight {weight}"),
                minimum=plain(c.minimum),
                weight=plain(c.weight),
            )
    if sums and not leaf:
        total = sum((child.weight for child in tree.children[c.id]), Decimal(0))
        if total != c.weight:
            add(
                N_("its sub-criteria add up to {total}, not to its weight {weight}"),
                total=plain(total),
                weight=plain(c.weight),
            )
    if c.kind is Kind.PRICE:
        _check_price(c, add)


def _check_price(c: Criterion, add: Any) -> None:
    if c.formula is None:
        add(N_("a price criterion needs a formula"))
        return
    if c.formula in POINT_FORMULAS and c.weight <= 0:
        add(N_("the weight must be above 0"))
    if c.formula not in POINT_FORMULAS and c.weight != 0:
        add(N_("the formula gives no points; set the weight to 0"))
    if c.formula is Formula.LINEAR_FIXED:
        if c.low is None or c.high is None:
            add(N_("a linear formula with fixed bounds needs the lowest and highest price"))
        elif c.high <= c.low:
            add(
                N_("the highest price {high} must be above the lowest price {low}"),
                high=plain(c.high),
                low=plain(c.low),
            )


def validate_tree(
    criteria: Sequence[Criterion], total_points: Decimal, min_total_quality: Decimal | None = None
) -> Tree:
    """Check the whole tree before scoring starts; every problem names its criterion."""
    tree = Tree(criteria)
    problems: list[Problem] = []

    def at(criterion: Criterion) -> Any:
        def add(message: str, **params: Any) -> None:
            problems.append(Problem(message, params, criterion.name or f"#{criterion.id}"))

        return add

    if not criteria:
        raise ValidationFailed([Problem(N_("Add at least one criterion"), {}, "criteria")])
    names = [c.name.strip().lower() for c in criteria]
    for c in criteria:
        if names.count(c.name.strip().lower()) > 1:
            at(c)(N_("two criteria have this name"))
        _check_node(tree, c, at(c))
    prices = [c for c in criteria if c.kind is Kind.PRICE]
    if len(prices) > 1:
        problems.append(
            Problem(N_("An evaluation has at most one price criterion"), {}, "criteria")
        )
    formula = prices[0].formula if prices else None
    if any(c.kind is Kind.VALUE for c in criteria) and formula is not Formula.VALUE_BASED:
        problems.append(
            Problem(
                N_("Value criteria need a price criterion with the value-based formula"),
                {},
                "criteria",
            )
        )
    if formula is Formula.PRICE_PER_QUALITY and quality_total(tree) <= 0:
        problems.append(
            Problem(N_("Price per quality point needs quality criteria"), {}, "criteria")
        )
    given = points_total(tree)
    if given != total_points:
        problems.append(
            Problem(
                N_("The weights add up to {given} points, not to the stated total of {total}"),
                {"given": plain(given), "total": plain(total_points)},
                "criteria",
            )
        )
    if min_total_quality is not None and min_total_quality > quality_total(tree):
        problems.append(
            Problem(
                N_("The minimum total quality {minimum} is above the quality points {total}"),
                {"minimum": plain(min_total_quality), "total": plain(quality_total(tree))},
                "min_total_quality",
            )
        )
    if problems:
        raise ValidationFailed(problems)
    return tree


def check_node_alone(criterion: Criterion, existing: Iterable[Criterion]) -> None:
    """Rules one criterion can be held to while the tree is being built (page edits).

    The weights need not add up yet: that is checked when scoring opens.
    """
    others = [c for c in existing if c.id != criterion.id]
    tree = Tree([*others, criterion])
    problems: list[Problem] = []

    def add(message: str, **params: Any) -> None:
        problems.append(Problem(message, params, _FIELD_OF.get(message, "_")))

    _check_node(tree, criterion, add, sums=False)
    if any(c.name.strip().lower() == criterion.name.strip().lower() for c in others):
        problems.append(
            Problem(N_("A criterion named {name} already exists"), {"name": criterion.name}, "name")
        )
    if criterion.kind is Kind.PRICE and any(c.kind is Kind.PRICE for c in others):
        problems.append(Problem(N_("An evaluation has at most one price criterion"), {}, "kind"))
    if problems:
        raise ValidationFailed(problems)


_FIELD_OF = {
    N_("its parent criterion does not exist"): "parent_id",
    N_("sub-criteria cannot have sub-criteria of their own"): "parent_id",
    N_("only quality and value criteria can have sub-criteria"): "parent_id",
    N_("a sub-criterion must be of the same kind as {parent}"): "kind",
    N_("the weight must be above 0"): "weight",
    N_("a pass or fail criterion gives no points; set its weight to 0"): "weight",
    N_("a pass or fail criterion has no minimum score"): "minimum",
    N_("a scored criterion needs a scale"): "scale_type",
    N_("a price criterion has no minimum score"): "minimum",
    N_("the minimum {minimum} is above the weight {weight}"): "minimum",
    N_("a price criterion needs a formula"): "formula",
    N_("the formula gives no points; set the weight to 0"): "weight",
    N_("a linear formula with fixed bounds needs the lowest and highest price"): "low",
    N_("the highest price {high} must be above the lowest price {low}"): "high",
}


def parse_tree(items: Sequence[Mapping[str, Any]]) -> list[Criterion]:
    """A nested tree as given to the API (each item may have ``children``); ids are negative.

    Problems are located as ``criteria[2].children[0].weight``.
    """
    result: list[Criterion] = []
    problems: list[Problem] = []
    counter = iter(range(-1, -100000, -1))

    def walk(nodes: Sequence[Mapping[str, Any]], parent_id: int | None, path: str) -> None:
        for index, node in enumerate(nodes):
            here = f"{path}[{index}]"
            node_id = next(counter)
            try:
                criterion = parse_criterion({**node, "parent_id": None}, node_id)
            except ValidationFailed as exc:
                problems.extend(replace(p, location=f"{here}.{p.location}") for p in exc.problems)
            else:
                result.append(replace(criterion, parent_id=parent_id, position=index))
            walk(node.get("children") or [], node_id, f"{here}.children")

    walk(items, None, "criteria")
    if problems:
        raise ValidationFailed(problems)
    return result
