"""Reads for matching: candidates that meet every hard constraint, ready to score."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from matching.intake import Format, Intake
from matching.rules import Vocabulary
from programs.models import (
    Condition,
    Insurance,
    Language,
    Location,
    Modality,
    Population,
    Program,
)

# Cost must grow slowly with the catalogue: we rank at most this many candidates,
# chosen in SQL by whether they treat the main concern, then distance, then freshness.
CANDIDATE_LIMIT = 200


@dataclass(frozen=True)
class Candidate:
    program: Program
    distance_miles: float | None


def vocabulary_load() -> Vocabulary:
    """Labels for every vocabulary term, for sentences about what a programme lacks."""
    labels = {
        "condition": dict(Condition.objects.values_list("slug", "name")),
        "modality": dict(Modality.objects.values_list("slug", "name")),
        "insurance": dict(Insurance.objects.values_list("slug", "name")),
        "population": dict(Population.objects.values_list("slug", "name")),
        "language": dict(Language.objects.values_list("slug", "name")),
    }
    abbreviations = dict(
        Modality.objects.exclude(abbreviation="").values_list("slug", "abbreviation")
    )
    labels["modality"].update(abbreviations)
    private = frozenset(
        Insurance.objects.filter(kind=Insurance.Kind.PRIVATE)
        .exclude(slug="private-insurance")
        .values_list("slug", flat=True)
    )
    return Vocabulary(labels=labels, private_carriers=private)


def acceptable_insurance(slug: str, vocabulary: Vocabulary) -> list[str]:
    """Insurance listings that satisfy a seeker's plan.

    A specific private carrier is satisfied by a listing of "private insurance" (SAMHSA
    lists insurance only at that level); the result then says to check the plan.
    """
    if slug in vocabulary.private_carriers:
        return [slug, "private-insurance"]
    if slug == "private-insurance":
        return [slug, *sorted(vocabulary.private_carriers)]
    return [slug]


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

    # Reachability, found from the small side first: sites inside the radius (index on
    # latitude/longitude) and programmes licensed in the seeker's state.
    distances: dict[int, float] = {}
    if intake.format in (Format.IN_PERSON, Format.EITHER):
        for program_id, distance in (
            Location.objects.within(place, intake.radius)
            .filter(program__delivery__in=[Program.Delivery.IN_PERSON, Program.Delivery.HYBRID])
            .values_list("program_id", "distance")
        ):
            distances[program_id] = min(distance, distances.get(program_id, math.inf))
    reachable = set(distances)
    if intake.format in (Format.VIRTUAL, Format.EITHER):
        reachable |= set(
            Program.licensed_states.through.objects.filter(
                state_id=place.state,
                program__delivery__in=[Program.Delivery.VIRTUAL, Program.Delivery.HYBRID],
            ).values_list("program_id", flat=True)
        )
    if not reachable:
        return []

    main = intake.main_condition
    treats_main = Exists(
        Program.conditions.through.objects.filter(program_id=OuterRef("pk"), condition__slug=main)
    )
    rows = list(
        programs.filter(pk__in=reachable)
        .annotate(treats_main=treats_main)
        .values_list("pk", "treats_main", "last_verified_on")
    )
    rows.sort(
        key=lambda row: (
            not row[1],
            distances.get(row[0], 0.0 if intake.format == Format.VIRTUAL else math.inf),
            -(row[2].toordinal() if row[2] else 0),
            row[0],
        )
    )
    chosen = [row[0] for row in rows[:limit]]
    loaded = Program.objects.filter(pk__in=chosen).prefetch_related(
        "conditions", "modalities", "insurance", "populations", "languages", "sessions", "locations"
    )
    by_id = {program.pk: program for program in loaded}
    return [Candidate(program=by_id[pk], distance_miles=distances.get(pk)) for pk in chosen]
