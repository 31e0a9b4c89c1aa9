"""Reads for matching: every programme that meets the hard constraints, ranked in SQL."""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import (
    Expression,
    FloatField,
    Q,
    Value,
)
from django.db.models.functions import Cast

from matching.intake import Format, Intake
from matching.rules import Vocabulary, insurance_cover
from matching.rules_sql import RANK_COLUMNS, SqlContext, choose, has, rank_columns
from matching.screening import PLANS, ListPlan
from programs.attached import (
    attach_masked_terms,
    attach_rows,
    attach_schedules,
    attach_terms,
    rows_by,
)
from programs.geo import bounding_box
from programs.levels import Level
from programs.models import (
    SEARCH_COVERED,
    VOCABULARY_RELATIONS,
    Insurance,
    Program,
    ProgramSearch,
)
from programs.querysets import haversine_miles
from programs.search import SEARCH_RELATIONS, SearchConditions
from programs.selectors import vocabulary_terms_read
from programs.vocabulary_cache import vocabulary_cached

# The search-table columns a programme's rows share, read by the fast forms: they are equal
# within a programme, so the nearest row kept when the rows are folded into one per
# programme carries them all (PostgreSQL's covering indexes include every one).
PROGRAM_COLUMNS = (
    "program_id",
    *(column for column in SEARCH_COVERED if column not in ("program", "kind")),
)


# The rows (not vocabulary terms) a page of results may need.
PAGE_ROWS = ("locations", "sessions")
# The search table's masks the ranking returns with each row of its page: the terms of every
# vocabulary it holds and the session times. A page of results reads its programmes' terms
# and schedules off them instead of the link tables and sessions (the rules and the cards
# need only which terms, days and times of day).
PAGE_MASKS = (*SEARCH_RELATIONS, "schedule")


@dataclass(frozen=True)
class RankedRow:
    """One programme's place in the ranking, as the database worked it out."""

    program_id: int
    distance_miles: float | None
    group: int = 0  # the index of the list plan's group it falls in
    masks: Mapping[str, int] = field(default_factory=dict)  # ``PAGE_MASKS`` by column


@dataclass(frozen=True)
class RankedPage:
    """One page of the ranking and how many programmes meet the hard constraints in all."""

    rows: tuple[RankedRow, ...]
    total: int


def vocabulary_load() -> Vocabulary:
    """Every vocabulary term: labels for sentences, objects for cards.

    Read once per process and language, and again after any change to a vocabulary
    (``programs.vocabulary_cache``): six queries a match saved.
    """
    return vocabulary_cached("matching", vocabulary_read)


def vocabulary_read() -> Vocabulary:
    """Every vocabulary term from the database (one query per table)."""
    terms = vocabulary_terms_read()
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


@dataclass(frozen=True)
class Candidates:
    """SQL for one row per programme that fits (``PROGRAM_COLUMNS`` and ``distance``)."""

    sql: str
    params: tuple


@dataclass(frozen=True)
class Reach:
    """Every value the candidates' SQL is built from, the term masks already worked out.

    ``insurance`` and ``language`` are the masks of the terms a programme must list, None
    when the seeker does not require them; ``age`` is None when not given.
    """

    format: str
    levels: int
    accept_waitlist: bool
    latitude: float
    longitude: float
    radius: float
    state: str
    age: int | None = None
    insurance: int | None = None
    language: int | None = None

    def shape(self) -> tuple:
        """What the SQL text depends on; every other value is a parameter."""
        return (
            connection.vendor,
            self.format,
            self.levels,
            self.accept_waitlist,
            type(self.radius),
            self.age is None,
            self.insurance is None,
            self.language is None,
        )

    def inputs(self) -> tuple:
        """Every value a parameter of the candidates' SQL can be (see ``CandidatesShape``)."""
        latitude, longitude = self.latitude, self.longitude
        lat0 = math.radians(latitude)
        return (
            latitude,
            longitude,
            lat0,
            math.radians(longitude),
            math.cos(lat0),
            *bounding_box(latitude, longitude, self.radius),
            self.radius,
            # The distance is compared with the radius as a float (once, if it is one).
            *(() if isinstance(self.radius, float) else (float(self.radius),)),
            self.state,
            self.age,
            self.insurance,
            self.language,
        )


