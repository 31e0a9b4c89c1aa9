"""The fast form of each rule: what ``check()`` gives, as SQL over a programme's search row.

Each function mirrors one rule in ``matching.rules`` branch for branch: the points its
reasons earn (the same float arithmetic in the same order, rounded to two decimals as
``BaseRule.reason`` and ``split`` round) and when a reason says "missed" (``met`` False). The
rule's role comes from the rule itself (it depends on the intake only), and
``rank_columns`` mirrors ``rules.rank_key``, so the database ranks every candidate and
Python explains only the page shown. ``tests/matching/test_rules_sql.py`` proves the two
forms agree on random catalogues and intakes, on SQLite and PostgreSQL.

The forms are SQL text, not ORM expressions: a ranking is some 60 nested expressions,
and Django took longer to resolve and compile them (tens of milliseconds, three times
over for SELECT, GROUP BY and ORDER BY) than the database took to run the query. Every
value in the text is a number or a date made here from the intake and the vocabulary,
never the seeker's text. A form reads the candidate's columns (``matching.selectors``
names them as in ``programs.ProgramSearch``) and ``distance``: the nearest site within the
radius, NULL when the programme was found as virtual care.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection

from matching.intake import Format, Goal, Intake
from matching.rules import (
    ADULT_AGE,
    CHECK_PLAN_SHARE,
    GOAL_SERVICES,
    MAIN_CONCERN_SHARE,
    RULES,
    SCHEDULE_UNKNOWN_SHARE,
    SELF_PAY,
    SLIDING_SCALE_SHARE,
    UNKNOWN_OPENINGS_SHARE,
    VIRTUAL_TRIP_MILES,
    Cover,
    IntensityRule,
    Role,
    Rule,
    Vocabulary,
    insurance_cover,
    trip_share,
)
from programs.levels import Level
from programs.models import Condition
from programs.schedule import TimeOfDay
from programs.search import (
    FIT_BITS,
    availability_code,
    bands_mask,
    mask,
)


@dataclass(frozen=True)
class SqlContext:
    """What every fast form needs besides the intake: term bits, today, the radius."""

    vocabulary: Vocabulary
    bits: dict[str, dict[int, int]]  # relation -> term id -> bit in the search table
    today: datetime.date
    vendor: str = "sqlite"  # the database the SQL is written for

    @classmethod
    def load(cls, vocabulary: Vocabulary, today: datetime.date) -> SqlContext:
        return cls(
            vocabulary=vocabulary, bits=vocabulary.bits, today=today, vendor=connection.vendor
        )

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
    """A rule's verdict on every candidate at once: SQL for its points, and for a miss."""

    role: Role
    points: str
    missed: str | None = None  # None: this rule never reports a miss


# --- SQL building blocks (the same text runs on SQLite and PostgreSQL) ----------------

FALSE = "(1 = 0)"
TRUE = "(1 = 1)"


def num(value: float) -> str:
    """A double-precision constant (PostgreSQL reads a bare 0.6 as an exact NUMERIC)."""
    return f"CAST({float(value)!r} AS DOUBLE PRECISION)"


def has(column: str, bits: int) -> str:
    """The column shares a bit with ``bits`` (masks never use the sign bit)."""
    return f"(({column} & {int(bits)}) > 0)" if bits else FALSE


def is_true(column: str) -> str:
    """A boolean column is set (a boolean on PostgreSQL, 0/1 on SQLite)."""
    return f"({column} = {TRUE})"


def flag(condition: str) -> str:
    return f"(CASE WHEN {condition} THEN 1 ELSE 0 END)"


def choose(*cases: tuple[str, str], default: str) -> str:
    whens = " ".join(f"WHEN {condition} THEN {then}" for condition, then in cases)
    return f"(CASE {whens} ELSE {default} END)"


def all_of(conditions: Iterable[str]) -> str:
    conditions = list(conditions)
    return f"({' AND '.join(conditions)})" if conditions else TRUE


def any_of(conditions: Iterable[str]) -> str:
    conditions = list(conditions)
    return f"({' OR '.join(conditions)})" if conditions else FALSE


def total(terms: Iterable[str]) -> str:
    terms = list(terms)
    return f"({' + '.join(terms)})" if terms else "0"


def as_float(expression: str) -> str:
    return f"CAST({expression} AS DOUBLE PRECISION)"


def round2(expression: str, ctx: SqlContext) -> str:
    """``round(x, 2)`` as the rules round.

    On PostgreSQL in double precision: ``round(float8)`` is ``rint``, half to even as
    Python rounds, and dividing the whole number of hundredths by 100 gives the double
    nearest ``k / 100``, as Python's ``round`` returns. (Rounding through NUMERIC, as
    Django's ``Round`` does, printed and parsed each value: some 3 microseconds per call,
    a dozen calls per candidate, most of a ranking query's time at 100k.)
    """
    if ctx.vendor == "postgresql":
        return f"(ROUND(({expression}) * {num(100)}) / {num(100)})"
    return f"ROUND({expression}, 2)"


