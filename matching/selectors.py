"""Reads for matching: candidates that meet every hard constraint, ready to score."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef

from matching.intake import Format, Intake
from matching.rules import Vocabulary
from programs.models import (
    Condition,
    Insurance,
    Language,
    Modality,
    Population,
    Program,
)

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
    main_ids = list(
        Condition.objects.filter(slug=intake.main_condition).values_list("pk", flat=True)
    )
    programs = programs.annotate(
        treats_main=Exists(
            Program.conditions.through.objects.filter(
                program_id=OuterRef("pk"), condition_id__in=main_ids
            )
        )
    )

    # Each way of reaching a programme is ranked and capped in the database, so only a few
    # hundred rows ever leave it, however large the catalogue: in person within the radius
    # (driven by the location index) and virtual care licensed in the seeker's state.
    found: dict[int, float | None] = {}
    if intake.format in (Format.IN_PERSON, Format.EITHER):
        nearby = programs.in_person().near(place, intake.radius)
        for pk, distance in nearby.order_by(
            F("treats_main").desc(), "distance_miles", "pk"
        ).values_list("pk", "distance_miles")[:limit]:
            found[pk] = distance
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
    loaded = Program.objects.filter(pk__in=list(found)).prefetch_related(
        "conditions", "modalities", "insurance", "populations", "languages", "sessions", "locations"
    )
    by_id = {program.pk: program for program in loaded}
    return [Candidate(program=by_id[pk], distance_miles=distance) for pk, distance in found.items()]