def match_reach_values(
    *, intake: Intake, context: SqlContext, levels: int = Level.IOP
) -> Reach | None:
    """The values the seeker's hard constraints filter rows with; None without a place."""
    place = intake.place
    if place is None:
        return None
    insurance = language = None
    if intake.insurance_required and intake.insurance:
        plans = acceptable_insurance(intake.insurance, context.vocabulary)
        insurance = context.mask("insurance", plans)
    if intake.language_required and intake.language:
        language = context.mask("languages", [intake.language])
    return Reach(
        format=intake.format,
        levels=levels,
        accept_waitlist=intake.accept_waitlist,
        latitude=place.latitude,
        longitude=place.longitude,
        radius=intake.radius,
        state=place.state,
        age=intake.age,
        insurance=insurance,
        language=language,
    )


def match_reach(reach: Reach) -> list[tuple[Q, Expression]]:
    """How the seeker can reach a programme: (rows, distance) per way.

    In person: sites within the radius (the (latitude, longitude) index finds them, and on
    PostgreSQL carries every column the ranking reads, so they are an index-only scan);
    virtual: rows licensed in the seeker's state (distance NULL); "either": both. Each way
    also meets the other hard constraints: published (every row is), offering one of
    ``levels`` of care, not refusing new patients unless a waitlist is fine, age, and
    insurance and language when required.
    """
    rows = SearchConditions()
    condition = rows.offering(reach.levels)
    if not reach.accept_waitlist:
        # A listing that does not say (imported directories never do) stays: "call to ask".
        condition &= rows.not_refusing()
    if reach.age is not None:
        condition &= rows.for_age(reach.age)
    if reach.insurance is not None:
        condition &= rows.with_any("insurance", reach.insurance)
    if reach.language is not None:
        condition &= rows.with_any("languages", reach.language)
    ways: list[tuple[Q, Expression]] = []
    if reach.format in (Format.IN_PERSON, Format.EITHER):
        distance = haversine_miles(reach.latitude, reach.longitude)
        within = rows.within(reach.latitude, reach.longitude, reach.radius, distance)
        ways.append((condition & rows.in_person() & within, distance))
    if reach.format in (Format.VIRTUAL, Format.EITHER):
        ways.append((condition & rows.licensed_in(reach.state), Cast(Value(None), FloatField())))
    return ways


def match_candidates(
    *, intake: Intake, context: SqlContext, levels: int = Level.IOP
) -> Candidates | None:
    """One row per programme that fits, with ``distance`` to its nearest site in range.

    ``distance`` is NULL for a programme found as virtual care only; None without a place.
    The SQL is compiled through the ORM once per shape of intake (``CandidatesShape``);
    after that only the parameters are bound.
    """
    reach = match_reach_values(intake=intake, context=context, levels=levels)
    if reach is None:
        return None
    return candidates_for(reach)


def compile_candidates(reach: Reach) -> Candidates:
    """The candidates' SQL and parameters, compiled through the ORM.

    Each way of reaching programmes is its own query (so each uses its own index). The
    sites in range are folded to the nearest one per programme with a window, which both
    databases run over the rows found without sorting or grouping by every column; a
    programme's virtual row is already unique (one per state it is licensed in), so with
    both ways the virtual rows only add the programmes no site brought.
    """
    parts = []
    params: list = []
    for condition, distance in match_reach(reach):
        found = ProgramSearch.objects.filter(condition).values(*PROGRAM_COLUMNS, distance=distance)
        sql, part_params = found.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS way")  # noqa: S608 - Django's own SQL
        params.extend(part_params)
    columns = ", ".join(PROGRAM_COLUMNS)
    if reach.format == Format.VIRTUAL:
        # Already one row per programme: a programme has one virtual row per state it is
        # licensed in (``programs.services``), and the seeker is in one state. Folding the
        # whole state's rows (6,480 in California at 100k) was half of the query's time.
        sql = f"SELECT {columns}, distance FROM ({parts[0]}) AS found"  # noqa: S608
        return Candidates(sql=sql, params=tuple(params))
    # Safe to format: only column names and Django's compiled SQL; values stay parameters.
    nearest = (
        f"SELECT {columns}, distance FROM ("  # noqa: S608
        f"SELECT {columns}, distance, ROW_NUMBER() OVER (PARTITION BY program_id "
        f"ORDER BY distance) AS nearest FROM ({parts[0]}) AS found"
        ") AS folded WHERE nearest = 1"
    )
    if len(parts) == 1:  # in person only (``match_reach`` lists the sites' way first)
        return Candidates(sql=nearest, params=tuple(params))
    # Either way: the nearest site of each programme in range, then the virtual rows of
    # the programmes with none (only the sites need folding; a programme's virtual row
    # is unique in the seeker's state).
    sql = (
        f"WITH near AS ({nearest}) SELECT {columns}, distance FROM near UNION ALL "  # noqa: S608
        f"SELECT {columns}, distance FROM ({parts[1]}) AS virtual_found "
        "WHERE program_id NOT IN (SELECT program_id FROM near)"
    )
    return Candidates(sql=sql, params=tuple(params))


