"""Reads behind the FHIR API: FHIR search parameters over published programmes and their sites."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from programs.geo import Place
from programs.interop import interop_attach, interop_programs, organization_index
from programs.models import Location, Program
from programs.querysets import ProgramQuerySet

# The vocabularies a HealthcareService shows (specialty, type, eligibility, communication).
FHIR_RELATIONS = ("conditions", "modalities", "populations", "languages")
HL7_CATEGORIES = {"24": Q(), "13": ~Q(conditions__category="mental_health")}


@dataclass(frozen=True)
class FhirSearch:
    """Validated search parameters (each list is an OR of the values given)."""

    ids: list[str] = field(default_factory=list)
    name: str = ""
    postcode: str = ""
    state: str = ""
    specialty: list[str] = field(default_factory=list)
    category: list[str] = field(default_factory=list)
    place: Place | None = None
    miles: float = 0.0


def _code(token: str) -> str:
    """A FHIR token may be ``system|code``; we match on the code."""
    return token.rsplit("|", 1)[-1]


def fhir_healthcare_services(*, search: FhirSearch) -> ProgramQuerySet:
    """Published programmes matching the search; ``near`` is the directory's radius search."""
    programs = interop_programs()
    if search.ids:
        programs = programs.filter(uuid__in=search.ids)
    if search.name:
        programs = programs.filter(name__istartswith=search.name)
    site = Location.objects.filter(program=OuterRef("pk"))
    if search.postcode:
        programs = programs.filter(Exists(site.filter(zip_code=search.postcode[:5])))
    if search.state:
        programs = programs.filter(Exists(site.filter(state=search.state.upper())))
    if search.specialty:
        wanted = Program.conditions.through.objects.filter(
            program=OuterRef("pk"), condition__slug__in=[_code(t) for t in search.specialty]
        )
        programs = programs.filter(Exists(wanted))
    if search.category:
        condition = Q(pk__in=[])
        for token in search.category:
            condition |= HL7_CATEGORIES.get(_code(token), Q(pk__in=[]))
        programs = programs.filter(pk__in=Program.objects.filter(condition).values("pk"))
    if search.place:
        programs = programs.near(search.place, search.miles)
    return programs.order_by("name", "pk")


def fhir_healthcare_service_get(*, resource_id: str) -> Program:
    """One published programme by its public id, with what it publishes, or 404."""
    program = get_object_or_404(interop_programs(), uuid=resource_id)
    interop_attach([program], relations=FHIR_RELATIONS)
    return program


def fhir_locations(*, search: FhirSearch) -> QuerySet[Location]:
    """Sites of published programmes (the sites inside the radius, with ``near``)."""
    sites = Location.objects.filter(program__status=Program.Status.PUBLISHED)
    if search.ids:
        sites = sites.filter(uuid__in=search.ids)
    if search.name:
        sites = sites.filter(
            Q(name__istartswith=search.name) | Q(program__name__istartswith=search.name)
        )
    if search.postcode:
        sites = sites.filter(zip_code=search.postcode[:5])
    if search.state:
        sites = sites.filter(state=search.state.upper())
    if search.place:
        sites = sites.within(search.place, search.miles)
    return sites.select_related("program").order_by("program__name", "program_id", "pk")


def fhir_location_get(*, resource_id: str) -> Location:
    """One site of a published programme by its public id, or 404."""
    return get_object_or_404(
        Location.objects.select_related("program"),
        program__status=Program.Status.PUBLISHED,
        uuid=resource_id,
    )


def fhir_organizations(*, search: FhirSearch) -> list[tuple[str, str]]:
    """Every provider of a published programme: (id, name), by name."""
    index = organization_index(queryset=Program.objects.published())
    found = [
        (identifier, names[0])
        for identifier, names in index.items()
        if (not search.ids or identifier in search.ids)
        and names[0].casefold().startswith(search.name.casefold())
    ]
    return sorted(found, key=lambda item: (item[1].casefold(), item[0]))


def fhir_organization_get(*, resource_id: str) -> tuple[str, str]:
    """A provider of published programmes by its id: (id, name), or 404."""
    names = organization_index(queryset=Program.objects.published()).get(resource_id)
    if not names:
        raise Http404
    return resource_id, names[0]
