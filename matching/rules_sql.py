"""The fast form of each rule: the points of ``check()`` as a SQL expression over search rows.

Each function mirrors one rule in ``matching.rules`` branch for branch, with the same float
arithmetic in the same order and the points rounded to two decimals as ``check()`` rounds
them, so the database can rank every candidate and Python explains only the page shown.
``tests/matching/test_rules_sql.py`` proves the two forms agree on random catalogues.

An expression reads the columns of ``programs.ProgramSearch`` by name, and ``distance``:
the candidate's nearest site within the radius (NULL when it was found as virtual care).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    Expression,
    F,
    FloatField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Round
from django.db.models.lookups import GreaterThan

from matching.intake import Format, Goal, Intake
from matching.rules import GOAL_SERVICES, IntensityRule, Vocabulary
from programs.models import Condition
from programs.schedule import TimeOfDay
from programs.search import bands_mask, bit_flag, bits_by_rank, has_any, mask


@dataclass(frozen=True)
class SqlContext:
    """What every fast form needs besides the intake: term bits, today, the radius."""

    vocabulary: Vocabulary
    bits: dict[str, dict[int, int]]  # relation -> term id -> bit in the search table
    today: datetime.date

    @classmethod
    def load(cls, vocabulary: Vocabulary, today: datetime.date) -> SqlContext:
        # The vocabulary holds every term, so the bits come without a query.
        bits = {relation: bits_by_rank(terms) for relation, terms in vocabulary.terms.items()}
        return cls(vocabulary=vocabulary, bits=bits, today=today)

    def mask(self, relation: str, slugs: Iterable[str]) -> int:
        """The bits of the terms with these slugs (unknown slugs have none)."""
        wanted = set(slugs)
        return mask(
            self.bits[relation][pk]
            for pk, term in self.vocabulary.terms.get(relation, {}).items()
            if term.slug in wanted and pk in self.bits[relation]
        )

    def category_mask(self, category: str) -> int:
        return mask(
            self.bits["conditions"][pk]
            for pk, term in self.vocabulary.terms.get("conditions", {}).items()
            if term.category == category and pk in self.bits["conditions"]
        )


def _float(value: float) -> Value:
    return Value(float(value), output_field=FloatField())


def _points(weight: float, fraction: Expression) -> Expression:
    """``round(weight * fraction, 2)`` as ``rules._result`` computes it, as a float."""
    return Cast(Round(_float(weight) * fraction, 2), FloatField())


def _count_share(column: str, ctx: SqlContext, relation: str, slugs: Iterable[str]) -> Expression:
    """``len(have) / len(wanted)``: how many of the slugs the programme lists, as a share."""
    slugs = list(slugs)
    flags: Expression = Value(0)
    for slug in slugs:
        flags = flags + bit_flag(column, ctx.mask(relation, [slug]))
    return Cast(flags, FloatField()) / _float(len(slugs))


def _when(condition: Q, then: float, default: float) -> Expression:
    return Case(
        When(condition, then=_float(then)), default=_float(default), output_field=FloatField()
    )


def conditions_points(intake: Intake, ctx: SqlContext) -> Expression | None:
    if not intake.conditions:
        return None
    main, others = intake.conditions[0], intake.conditions[1:]
    main_share = 0.6 if not intake.substance_use else 0.5
    other_share = 0.4 if not intake.substance_use else 0.3
    has_main = has_any("conditions", ctx.mask("conditions", [main]))
    fraction: Expression = _when(has_main, main_share, 0.0)
    if others:
        flags: Expression = Value(0)
        for slug in others:
            flags = flags + bit_flag("conditions", ctx.mask("conditions", [slug]))
        # Python: fraction += other_share * len(covered) / len(others)
        fraction = fraction + (_float(other_share) * Cast(flags, FloatField())) / _float(
            len(others)
        )
    else:
        fraction = fraction + _when(has_main, other_share, 0.0)
    if intake.substance_use:
        both = has_any("conditions", ctx.category_mask(Condition.Category.CO_OCCURRING)) | (
            has_any("conditions", ctx.category_mask(Condition.Category.SUBSTANCE_USE))
            & has_any("conditions", ctx.category_mask(Condition.Category.MENTAL_HEALTH))
        )
        fraction = fraction + _when(both, 0.2, 0.0)
    return _points(35.0, _clamped(fraction))


def _clamped(fraction: Expression) -> Expression:
    """``max(0.0, min(1.0, fraction))``, as ``rules._result`` clamps."""
    return Case(
        When(Q(GreaterThan(fraction, 1.0)), then=_float(1.0)),
        default=fraction,
        output_field=FloatField(),
    )


def therapies_points(intake: Intake, ctx: SqlContext) -> Expression | None:
    if not intake.therapies:
        return None
    return _points(15.0, _count_share("modalities", ctx, "modalities", intake.therapies))


def goal_condition(goal: str, ctx: SqlContext) -> Q:
    """The search-row twin of ``rules.goal_met``."""
    if goal == Goal.KEEP_WORKING:
        return Q(virtual=True) | has_any(
            "schedule", bands_mask([TimeOfDay.EVENING, TimeOfDay.WEEKEND])
        )
    services = has_any("modalities", ctx.mask("modalities", GOAL_SERVICES.get(goal, ())))
    if goal == Goal.STEP_DOWN:
        return Q(offers_php=True) | services
    return services


def goals_points(intake: Intake, ctx: SqlContext) -> Expression | None:
    if not intake.goals:
        return None
    flags: Expression = Value(0)
    for goal in intake.goals:
        flags = flags + Case(When(goal_condition(goal, ctx), then=Value(1)), default=Value(0))
    return _points(10.0, Cast(flags, FloatField()) / _float(len(intake.goals)))


def schedule_points(intake: Intake, ctx: SqlContext) -> Expression | None:
    if not intake.availability:
        return None
    return Case(
        When(schedule=0, then=_points(15.0, _float(0.25))),
        When(has_any("schedule", bands_mask(intake.availability)), then=_points(15.0, _float(1.0))),
        default=_points(15.0, _float(0.0)),
        output_field=FloatField(),
    )


def distance_points(intake: Intake, ctx: SqlContext) -> Expression | None:
    virtual = _points(10.0, _float(1.0))
    if intake.format == Format.VIRTUAL:
        return virtual
    radius = _float(max(intake.radius, 1))
    # Python: 0.3 + 0.7 * (1.0 - distance / radius)
    trip = _float(0.3) + _float(0.7) * (_float(1.0) - F("distance") / radius)
    return Case(
        When(distance__isnull=False, then=_points(10.0, trip)),
        default=virtual,
        output_field=FloatField(),
    )


def insurance_points(intake: Intake, ctx: SqlContext) -> Expression | None:
    if not intake.insurance:
        return None
    plan = intake.insurance
    cases = [When(has_any("insurance", ctx.mask("insurance", [plan])), then=_float(1.0))]
    if plan in ctx.vocabulary.private_carriers:
        private = has_any("insurance", ctx.mask("insurance", ["private-insurance"]))
        cases.append(When(private, then=_float(0.6)))
    if plan == "self-pay":
        cases.append(When(sliding_scale=True, then=_float(0.8)))
    fraction = Case(*cases, default=_float(0.0), output_field=FloatField())
    return _points(12.0, fraction)


def populations_points(intake: Intake, ctx: SqlContext) -> Expression | None:
    if not intake.populations:
        return None
    return _points(6.0, _count_share("populations", ctx, "populations", intake.populations))


def language_points(intake: Intake, ctx: SqlContext) -> Expression | None:
    if not intake.language or intake.language == "en":
        return None
    speaks = has_any("languages", ctx.mask("languages", [intake.language]))
    return _points(6.0, _when(speaks, 1.0, 0.0))


def intensity_points(intake: Intake, ctx: SqlContext) -> Expression | None:
    from matching.screening import effective_severity

    low, high = IntensityRule.RANGES[effective_severity(intake)]
    suits = Q(hours_per_week__gte=low, hours_per_week__lte=high)
    # NULL hours: the rule is silent (no points, none possible); see possible_points.
    return Case(
        When(hours_per_week__isnull=True, then=_float(0.0)),
        When(suits, then=_points(5.0, _float(1.0))),
        default=_points(5.0, _float(0.4)),
        output_field=FloatField(),
    )


def verified_points(intake: Intake, ctx: SqlContext) -> Expression | None:
    recent = Q(last_verified_on__gte=ctx.today - datetime.timedelta(days=365))
    return Case(
        When(last_verified_on__isnull=True, then=_points(4.0, _float(0.0))),
        When(recent, then=_points(4.0, _float(1.0))),
        default=_points(4.0, _float(0.4)),
        output_field=FloatField(),
    )


def waitlist_points(intake: Intake, ctx: SqlContext) -> Expression | None:
    if not intake.accept_waitlist:
        return None
    return _points(5.0, _when(Q(accepting=True), 1.0, 0.0))


# Each rule's fast form, by the rule's name.
FAST_FORMS: dict[str, Callable[[Intake, SqlContext], Expression | None]] = {
    "conditions": conditions_points,
    "therapies": therapies_points,
    "goals": goals_points,
    "schedule": schedule_points,
    "distance": distance_points,
    "insurance": insurance_points,
    "populations": populations_points,
    "language": language_points,
    "intensity": intensity_points,
    "verified": verified_points,
    "waitlist": waitlist_points,
}