def points(weight: float, earned: str, ctx: SqlContext) -> str:
    """``round(weight * earned, 2)``, earned computed in SQL."""
    return round2(f"({num(weight)} * {earned})", ctx)


def fixed(weight: float, earned: float) -> str:
    """Points that do not depend on the programme, rounded in Python exactly as the rule does."""
    return num(round(weight * max(0.0, min(1.0, earned)), 2))


def count_of(column: str, ctx: SqlContext, relation: str, slugs: Iterable[str]) -> str:
    """How many of the slugs the programme lists (0 for a slug the vocabulary lacks)."""
    return total(flag(has(column, ctx.mask(relation, [slug]))) for slug in slugs)


def lists_all(column: str, ctx: SqlContext, relation: str, slugs: Iterable[str]) -> str:
    return all_of(has(column, ctx.mask(relation, [slug])) for slug in slugs)


def share_of(count: str, wanted: int) -> str:
    """``len(have) / len(wanted)`` in floating point, as Python divides."""
    return f"({as_float(count)} / {num(wanted)})"


def split_form(rule: Rule, role: Role, share: str, complete: str, ctx: SqlContext) -> FastForm:
    """``BaseRule.split``: the matched sentence earns ``round(weight * share, 2)``."""
    return FastForm(role, points(rule.weight, share, ctx), missed=f"(NOT {complete})")


# --- One fast form per rule -----------------------------------------------------------


def conditions_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    main, others = intake.conditions[0], list(intake.conditions[1:])
    main_share = MAIN_CONCERN_SHARE if others else 1.0
    other_share = (1.0 - main_share) / len(others) if others else 0.0
    has_main = has("conditions", ctx.mask("conditions", [main]))
    # Python: main_share * has_main + other_share * len(covered)
    main_part = choose((has_main, num(main_share * True)), default=num(main_share * False))
    covered = as_float(count_of("conditions", ctx, "conditions", others))
    share = f"({main_part} + ({num(other_share)} * {covered}))"
    complete = all_of([has_main, lists_all("conditions", ctx, "conditions", others)])
    return split_form(rule, role, share, complete, ctx)


def treats_dual_diagnosis_sql(ctx: SqlContext) -> str:
    """The search-row twin of ``rules.treats_dual_diagnosis``."""
    both = all_of(
        [
            has("conditions", ctx.category_mask(Condition.Category.SUBSTANCE_USE)),
            has("conditions", ctx.category_mask(Condition.Category.MENTAL_HEALTH)),
        ]
    )
    return any_of([has("conditions", ctx.category_mask(Condition.Category.CO_OCCURRING)), both])


def dual_diagnosis_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    treats = treats_dual_diagnosis_sql(ctx)
    earned = choose((treats, fixed(rule.weight, 1.0)), default=fixed(rule.weight, 0.0))
    return FastForm(role, earned, missed=f"(NOT {treats})")


def therapies_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    count = count_of("modalities", ctx, "modalities", intake.therapies)
    complete = lists_all("modalities", ctx, "modalities", intake.therapies)
    return split_form(rule, role, share_of(count, len(intake.therapies)), complete, ctx)


def goal_sql(goal: str, ctx: SqlContext) -> str:
    """The search-row twin of ``rules.goal_met``."""
    if goal == Goal.KEEP_WORKING:
        evenings = bands_mask([TimeOfDay.EVENING, TimeOfDay.WEEKEND])
        return any_of([is_true("virtual"), has("schedule", evenings)])
    services = has("modalities", ctx.mask("modalities", GOAL_SERVICES.get(goal, ())))
    if goal == Goal.STEP_DOWN:
        return any_of([has("levels", Level.PHP), services])
    return services


def goals_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    met = [goal_sql(goal, ctx) for goal in intake.goals]
    count = total(flag(condition) for condition in met)
    return split_form(rule, role, share_of(count, len(intake.goals)), all_of(met), ctx)


def schedule_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    # rules.schedule_days: fit is read from the column packed by programs.search.
    code = availability_code(intake.availability)
    fit = f"((fit_days >> {FIT_BITS * (code - 1)}) & {(1 << FIT_BITS) - 1})"
    unknown = "(session_days = 0)"
    every_day = f"({fit} = session_days)"
    earned = choose(
        (unknown, fixed(rule.weight, SCHEDULE_UNKNOWN_SHARE)),
        (every_day, fixed(rule.weight, 1.0)),
        default=points(rule.weight, f"({as_float(fit)} / {as_float('session_days')})", ctx),
    )
    return FastForm(role, earned, missed=f"(NOT {unknown} AND NOT {every_day})")


