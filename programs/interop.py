"""What the HSDS and FHIR APIs share: public ids, organisations, taxonomies, levels of care.

Both standards publish the same facts about a programme; the definitions here are the only
ones, so the two APIs, the exports and the HSDS import can never disagree about an id, an
organisation or which level of care a programme offers.
"""

from __future__ import annotations

import functools
import hashlib
import math
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from programs import levels as care_levels
from programs.geo import Place, zip_place
from programs.models import VOCABULARY_RELATIONS, Program
from programs.querysets import ProgramQuerySet

# Fixed forever: every derived id (organisations, taxonomy terms, schedules…) hangs off it.
NAMESPACE = uuid.UUID("6f1d3c52-9a8e-4c1b-a1f4-2f7e0b6f9d11")


_NAMESPACE_SHA1 = hashlib.sha1(NAMESPACE.bytes, usedforsecurity=False)


def derived_uuid(*parts: object) -> str:
    """A stable id for something stored without one of its own: uuid5 of its parts.

    Computed with hashlib rather than ``uuid.uuid5`` (same value, tested): an export derives
    a few dozen ids per programme, and building UUID objects for each was a fifth of its time.
    The namespace is hashed once and copied.
    """
    sha1 = _NAMESPACE_SHA1.copy()
    sha1.update(":".join(map(str, parts)).encode())
    digest = bytearray(sha1.digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    text = digest.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


# --- Organisations ---------------------------------------------------------------------------
# An organisation is the provider named on its programmes (Program.organization), or the
# programme itself when no provider is named. Its id is derived from the normalised name, so it
# is the same on every server, in every export and after an import, with no table to keep in step
# (see docs/interop.md for why).


def organization_name(program: Program) -> str:
    """The provider's name as published, falling back on the programme's own name."""
    return program.organization.strip() or program.name.strip()


def organization_key(name: str) -> str:
    """Names that differ only in case or spacing are the same organisation."""
    return " ".join(name.casefold().split())


def organization_uuid(name: str) -> str:
    return derived_uuid("organization", organization_key(name))


def organization_index(*, queryset: ProgramQuerySet) -> dict[str, list[str]]:
    """Every organisation among ``queryset``: its id -> the names it goes by, alphabetically."""
    index: dict[str, list[str]] = {}
    for organization, name in (
        queryset.order_by("organization", "name").values_list("organization", "name").distinct()
    ):
        shown = organization.strip() or name.strip()
        variants = index.setdefault(organization_uuid(shown), [])
        if shown not in variants:
            variants.append(shown)
    return index


def organization_q(names: list[str]) -> Q:
    """Programmes published under any of these organisation names."""
    return Q(organization__in=names) | Q(organization="", name__in=names)


# --- Levels of care --------------------------------------------------------------------------
# Published from programs.levels (the one definition), as our "levels-of-care" taxonomy.


@dataclass(frozen=True)
class LevelOfCare:
    code: str
    bit: int

    @property
    def name(self) -> str:
        """ "Residential (ASAM 3)", in the active language."""
        return care_levels.display_label(care_levels.BY_CODE[self.code])

    def offered(self, program: Program) -> bool:
        return bool(program.levels & self.bit)

    @property
    def q(self) -> Q:
        return care_levels.offering_q(self.bit)


LEVELS_OF_CARE: tuple[LevelOfCare, ...] = tuple(
    LevelOfCare(info.code, info.bit) for info in care_levels.LEVELS
)


def program_levels_of_care(program: Program) -> list[LevelOfCare]:
    return [level for level in LEVELS_OF_CARE if level.offered(program)]


# --- Taxonomies ------------------------------------------------------------------------------
# Our vocabularies published as HSDS taxonomies (FHIR codings use the same codes).


@dataclass(frozen=True)
class Taxonomy:
    code: str
    name: str
    description: str
    relation: str = ""  # the Program relation whose vocabulary it publishes

    @property
    def id(self) -> str:
        return derived_uuid("taxonomy", self.code)

    @property
    def uri(self) -> str:
        return f"https://iopfinder.org/taxonomies/{self.code}"


@functools.cache
def term_uuid(taxonomy_code: str, code: str) -> str:
    """A taxonomy term's id (cached: every service repeats the same few hundred terms)."""
    return derived_uuid("taxonomy_term", taxonomy_code, code)


@dataclass(frozen=True)
class Term:
    taxonomy: Taxonomy
    code: str
    name: str
    description: str
    q: Q

    @property
    def id(self) -> str:
        return term_uuid(self.taxonomy.code, self.code)


FACTS_TAXONOMY = Taxonomy(
    "programme-facts",
    "Programme facts",
    "Facts without an HSDS field of their own; the value holds them.",
)
# term code -> the Program field whose value an attribute of that term carries.
FACT_FIELDS: dict[str, str] = {
    "accepting-new-patients": "accepting_new_patients",
    "typical-wait-days": "typical_wait_days",
    "days-per-week": "days_per_week",
    "hours-per-day": "hours_per_day",
    "hours-per-week": "hours_per_week",
    "length-weeks-min": "length_weeks_min",
    "length-weeks-max": "length_weeks_max",
    "payment-plans": "payment_plans",
}
LEVEL_TAXONOMY = Taxonomy("levels-of-care", "Levels of care", "ASAM levels of care offered.")
DELIVERY_TAXONOMY = Taxonomy("delivery", "Delivery", "In person, virtual or both.")
VOCABULARY_TAXONOMIES: tuple[Taxonomy, ...] = (
    Taxonomy("conditions", "Conditions treated", "Conditions a programme treats.", "conditions"),
    Taxonomy("therapies", "Therapies and services", "What a programme offers.", "modalities"),
    Taxonomy("insurance", "Insurance accepted", "Insurers and public payers.", "insurance"),
    Taxonomy("populations", "Populations served", "Groups a programme serves.", "populations"),
    Taxonomy("accreditations", "Accreditations", "Who accredits a programme.", "accreditations"),
)
TAXONOMIES: tuple[Taxonomy, ...] = (
    *VOCABULARY_TAXONOMIES,
    LEVEL_TAXONOMY,
    DELIVERY_TAXONOMY,
    FACTS_TAXONOMY,
)
TAXONOMY_BY_RELATION = {taxonomy.relation: taxonomy for taxonomy in VOCABULARY_TAXONOMIES}


def taxonomy_terms() -> list[Term]:
    """Every published term: the vocabularies (one query each), levels, delivery and facts."""
    terms: list[Term] = []
    for taxonomy in VOCABULARY_TAXONOMIES:
        model = VOCABULARY_RELATIONS[taxonomy.relation]
        for slug, name, description in model.objects.values_list("slug", "name", "description"):
            terms.append(
                Term(taxonomy, slug, name, description, Q(**{f"{taxonomy.relation}__slug": slug}))
            )
    for level in LEVELS_OF_CARE:
        terms.append(Term(LEVEL_TAXONOMY, level.code, str(level.name), str(level.name), level.q))
    for value, label in Program.Delivery.choices:
        terms.append(Term(DELIVERY_TAXONOMY, value, str(label), str(label), Q(delivery=value)))
    for code, field in FACT_FIELDS.items():
        label = str(Program._meta.get_field(field).verbose_name)
        terms.append(Term(FACTS_TAXONOMY, code, label, label, Q(**{f"{field}__isnull": False})))
    return terms


# --- Shared wording -------------------------------------------------------------------------


def eligibility_description(program: Program) -> str:
    """Who a programme is for, in the words both standards publish."""
    if program.max_age is None:
        ages = _("Ages %(min)s and over.") % {"min": program.min_age}
    else:
        ages = _("Ages %(min)s to %(max)s.") % {"min": program.min_age, "max": program.max_age}
    populations = [term.name for term in related(program, "populations")]
    if populations:
        return f"{ages} " + _("Serves: %(groups)s.") % {"groups": ", ".join(populations)}
    return ages


# --- Reads -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VocabularyTerm:
    """A vocabulary term as the standards publish it, its translated fields read once.

    ``interop_attach`` gives programmes these instead of model instances: a term's name and
    description go through django-modeltranslation's descriptor (the active language, then
    the fallbacks) on every read, and an export reads them once per link, ~35 per programme.
    """

    pk: int
    slug: str
    name: str
    description: str
    category: str


def interop_programs() -> ProgramQuerySet:
    """Published programmes for a standard; their relations come from ``interop_attach``."""
    return Program.objects.published().select_related("verified_by")


def interop_attach(
    programs: Sequence[Program], *, relations: Iterable[str] = tuple(VOCABULARY_RELATIONS)
) -> Sequence[Program]:
    """Load what a standard publishes for ``programs`` in a fixed number of queries.

    Sites, sessions, licensed states and the ``relations`` vocabularies, each as a list in the
    order ``.all()`` gives, read back with ``related``. Not ``prefetch_related``: it builds a
    queryset per programme and relation and a term object per link, which was four fifths of a
    FHIR page of 50 (1,600 objects). Here a vocabulary is its link rows (id pairs) and its
    terms, each term built once however many programmes share it.
    """
    by_pk = {program.pk: program for program in programs}
    ids = list(by_pk)
    loaded: dict[int, dict[str, list[Any]]] = {pk: {} for pk in ids}
    for name in ("locations", "sessions"):
        model = Program._meta.get_field(name).related_model
        for pk in ids:
            loaded[pk][name] = []
        for row in model.objects.filter(program_id__in=ids):
            row.program = by_pk[row.program_id]  # in hand already: no query per row
            loaded[row.program_id][name].append(row)
    for name in ("licensed_states", *relations):
        field = Program._meta.get_field(name)
        through = field.remote_field.through
        links = list(
            through.objects.filter(**{f"{field.m2m_field_name()}__in": ids}).values_list(
                f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
            )
        )
        terms: list[Any] = list(
            field.related_model.objects.filter(pk__in={term for _, term in links})
        )
        if name != "licensed_states":
            terms = [
                VocabularyTerm(
                    term.pk, term.slug, term.name, term.description, getattr(term, "category", "")
                )
                for term in terms
            ]
        position = {term.pk: index for index, term in enumerate(terms)}
        for pk in ids:
            loaded[pk][name] = []
        for program_id, term_id in sorted(links, key=lambda link: position[link[1]]):
            loaded[program_id][name].append(terms[position[term_id]])
    for program in programs:
        program.interop_related = loaded[program.pk]
    return programs


def related(program: Program, name: str) -> list[Any]:
    """A programme's sites, sessions, states or terms: as ``interop_attach`` loaded them, or
    read now (a programme built elsewhere, e.g. by a test)."""
    attached = getattr(program, "interop_related", None)
    if attached is not None and name in attached:
        return attached[name]
    return list(getattr(program, name).all())


def interop_chunks(
    queryset: ProgramQuerySet, *, relations: Iterable[str], size: int = 1000
) -> Iterator[Program]:
    """Every programme of ``queryset`` by primary key, ``size`` at a time, with interop_attach.

    Keyset paging (``pk > last``), so memory stays flat and no page is read twice.
    """
    relations = tuple(relations)
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).order_by("pk")[:size])
        if not chunk:
            return
        yield from interop_attach(chunk, relations=relations)
        last = chunk[-1].pk


def proximity_place(latitude: float, longitude: float) -> Place:
    """A point given as coordinates, for the catalogue's own radius search."""
    return Place(label=f"{latitude},{longitude}", latitude=latitude, longitude=longitude, state="")


def postcode_place(postcode: str) -> Place | None:
    """The centroid of a five-digit ZIP code, as the directory's own search places it."""
    return zip_place(postcode.strip()[:5]) if postcode.strip() else None


@dataclass(frozen=True)
class ResultPage:
    """One page of a list (a queryset or a list in memory) and the total it came from."""

    items: list[Any]
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def has_next(self) -> bool:
        return self.number * self.size < self.total


def result_page(*, items: QuerySet | Sequence[Any], number: int, size: int) -> ResultPage:
    """Slice page ``number``; a page past the end is empty (the client asked for it by number)."""
    total = items.count() if isinstance(items, QuerySet) else len(items)
    offset = (number - 1) * size
    return ResultPage(list(items[offset : offset + size]), total, number, size)
