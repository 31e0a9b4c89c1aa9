"""Reads behind the HSDS API: the standard's search parameters over published programmes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from programs.geo import Place
from programs.interop import (
    TAXONOMIES,
    Taxonomy,
    Term,
    interop_attach,
    interop_programs,
    organization_index,
    organization_q,
    taxonomy_terms,
)
from programs.models import Location, Program
from programs.querysets import ProgramQuerySet


@dataclass(frozen=True)
class ServiceQuery:
    """The standard's search parameters, already validated."""

    search: str = ""
    taxonomy_term_id: str = ""
    taxonomy_id: str = ""
    organization_id: str = ""
    modified_after: datetime.datetime | None = None
    place: Place | None = None
    miles: float = 0.0


def _term_lookup(terms: list[Term]) -> dict[str, Term]:
    return {term.id: term for term in terms}


def hsds_service_filter(*, query: ServiceQuery, full: bool) -> ProgramQuerySet:
    """Published programmes matching the standard's parameters, fetched for ``full`` or not.

    ``postcode`` and ``proximity`` use the catalogue's own radius search (``near``), so the
    HSDS API finds exactly the programmes the directory finds for the same place and radius.
    """
    programs = (
        interop_programs() if full else Program.objects.published().select_related("verified_by")
    )
    if query.search:
        programs = programs.search(query.search)
    if query.taxonomy_term_id:
        term = _term_lookup(taxonomy_terms()).get(query.taxonomy_term_id)
        programs = programs.filter(term.q) if term else programs.none()
    if query.taxonomy_id:
        chosen = [term.q for term in taxonomy_terms() if term.taxonomy.id == query.taxonomy_id]
        condition = Q(pk__in=[])
        for term_q in chosen:
            condition |= term_q
        programs = programs.filter(pk__in=Program.objects.filter(condition).values("pk"))
    if query.organization_id:
        names = organization_index(queryset=Program.objects.published()).get(
            query.organization_id, []
        )
        programs = programs.filter(organization_q(names)) if names else programs.none()
    if query.modified_after:
        programs = programs.filter(updated_at__gte=query.modified_after)
    if query.place:
        programs = programs.near(query.place, query.miles)
    # The ranked search and the radius annotate; paging needs one stable order either way.
    return programs.order_by("name", "pk")


def hsds_service_get(*, service_id: str) -> Program:
    """One published programme by its public id, with everything a full service shows, or 404."""
    program = get_object_or_404(interop_programs(), uuid=service_id)
    interop_attach([program])
    return program


def hsds_service_at_location_filter(*, query: ServiceQuery) -> QuerySet[Location]:
    """Sites of matching programmes (only those inside the radius when a place is given)."""
    programs = hsds_service_filter(query=query, full=False)
    locations = Location.objects.filter(program__in=programs.values("pk"))
    if query.place:
        locations = locations.within(query.place, query.miles)
    return locations.select_related("program").order_by("program__name", "program_id", "pk")


def hsds_location_get(*, location_id: str) -> Location:
    """One site of a published programme, by its public id, or 404."""
    return get_object_or_404(
        Location.objects.select_related("program"),
        program__status=Program.Status.PUBLISHED,
        uuid=location_id,
    )


def hsds_organizations(*, search: str = "") -> list[tuple[str, str]]:
    """Every organisation with a published programme: (id, name), by name."""
    index = organization_index(queryset=Program.objects.published())
    found = [
        (uid, names[0]) for uid, names in index.items() if search.casefold() in names[0].casefold()
    ]
    return sorted(found, key=lambda item: (item[1].casefold(), item[0]))


def hsds_taxonomies(*, search: str = "") -> list[Taxonomy]:
    """Our taxonomies whose name contains ``search``."""
    return [taxonomy for taxonomy in TAXONOMIES if search.casefold() in taxonomy.name.casefold()]


def hsds_taxonomy_get(*, taxonomy_id: str) -> Taxonomy:
    """One of our taxonomies by id, or 404."""
    for taxonomy in TAXONOMIES:
        if taxonomy.id == taxonomy_id:
            return taxonomy
    raise Http404


def hsds_terms(*, search: str = "", taxonomy_id: str = "") -> list[Term]:
    """Published terms whose name contains ``search``, of one taxonomy or all."""
    return [
        term
        for term in taxonomy_terms()
        if search.casefold() in term.name.casefold()
        and (not taxonomy_id or term.taxonomy.id == taxonomy_id)
    ]


def hsds_term_get(*, term_id: str) -> Term:
    """One published term by id, or 404."""
    term = _term_lookup(taxonomy_terms()).get(term_id)
    if term is None:
        raise Http404
    return term