def distance_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    virtual_earned = trip_share(VIRTUAL_TRIP_MILES, intake.radius) if role is Role.STATED else 1.0
    virtual = fixed(rule.weight, virtual_earned)
    if intake.format == Format.VIRTUAL:
        return FastForm(role, virtual)
    radius = num(max(intake.radius, 1))
    nearer = f"(CASE WHEN distance < {radius} THEN distance ELSE {radius} END)"
    # Python: 0.3 + 0.7 * (1.0 - min(miles, radius) / radius)
    trip = f"({num(0.3)} + ({num(0.7)} * ({num(1.0)} - ({nearer} / {radius}))))"
    earned = choose(("(distance IS NOT NULL)", points(rule.weight, trip, ctx)), default=virtual)
    return FastForm(role, earned)


def insurance_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    plan = intake.insurance
    listed = has("insurance", ctx.mask("insurance", [plan]))
    check_plan = [
        slug
        for slug, how in insurance_cover(plan, ctx.vocabulary).items()
        if how is Cover.CHECK_PLAN
    ]
    other_level = has("insurance", ctx.mask("insurance", check_plan))
    cases = [(listed, fixed(rule.weight, 1.0)), (other_level, fixed(rule.weight, CHECK_PLAN_SHARE))]
    if plan == SELF_PAY:
        cases.append((is_true("sliding_scale"), fixed(rule.weight, SLIDING_SCALE_SHARE)))
    earned = choose(*cases, default=fixed(rule.weight, 0.0))
    return FastForm(role, earned, missed=f"(NOT {listed} AND NOT {other_level})")


def populations_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    count = count_of("populations", ctx, "populations", intake.populations)
    complete = lists_all("populations", ctx, "populations", intake.populations)
    return split_form(rule, role, share_of(count, len(intake.populations)), complete, ctx)


def language_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    speaks = has("languages", ctx.mask("languages", [intake.language]))
    earned = choose((speaks, fixed(rule.weight, 1.0)), default=fixed(rule.weight, 0.0))
    return FastForm(role, earned, missed=f"(NOT {speaks})")


def age_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    # rules.takes_every_adult (every programme lists a minimum age).
    open_to_adults = f"(min_age <= {ADULT_AGE} AND max_age IS NULL)"
    earned = choose((open_to_adults, fixed(rule.weight, 1.0)), default=fixed(rule.weight, 0.0))
    return FastForm(role, earned)


def intensity_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    from matching.screening import effective_severity

    low, high = IntensityRule.RANGES[effective_severity(intake)]
    # Without hours the rule is silent: no reason, so no points.
    earned = choose(
        ("(hours_per_week IS NULL)", num(0.0)),
        (f"(hours_per_week >= {low} AND hours_per_week <= {high})", fixed(rule.weight, 1.0)),
        default=fixed(rule.weight, 0.4),
    )
    return FastForm(role, earned)


def verified_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    # Python: (today - verified).days <= 365
    recent = (ctx.today - datetime.timedelta(days=365)).isoformat()
    earned = choose(
        ("(last_verified_on IS NULL)", fixed(rule.weight, 0.0)),
        (f"(last_verified_on >= '{recent}')", fixed(rule.weight, 1.0)),
        default=fixed(rule.weight, 0.4),
    )
    return FastForm(role, earned)


def waitlist_form(rule: Rule, role: Role, intake: Intake, ctx: SqlContext) -> FastForm:
    accepting = is_true("accepting")
    earned = choose(
        (accepting, fixed(rule.weight, 1.0)),
        ("(accepting IS NULL)", fixed(rule.weight, UNKNOWN_OPENINGS_SHARE)),
        default=fixed(rule.weight, 0.0),
    )
    return FastForm(role, earned)


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


# rules.rank_key's parts, in order, each sorted ascending.
RANK_COLUMNS = ("rank_gate", "rank_missed", "rank_stated", "rank_unasked", "rank_trip")


def rank_columns(intake: Intake, ctx: SqlContext) -> dict[str, str]:
    """``rules.rank_key`` in SQL, by column: gate shortfall, a stated preference missed,
    stated points and tie-breaker points (negated, most first), the trip."""
    weights = {rule.name: rule.weight for rule in RULES}
    gate, stated, unasked, missed = [], [], [], []
    for name, form in fast_forms(intake, ctx).items():
        if form.role is Role.STATED:
            stated.append(form.points)
            if form.missed is not None:
                missed.append(form.missed)
        elif form.role is Role.GATE:
            gate.append(f"({num(weights[name])} - {form.points})")
        else:
            unasked.append(form.points)
    return {
        "rank_gate": round2(total([num(0.0), *gate]), ctx),
        "rank_missed": flag(any_of(missed)),
        "rank_stated": round2(f"(0 - {total([num(0.0), *stated])})", ctx),
        "rank_unasked": round2(f"(0 - {total([num(0.0), *unasked])})", ctx),
        "rank_trip": f"COALESCE(distance, {num(VIRTUAL_TRIP_MILES)})",
    }