@dataclass(frozen=True)
class CandidatesShape:
    """The candidates' SQL for one shape of ``Reach``, and where each parameter comes from.

    Compiling the SQL through the ORM took longer than PostgreSQL took to run it (~4 ms of
    CPU a match). Its text depends only on ``Reach.shape()``; each parameter is either a
    constant or one of ``Reach.inputs()``. Which is learned by compiling two made-up reaches
    of the shape whose every input differs, and is then checked against the seeker's own
    compile; anything unclear leaves the shape compiled every time. Values are only ever
    bound as parameters.
    """

    sql: str
    sources: tuple[tuple[bool, object], ...]  # (from the inputs?, input index or constant)

    def bind(self, reach: Reach) -> Candidates:
        inputs = reach.inputs()
        return Candidates(
            sql=self.sql,
            params=tuple(inputs[value] if is_input else value for is_input, value in self.sources),
        )

    @classmethod
    def learn(cls, reach: Reach) -> CandidatesShape | None:
        """The shape of ``reach`` (compiled once), or None when a parameter is unclear."""
        first = _made_up(reach, latitude=39.5, longitude=-98.25, radius=10, age=30, masks=1001)
        second = _made_up(reach, latitude=33.25, longitude=-84.5, radius=17, age=41, masks=2003)
        one, two = compile_candidates(first), compile_candidates(second)
        if one.sql != two.sql or len(one.params) != len(two.params):
            return None
        inputs_one, inputs_two = first.inputs(), second.inputs()
        sources: list[tuple[bool, object]] = []
        for a, b in zip(one.params, two.params, strict=True):
            if _same(a, b):
                sources.append((False, a))
                continue
            found = [
                index
                for index, (x, y) in enumerate(zip(inputs_one, inputs_two, strict=True))
                if _same(x, a) and _same(y, b)
            ]
            if len(found) != 1:
                return None
            sources.append((True, found[0]))
        shape = cls(sql=one.sql, sources=tuple(sources))
        bound, compiled = shape.bind(reach), compile_candidates(reach)
        same = bound.sql == compiled.sql and len(bound.params) == len(compiled.params)
        return shape if same and all(map(_same, bound.params, compiled.params)) else None


def _made_up(
    reach: Reach, *, latitude: float, longitude: float, radius: int, age: int, masks: int
) -> Reach:
    """A reach of the same shape with other values (made-up, never run)."""
    return replace(
        reach,
        latitude=latitude,
        longitude=longitude,
        radius=type(reach.radius)(radius),
        state=f"S{masks}",
        age=None if reach.age is None else age,
        insurance=None if reach.insurance is None else masks,
        language=None if reach.language is None else masks + 7,
    )


def _same(a: object, b: object) -> bool:
    return type(a) is type(b) and a == b


# Shapes learned by this process (a few dozen at most), None for those compiled every time.
CANDIDATE_SHAPES: dict[tuple, CandidatesShape | None] = {}


