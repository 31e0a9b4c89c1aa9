"""The fast form of each rule: what ``check()`` gives, as SQL over the search table.

Each function mirrors one rule in ``matching.rules`` branch for branch: the points its
reasons earn (the same float arithmetic in the same order, rounded to two decimals as
``BaseRule.reason`` and ``split`` round) and when a reason says "missed" (``met`` False). The
rule's role comes from the rule itself (it depends on the intake only), and
``rank_expressions`` mirrors ``rules.rank_key``, so the database ranks every candidate and
Python explains only the page shown. ``tests/matching/test_rules_sql.py`` proves the two
forms agree on random catalogues and intakes.

An expression reads the columns of ``programs.ProgramSearch`` by name, and ``distance``:
the candidate's nearest site within the radius (NULL when it was found as virtual care).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Case, Expression, F, FloatField, IntegerField, Q, Value, When
from django.db.models.functions import Cast, Coalesce, Least, Round
from django.db.models.lookups import Exact

from matching.intake import Format, Goal, Intake
from matching.rules import (
    ADULT_AGE,
    CHECK_PLAN_SHARE,
    GOAL_SERVICES,
    MAIN_CONCERN_SHARE,
    RULES,
    SCHEDULE_UNKNOWN_SHARE,
    SELF_PAY,
    VIRTUAL_TRIP_MILES,
    Cover,
    IntensityRule,
    Role,
    Rule,
    Vocabulary,
    insurance_cover,
    trip_share,
)
from programs.models import Condition
from programs.schedule import TimeOfDay
from programs.search import DAYS, bands_mask, bit_flag, bits_by_rank, day_mask, has_any, mask


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


@dataclass(frozen=True)
class FastForm:
    """A rule's verdict on every candidate at once: points earned, and when it is a miss."""

    role: Role
    points: Expression
    missed: Q | None = None  # None: this rule never reports a miss


def _float(value: float) -> Value:
    return Value(float(value), output_field=FloatField())


def _points(weight: float, earned: Expression) -> Expression:
    """``round(weight * earned, 2)`` as the rules compute it, as a float."""
    return Cast(Round(_float(weight) * earned, 2), FloatField())


def _fixed(weight: float, earned: float) -> Value:
    """Points that do not depend on the programme, rounded in Python exactly as the rule does."""
    return _float(round(weight * max(0.0, min(1.0, earned)), 2))


def _choose(*cases: tuple[Q, Expression], default: Expression) -> Case:
    return Case(
        *(When(condition, then=then) for condition, then in cases),
        default=default,
        output_field=FloatField(),
    )


def _count(column: str, ctx: SqlContext, relation: str, slugs: Iterable[str]) -> Expression:
    """How many of the slugs the programme lists (0 for a slug the vocabulary lacks)."""
    flags: Expression = Value(0)
    for slug in slugs:
        flags = flags + bit_flag(column, ctx.mask(relation, [slug]))
    return flags


def _lists_all(column: str, ctx: SqlContext, relation: str, slugs: Iterable[str]) -> Q:
    """The programme lists every one of the slugs."""
    condition = Q()
    for slug in slugs:
        condition &= has_any(column, ctx.mask(relation, [slug]))
    return condition


def _share_of(count: Expression, total: int) -> Expression:
    """``len(have) / len(wanted)`` in floating point, as Python divides."""
    return Cast(count, FloatField()) / _float(total)


def _split_of(rule: Rule, role: Role, share: Expression, complete: Q) -> FastForm:
    """``BaseRule.split``: the matched sentence earns ``round(weight * share, 2)``."""
    return FastForm(role, _points(rule.weight, share), missed=~complete)


def conditions_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    main, others = intake.conditions[0], list(intake.conditions[1:])
    main_share = MAIN_CONCERN_SHARE if others else 1.0
    other_share = (1.0 - main_share) / len(others) if others else 0.0
    has_main = has_any("conditions", ctx.mask("conditions", [main]))
    # Python: main_share * has_main + other_share * len(covered)
    share = _choose((has_main, _float(main_share * True)), default=_float(main_share * False))
    share = share + _float(other_share) * Cast(
        _count("conditions", ctx, "conditions", others), FloatField()
    )
    complete = has_main & _lists_all("conditions", ctx, "conditions", others)
    return _split_of(rule, role, share, complete)


