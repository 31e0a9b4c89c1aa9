"""Reads for matching: every programme that meets the hard constraints, ranked in SQL."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    Expression,
    FloatField,
    Min,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast

from matching.intake import Format, Intake
from matching.rules import Vocabulary, insurance_cover
from matching.rules_sql import RANK_COLUMNS, SqlContext, choose, has, rank_columns
from matching.screening import PLANS, ListPlan
from programs.levels import Level
from programs.models import VOCABULARY_RELATIONS, Insurance, Program, ProgramSearch
from programs.querysets import haversine_miles
from programs.search import SearchConditions

# The search-table columns a programme's rows share, read by the fast forms. Grouping by
# them as well as the programme costs nothing (they are equal within a programme) and lets
# every rule read them after the rows are folded into one per programme.
PROGRAM_COLUMNS = (
    "program_id",
    "name",
    "accepting",
    "in_person",
    "virtual",
    "conditions",
    "modalities",
    "insurance",
    "languages",
    "populations",
    "schedule",
    "session_days",
    "fit_days",
    "hours_per_week",
    "levels",
    "sliding_scale",
    "last_verified_on",
    "min_age",
    "max_age",
)


@dataclass(frozen=True)
class RankedRow:
    """One programme's place in the ranking, as the database worked it out."""

    program_id: int
    distance_miles: float | None
    group: int = 0  # the index of the list plan's group it falls in


@dataclass(frozen=True)
class RankedPage:
    """One page of the ranking and how many programmes meet the hard constraints in all."""

    rows: tuple[RankedRow, ...]
    total: int


def vocabulary_load() -> Vocabulary:
    """Every vocabulary term (one query per table): labels for sentences, objects for cards."""
    terms = {
        relation: {term.pk: term for term in model.objects.all()}
        for relation, model in VOCABULARY_RELATIONS.items()
    }
    labels = {
        model._meta.model_name: {term.slug: term.name for term in terms[relation].values()}
        for relation, model in VOCABULARY_RELATIONS.items()
    }
    labels["modality"].update(
        {m.slug: m.abbreviation for m in terms["modalities"].values() if m.abbreviation}
    )
    private = frozenset(
        term.slug
        for term in terms["insurance"].values()
        if term.kind == Insurance.Kind.PRIVATE and term.slug != "private-insurance"
    )
    return Vocabulary(labels=labels, private_carriers=private, terms=terms)


def acceptable_insurance(slug: str, vocabulary: Vocabulary) -> list[str]:
    """Insurance listings that satisfy a seeker's plan, as ``rules.insurance_cover`` defines them.

    The insurance reason reads the same definition, so it never says "doesn't list" of a
    programme this filter admitted.
    """
    return list(insurance_cover(slug, vocabulary))


def match_hard_constraints(
    *, intake: Intake, context: SqlContext, levels: int = Level.IOP
) -> Q | None:
    """The search rows of programmes the seeker can use at all, or None without a place.

    In person: sites within the radius (the (latitude, longitude) index finds them); virtual:
    anchor rows licensed in the seeker's state; "either": both. Then published (every row
    is), offering one of ``levels`` of care, not refusing new patients unless a waitlist is
    fine, age, and insurance and language when required.
    """
    place = intake.place
    if place is None:
        return None
    rows = SearchConditions()
    reach = Q(pk__in=[])
    if intake.format in (Format.IN_PERSON, Format.EITHER):
        distance = haversine_miles(place.latitude, place.longitude)
        reach |= rows.in_person() & rows.within(
            place.latitude, place.longitude, intake.radius, distance
        )
    if intake.format in (Format.VIRTUAL, Format.EITHER):
        reach |= rows.licensed_in(place.state)
    condition = reach & rows.offering(levels)
    if not intake.accept_waitlist:
        # A listing that does not say (imported directories never do) stays: "call to ask".
        condition &= rows.not_refusing()
    if intake.age is not None:
        condition &= rows.for_age(intake.age)
    if intake.insurance_required and intake.insurance:
        plans = acceptable_insurance(intake.insurance, context.vocabulary)
        condition &= rows.with_any("insurance", context.mask("insurance", plans))
    if intake.language_required and intake.language:
        condition &= rows.with_any("languages", context.mask("languages", [intake.language]))
    return condition


