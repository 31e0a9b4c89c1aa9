"""Reads for matching: candidates that meet every hard constraint, ready to score."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.sql import Query

from matching.intake import Format, Intake
from matching.rules import Vocabulary, insurance_cover
from programs.models import (
    VOCABULARY_RELATIONS,
    Insurance,
    Location,
    Program,
    WeeklySession,
)

if TYPE_CHECKING:
    from programs.geo import Place

# Cost must grow slowly with the catalogue: we score at most this many candidates,
# chosen in SQL by whether they treat the main concern, then distance (in person) or
# freshness (virtual). The results page shows 25, so 75 leaves room for the rules to
# reorder them; each extra candidate costs about 1 ms of prefetching and scoring.
CANDIDATE_LIMIT = 75


@dataclass(frozen=True)
class Candidate:
    program: Program
    distance_miles: float | None


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


def match_candidates(
    *, intake: Intake, vocabulary: Vocabulary, limit: int = CANDIDATE_LIMIT
) -> list[Candidate]:
    """Published programmes that meet every hard constraint, best prospects first."""
    place = intake.place
    if place is None:
        return []
    programs = Program.objects.published()
    if not intake.accept_waitlist:
        programs = programs.filter(accepting_new_patients=True)
    if intake.age is not None:
        programs = programs.for_age(intake.age)
    if intake.insurance_required and intake.insurance:
        programs = programs.accepting_insurance(acceptable_insurance(intake.insurance, vocabulary))
    if intake.language_required and intake.language:
        programs = programs.speaking([intake.language])
    main_ids = [
        pk
        for pk, condition in vocabulary.terms.get("conditions", {}).items()
        if condition.slug == intake.main_condition
    ]

    # Each way of reaching a programme is ranked and capped in the database, so only a few
    # hundred rows ever leave it, however large the catalogue: in person within the radius
    # (driven by the location index) and virtual care licensed in the seeker's state.
    found: dict[int, float | None] = {}
    if intake.format in (Format.IN_PERSON, Format.EITHER):
        found.update(_nearest_sites(programs, place, intake.radius, main_ids, limit))
    programs = programs.annotate(treats_main=_treats_any(main_ids, "pk"))
    if intake.format in (Format.VIRTUAL, Format.EITHER):
        share = limit if intake.format == Format.VIRTUAL else limit // 2
        licensed = Program.licensed_states.through.objects.filter(state_id=place.state)
        virtual = programs.virtual().filter(pk__in=licensed.values("program_id"))
        # Programmes treating the main concern first, then the rest only if there are too few.
        for subset in (virtual.filter(treats_main=True), virtual):
            wanted = share - sum(1 for distance in found.values() if distance is None)
            if wanted <= 0:
                break
            for pk in (
                subset.exclude(pk__in=list(found))
                .order_by(F("last_verified_on").desc(nulls_last=True), "pk")
                .values_list("pk", flat=True)[:wanted]
            ):
                found[pk] = None
    if not found:
        return []
    by_id = candidates_load(ids=list(found), vocabulary=vocabulary)
    return [Candidate(program=by_id[pk], distance_miles=distance) for pk, distance in found.items()]


def _treats_any(condition_ids: list[int], program_column: str) -> Exists:
    """Whether the programme in ``program_column`` treats any of the conditions."""
    return Exists(
        Program.conditions.through.objects.filter(
            program_id=OuterRef(program_column), condition_id__in=condition_ids
        )
    )


def _nearest_sites(
    programs: QuerySet[Program],
    place: Place,
    radius: float,
    main_ids: list[int],
    limit: int,
) -> dict[int, float]:
    """In-person programmes by their nearest site within the radius, main concern first.

    Driven from the sites inside the radius (the location index) with each row's own
    distance: no per-programme subquery for the nearest site. A programme with several
    sites in range appears once per site, so rows are read in batches until ``limit``
    programmes are found.
    """
    rows = (
        Location.objects.within(place, radius)
        .filter(program__in=programs.in_person())
        .annotate(treats_main=_treats_any(main_ids, "program_id"))
        .order_by(F("treats_main").desc(), "distance", "program_id")
        .values_list("program_id", "distance")
    )
    nearest: dict[int, float] = {}
    batch, offset = limit * 2, 0
    while len(nearest) < limit:
        page = list(rows[offset : offset + batch])
        for program_id, distance in page:
            nearest.setdefault(program_id, distance)
            if len(nearest) == limit:
                break
        if len(page) < batch:
            break
        offset += batch
    return nearest


def candidates_load(*, ids: list[int], vocabulary: Vocabulary) -> dict[int, Program]:
    """Programmes by id with the relations the rules and result cards read, in few queries.

    Vocabulary tables are small and every candidate shares their terms, so each is read once
    and attached from its link table; Django's prefetch would build one model instance per
    link (about 3,500 for 110 candidates), which cost more than all the queries together.
    """
    programs = {program.pk: program for program in Program.objects.filter(pk__in=ids)}
    for program in programs.values():
        program._prefetched_objects_cache = {}
    for relation in VOCABULARY_RELATIONS:
        field = Program._meta.get_field(relation)
        terms = vocabulary.terms[relation]
        position = {pk: index for index, pk in enumerate(terms)}
        linked: dict[int, list[int]] = defaultdict(list)
        for program_id, term_id in field.remote_field.through.objects.filter(
            program_id__in=ids
        ).values_list("program_id", f"{field.m2m_reverse_field_name()}_id"):
            linked[program_id].append(term_id)
        for pk, program in programs.items():
            term_ids = sorted(linked.get(pk, ()), key=position.__getitem__)
            _attach(program, relation, field.related_model, [terms[i] for i in term_ids])
    for relation, model in (("sessions", WeeklySession), ("locations", Location)):
        grouped: dict[int, list] = defaultdict(list)
        for row in model.objects.filter(program_id__in=ids):
            grouped[row.program_id].append(row)
        for pk, program in programs.items():
            rows = grouped.get(pk, [])
            for row in rows:
                row.program = program
            _attach(program, relation, model, rows)
    return programs


def _attach(program: Program, relation: str, model: type, rows: list) -> None:
    """Store rows as if prefetched, so ``program.<relation>.all()`` reads them without a query.

    Like Django's own prefetch, the rows sit in a queryset's result cache; its query is an
    empty one shared per model (never run while the cache is set, copied if chained).
    """
    queryset = QuerySet(model=model, query=_empty_query(model))
    queryset._result_cache = rows
    queryset._prefetch_done = True
    program._prefetched_objects_cache[relation] = queryset


@functools.cache
def _empty_query(model: type) -> Query:
    query = Query(model)
    query.set_empty()
    return query