def treats_dual_diagnosis_q(ctx: SqlContext) -> Q:
    """The search-row twin of ``rules.treats_dual_diagnosis``."""
    return has_any("conditions", ctx.category_mask(Condition.Category.CO_OCCURRING)) | (
        has_any("conditions", ctx.category_mask(Condition.Category.SUBSTANCE_USE))
        & has_any("conditions", ctx.category_mask(Condition.Category.MENTAL_HEALTH))
    )


def dual_diagnosis_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    treats = treats_dual_diagnosis_q(ctx)
    points = _choose((treats, _fixed(rule.weight, 1.0)), default=_fixed(rule.weight, 0.0))
    return FastForm(role, points, missed=~treats)


def therapies_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    count = _count("modalities", ctx, "modalities", intake.therapies)
    complete = _lists_all("modalities", ctx, "modalities", intake.therapies)
    return _split_of(rule, role, _share_of(count, len(intake.therapies)), complete)


def goal_q(goal: str, ctx: SqlContext) -> Q:
    """The search-row twin of ``rules.goal_met``."""
    if goal == Goal.KEEP_WORKING:
        return Q(virtual=True) | has_any(
            "schedule", bands_mask([TimeOfDay.EVENING, TimeOfDay.WEEKEND])
        )
    services = has_any("modalities", ctx.mask("modalities", GOAL_SERVICES.get(goal, ())))
    if goal == Goal.STEP_DOWN:
        return Q(offers_php=True) | services
    return services


def goals_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    count: Expression = Value(0)
    complete = Q()
    for goal in intake.goals:
        met = goal_q(goal, ctx)
        count = count + Case(When(met, then=Value(1)), default=Value(0))
        complete &= met
    return _split_of(rule, role, _share_of(count, len(intake.goals)), complete)


def schedule_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    # The twin of rules.schedule_days: a day fits when a session that day starts in a
    # band the seeker can attend; session_days counts the days with any session.
    wanted = bands_mask(intake.availability)
    fit: Expression = Value(0)
    for day in DAYS:
        fit = fit + bit_flag("schedule", day_mask(day) & wanted)
    unknown = Q(session_days=0)
    every_day = Q(Exact(fit, F("session_days")))
    points = _choose(
        (unknown, _fixed(rule.weight, SCHEDULE_UNKNOWN_SHARE)),
        (every_day, _fixed(rule.weight, 1.0)),
        default=_points(
            rule.weight, Cast(fit, FloatField()) / Cast(F("session_days"), FloatField())
        ),
    )
    return FastForm(role, points, missed=~unknown & ~every_day)


def distance_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    virtual_earned = trip_share(VIRTUAL_TRIP_MILES, intake.radius) if role is Role.STATED else 1.0
    virtual = _fixed(rule.weight, virtual_earned)
    if intake.format == Format.VIRTUAL:
        return FastForm(role, virtual)
    radius = max(intake.radius, 1)
    # Python: 0.3 + 0.7 * (1.0 - min(miles, radius) / radius)
    trip = _float(0.3) + _float(0.7) * (
        _float(1.0) - Least(F("distance"), _float(radius)) / _float(radius)
    )
    points = _choose((Q(distance__isnull=False), _points(rule.weight, trip)), default=virtual)
    return FastForm(role, points)


def insurance_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    plan = intake.insurance
    listed = has_any("insurance", ctx.mask("insurance", [plan]))
    check_plan = [
        slug
        for slug, how in insurance_cover(plan, ctx.vocabulary).items()
        if how is Cover.CHECK_PLAN
    ]
    other_level = has_any("insurance", ctx.mask("insurance", check_plan))
    cases = [
        (listed, _fixed(rule.weight, 1.0)),
        (other_level, _fixed(rule.weight, CHECK_PLAN_SHARE)),
    ]
    if plan == SELF_PAY:
        cases.append((Q(sliding_scale=True), _fixed(rule.weight, 0.5)))
    points = _choose(*cases, default=_fixed(rule.weight, 0.0))
    return FastForm(role, points, missed=~listed & ~other_level)