def candidates_for(reach: Reach) -> Candidates:
    """The candidates for ``reach``: the shape's SQL, its parameters bound from ``reach``."""
    if reach.insurance == 0 or reach.language == 0:
        # No term matches: the ORM compiles a filter that can never match, another shape.
        return compile_candidates(reach)
    key = reach.shape()
    if key not in CANDIDATE_SHAPES:
        CANDIDATE_SHAPES[key] = CandidatesShape.learn(reach)
    shape = CANDIDATE_SHAPES[key]
    return compile_candidates(reach) if shape is None else shape.bind(reach)


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

    The rows found (sites in range, virtual rows) are folded into one per programme with
    its nearest site; the rules' fast forms give ``rules.rank_key`` as columns over it, the
    database sorts (then by name and id) and pages, so only ``limit`` programmes ever leave
    it. The ``plan`` (the level of care the seeker was screened to, IOPs by default) says
    which levels of care are candidates and in which groups they come: each group first,
    the usual order within it. ``COUNT(*) OVER ()`` gives the total from the same scan: the
    rank columns are computed for every candidate anyway, so a separate count would read
    the rows twice.
    """
    plan = plan or PLANS["iop"]
    context = SqlContext.load(vocabulary, today)
    candidates = match_candidates(intake=intake, context=context, levels=plan.levels)
    if candidates is None:
        return RankedPage(rows=(), total=0)
    ranking = rank_columns(intake, context)
    columns = ", ".join(f"{sql} AS {name}" for name, sql in ranking.items())
    group = group_sql(plan)
    # Safe to format: the fast forms hold only numbers and dates made from the intake and
    # the vocabulary, and the inner query's own values stay parameters.
    query = (
        f"SELECT program_id, distance, COUNT(*) OVER () AS total, {group} AS list_group, "  # noqa: S608
        f"{', '.join(PAGE_MASKS)}, {columns} FROM ({candidates.sql}) AS candidate "
        f"ORDER BY list_group, {', '.join(RANK_COLUMNS)}, name, program_id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, (*candidates.params, limit, offset))
        rows = cursor.fetchall()
        if rows or not offset:
            total = rows[0][2] if rows else 0
        else:  # past the last page: count what there is
            cursor.execute(
                f"SELECT COUNT(*) FROM ({candidates.sql}) AS candidate",  # noqa: S608
                candidates.params,
            )
            total = cursor.fetchone()[0]
    masks = len(PAGE_MASKS)
    return RankedPage(
        rows=tuple(
            RankedRow(
                row[0], row[1], row[3], dict(zip(PAGE_MASKS, row[4 : 4 + masks], strict=True))
            )
            for row in rows
        ),
        total=total,
    )


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
    relations = ["locations", "conditions", "insurance"]
    if intake.therapies or intake.goals:
        relations.append("modalities")
    if intake.populations:
        relations.append("populations")
    if intake.language:
        relations.append("languages")
    return relations


def programs_for_page(
    *,
    ids: list[int],
    relations: list[str],
    vocabulary: Vocabulary | None = None,
    masks: Mapping[int, Mapping[str, int]] | None = None,
) -> dict[int, Program]:
    """The programmes on a page with ``relations`` attached, by id (read with
    ``programs.attached.related``).

    Sites and sessions are one query each; vocabulary terms come from the vocabulary copy
    (one query of link ids for all of them, no object per link). No ``prefetch_related``:
    its queryset per programme and relation was most of a match's Python time. With
    ``masks`` (each programme's ``PAGE_MASKS``, as the ranking returned them, by id) the
    session times and the searched vocabularies' terms are read off those, without a query.
    """
    vocabulary = vocabulary or vocabulary_load()
    programs = rows_by(Program, "pk", ids)
    terms = [relation for relation in relations if relation in VOCABULARY_RELATIONS]
    rows = [relation for relation in relations if relation in PAGE_ROWS]
    reread = lambda: vocabulary_read().plain_terms  # noqa: E731
    if masks is not None:
        rows = [relation for relation in rows if relation != "sessions"]
        attach_schedules(
            programs, schedules={pk: of_program["schedule"] for pk, of_program in masks.items()}
        )
        masked = [relation for relation in terms if relation in SEARCH_RELATIONS]
        terms = [relation for relation in terms if relation not in SEARCH_RELATIONS]
        attach_masked_terms(
            programs,
            relations=masked,
            masks=masks,
            bits=vocabulary.bits,
            known=vocabulary.plain_terms,
            reread=reread,
        )
    attach_rows(programs, relations=rows)
    if terms:
        attach_terms(programs, relations=terms, known=vocabulary.plain_terms, reread=reread)
    return {program.pk: program for program in programs}