def match_candidates(
    *, intake: Intake, context: SqlContext, levels: int = Level.IOP
) -> QuerySet | None:
    """One row per programme that fits, with ``distance`` to its nearest site in range.

    ``distance`` is NULL for a programme found as virtual care; None without a place.
    """
    condition = match_hard_constraints(intake=intake, context=context, levels=levels)
    if condition is None:
        return None
    place = intake.place
    if intake.format == Format.VIRTUAL:
        distance: Expression = Cast(Value(None), FloatField())
    else:
        distance = Min(haversine_miles(place.latitude, place.longitude))
    return (
        ProgramSearch.objects.filter(condition).values(*PROGRAM_COLUMNS).annotate(distance=distance)
    )


def match_ranked_page(
    *,
    intake: Intake,
    vocabulary: Vocabulary,
    today: datetime.date,
    offset: int,
    limit: int,
    plan: ListPlan | None = None,
) -> RankedPage:
    """Rank every programme that meets the hard constraints in one query; return one page.

    The rows found (sites in range, virtual anchors) are folded into one per programme with
    its nearest site (the ORM builds that part); the rules' fast forms give
    ``rules.rank_key`` as columns over it, the database sorts (then by name and id) and
    pages, so only ``limit`` programmes ever leave it. The ``plan`` (the level of care the
    seeker was screened to, IOPs by default) says which levels of care are candidates and
    in which groups they come: each group first, the usual order within it. ``COUNT(*)
    OVER ()`` gives the total from the same scan.
    """
    plan = plan or PLANS["iop"]
    context = SqlContext.load(vocabulary, today)
    candidates = match_candidates(intake=intake, context=context, levels=plan.levels)
    if candidates is None:
        return RankedPage(rows=(), total=0)
    inner, params = candidates.query.sql_with_params()
    ranking = rank_columns(intake, context)
    columns = ", ".join(f"{sql} AS {name}" for name, sql in ranking.items())
    group = group_sql(plan)
    # Safe to format: the fast forms hold only numbers and dates made from the intake and
    # the vocabulary, and the inner query's own values stay parameters.
    query = (
        f"SELECT program_id, distance, COUNT(*) OVER () AS total, {group} AS list_group, "  # noqa: S608
        f"{columns} FROM ({inner}) AS candidate "
        f"ORDER BY list_group, {', '.join(RANK_COLUMNS)}, name, program_id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, (*params, limit, offset))
        rows = cursor.fetchall()
    total = rows[0][2] if rows else (candidates.count() if offset else 0)
    return RankedPage(rows=tuple(RankedRow(row[0], row[1], row[3]) for row in rows), total=total)


def group_sql(plan: ListPlan) -> str:
    """The index of the first group of ``plan`` a candidate fits (its levels column)."""
    cases = []
    for index, group in enumerate(plan.groups):
        fits = has("levels", group.offers)
        if group.lacks:
            fits = f"({fits} AND NOT {has('levels', group.lacks)})"
        cases.append((fits, str(index)))
    return choose(*cases, default=str(len(plan.groups)))


def page_relations(intake: Intake) -> list[str]:
    """What the result cards show and what the rules that speak for this intake read.

    Each prefetched vocabulary costs a query and a model instance per link, so the ones no
    rule reads for this intake (and no card shows) are left out.
    """
    relations = ["locations", "sessions", "conditions", "insurance"]
    if intake.therapies or intake.goals:
        relations.append("modalities")
    if intake.populations:
        relations.append("populations")
    if intake.language:
        relations.append("languages")
    return relations


def programs_for_page(*, ids: list[int], relations: list[str]) -> dict[int, Program]:
    """The programmes on a page with ``relations`` prefetched, by id."""
    programs = Program.objects.filter(pk__in=ids).prefetch_related(*relations)
    return {program.pk: program for program in programs}