def populations_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    count = _count("populations", ctx, "populations", intake.populations)
    complete = _lists_all("populations", ctx, "populations", intake.populations)
    return _split_of(rule, role, _share_of(count, len(intake.populations)), complete)


def language_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    speaks = has_any("languages", ctx.mask("languages", [intake.language]))
    points = _choose((speaks, _fixed(rule.weight, 1.0)), default=_fixed(rule.weight, 0.0))
    return FastForm(role, points, missed=~speaks)


def age_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    # The twin of rules.takes_every_adult (every programme lists a minimum age).
    open_to_adults = Q(min_age__lte=ADULT_AGE, max_age__isnull=True)
    points = _choose((open_to_adults, _fixed(rule.weight, 1.0)), default=_fixed(rule.weight, 0.0))
    return FastForm(role, points)


def intensity_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    from matching.screening import effective_severity

    low, high = IntensityRule.RANGES[effective_severity(intake)]
    # Without hours the rule is silent: no reason, so no points.
    points = _choose(
        (Q(hours_per_week__isnull=True), _float(0.0)),
        (Q(hours_per_week__gte=low, hours_per_week__lte=high), _fixed(rule.weight, 1.0)),
        default=_fixed(rule.weight, 0.4),
    )
    return FastForm(role, points)


def verified_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    # Python: (today - verified).days <= 365
    recent = Q(last_verified_on__gte=ctx.today - datetime.timedelta(days=365))
    points = _choose(
        (Q(last_verified_on__isnull=True), _fixed(rule.weight, 0.0)),
        (recent, _fixed(rule.weight, 1.0)),
        default=_fixed(rule.weight, 0.4),
    )
    return FastForm(role, points)


def waitlist_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    accepting = Q(accepting=True)
    points = _choose((accepting, _fixed(rule.weight, 1.0)), default=_fixed(rule.weight, 0.0))
    return FastForm(role, points)


# Each rule's fast form, by the rule's name.
FAST_FORMS: dict[str, Callable[[Rule, Role, Intake, SqlContext], FastForm]] = {
    "conditions": conditions_form,
    "dual_diagnosis": dual_diagnosis_form,
    "therapies": therapies_form,
    "goals": goals_form,
    "schedule": schedule_form,
    "distance": distance_form,
    "insurance": insurance_form,
    "populations": populations_form,
    "language": language_form,
    "age": age_form,
    "intensity": intensity_form,
    "verified": verified_form,
    "waitlist": waitlist_form,
}


def fast_forms(intake: Intake, ctx: SqlContext) -> dict[str, FastForm]:
    """Every rule that speaks for this intake, by name, with its fast form."""
    forms = {}
    for rule in RULES:
        role = rule.role(intake, ctx.vocabulary)
        if role is not None:
            forms[rule.name] = FAST_FORMS[rule.name](rule, role, intake, ctx)
    return forms


def rank_expressions(intake: Intake, ctx: SqlContext) -> dict[str, Expression]:
    """``rules.rank_key`` in SQL, as annotations to order by (ascending) in this order.

    gate shortfall, any stated preference missed, stated points (negated), tie-breaker
    points (negated), the trip (virtual care as ``VIRTUAL_TRIP_MILES``).
    """
    gate: Expression = _float(0.0)
    stated: Expression = _float(0.0)
    unasked: Expression = _float(0.0)
    missed = Q(pk__in=[])
    for rule_name, form in fast_forms(intake, ctx).items():
        if form.role is Role.STATED:
            stated = stated + form.points
            if form.missed is not None:
                missed |= form.missed
        elif form.role is Role.GATE:
            rule = next(rule for rule in RULES if rule.name == rule_name)
            gate = gate + (_float(rule.weight) - form.points)
        else:
            unasked = unasked + form.points
    return {
        "rank_gate": Round(gate, 2),
        "rank_missed": Case(
            When(missed, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
        "rank_stated": Round(_float(0.0) - stated, 2),
        "rank_unasked": Round(_float(0.0) - unasked, 2),
        "rank_trip": Coalesce(F("distance"), _float(VIRTUAL_TRIP_MILES)),
    }
