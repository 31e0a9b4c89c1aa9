"""Signs of quality: facts from the data a seeker can weigh, never a score.

Each sign is a fact a listing either shows or does not (it offers medication for opioid or
alcohol use, it is accredited…), with one line on what it means for the seeker and where
the fact comes from. The definitions here are the only ones: the directory's filter selects
with ``sign_q`` and the cards and pages show ``program_signs``; a test proves they agree.
Nothing is added up or ranked: a listing without a sign may simply not have told anyone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from programs.attached import related
from programs.models import VOCABULARY_RELATIONS, DirectoryRecord, Program, Vocabulary
from programs.translated import Translated

# Therapies with strong trial evidence for the conditions IOPs treat (see docs/domain.md).
EVIDENCE_BASED_THERAPIES = frozenset(
    {
        "cbt",
        "dbt",
        "emdr",
        "motivational-interviewing",
        "act",
        "erp",
        "trauma-focused-cbt",
        "contingency-management",
    }
)
# National accreditors that review a whole programme's care (a state licence is its own sign).
ACCREDITORS = frozenset({"joint-commission", "carf", "ncqa", "coa"})


class Sign(models.TextChoices):
    MOUD = "moud", _("Offers medication for opioid or alcohol use")
    MOUD_ACCEPTED = "moud_accepted", _("Accepts people already taking such medication")
    EVIDENCE_BASED = "evidence_based", _("Offers evidence-based therapies")
    ACCREDITED = "accredited", _("Accredited (Joint Commission, CARF, NCQA or COA)")
    STATE_LICENSED = "state_licensed", _("Licensed or certified by the state")
    CO_OCCURRING = "co_occurring", _("Treats co-occurring mental health and substance use")


@dataclass(frozen=True)
class Definition:
    relation: str  # the programme's vocabulary relation
    slugs: frozenset[str]  # any of these terms shows the sign
    meaning: Promise  # one line: why a seeker may care


DEFINITIONS: dict[str, Definition] = {
    Sign.MOUD: Definition(
        "modalities",
        frozenset({"moud"}),
        _(
            "Medication such as buprenorphine, methadone or naltrexone lowers the risk of "
            "relapse and overdose; it is the standard of care for opioid use disorder."
        ),
    ),
    Sign.MOUD_ACCEPTED: Definition(
        "modalities",
        frozenset({"moud-accepted"}),
        _("You can keep taking the medication another prescriber gives you while you attend."),
    ),
    Sign.EVIDENCE_BASED: Definition(
        "modalities",
        EVIDENCE_BASED_THERAPIES,
        _("Therapies shown in clinical trials to help the conditions they are used for."),
    ),
    Sign.ACCREDITED: Definition(
        "accreditations",
        ACCREDITORS,
        _(
            "An independent body has reviewed its care, safety and staff against national standards."
        ),
    ),
    Sign.STATE_LICENSED: Definition(
        "accreditations",
        frozenset({"state-licensed"}),
        _("A state agency licenses or certifies it to give this care, and can receive complaints."),
    ),
    Sign.CO_OCCURRING: Definition(
        "conditions",
        frozenset({"co-occurring"}),
        _(
            "Treats mental health and substance use together, which works better than "
            "treating them one at a time."
        ),
    ),
}

# Where a sign's term came from when no directory edition gives it but one lists the programme.
ADDED_BY_OUR_TEAM = _("Added by our team")

# The vocabularies the signs read.
SIGN_RELATIONS = tuple(dict.fromkeys(definition.relation for definition in DEFINITIONS.values()))


def sign_q(sign: str, program: str = "pk") -> Q:
    """Programmes showing the sign, as a subquery (no join, so no repeated rows); ``program``
    names the programme's id in the outer query (``program_id`` on its search rows)."""
    definition = DEFINITIONS[sign]
    through = getattr(Program, definition.relation).through
    target = VOCABULARY_RELATIONS[definition.relation]._meta.model_name
    terms = through.objects.filter(
        program=OuterRef(program), **{f"{target}__slug__in": sorted(definition.slugs)}
    )
    return Q(Exists(terms))


@dataclass(frozen=True)
class ShownSign:
    sign: str
    label: str
    meaning: str
    details: list[str]  # which therapies, which accreditors
    sources: list[str]  # where the fact comes from


def _edition_terms(
    records: Iterable[DirectoryRecord], words: Translated
) -> list[tuple[str, dict[str, set[str]]]]:
    """Each directory edition that lists the programme, with the terms its own row maps to."""
    from programs.imports.editions import BY_SOURCE
    from programs.imports.samhsa import Facility, map_codes

    editions = []
    for record in records:
        edition = BY_SOURCE.get(record.source)
        if edition is None or not record.row:
            continue
        terms: dict[str, set[str]] = {relation: set() for relation in VOCABULARY_RELATIONS}
        map_codes(Facility.from_row(record.row).codes, edition, terms, set())
        editions.append((words.choice(Program.Source, record.source), terms))
    return editions


def program_signs(
    program: Program,
    *,
    terms: Mapping[str, Sequence[Vocabulary]] | None = None,
    records: Sequence[DirectoryRecord] | None = None,
    words: Translated | None = None,
) -> list[ShownSign]:
    """The signs a programme shows, from its relations (attached or prefetched), or from
    its ``terms`` by relation and directory ``records`` when given (``ProgramDetail``);
    a page of cards shares its ``words`` (each label translated once).

    A sign's source is each directory edition whose own row says it; a fact no edition
    gives came from the listing's own source (our staff, a CSV, a curator's edit).
    """
    if terms is None:
        terms = {relation: related(program, relation) for relation in SIGN_RELATIONS}
    if records is None:
        records = related(program, "directory_records")
    words = words or Translated()
    editions = _edition_terms(records, words)
    shown = []
    for sign, definition in DEFINITIONS.items():
        listed = [term for term in terms[definition.relation] if term.slug in definition.slugs]
        if not listed:
            continue
        slugs = {term.slug for term in listed}
        relation = definition.relation
        sources = [str(label) for label, mapped in editions if mapped[relation] & slugs]
        given = set().union(*(mapped[relation] for _label, mapped in editions))
        if slugs - given:  # a term no edition gives: the listing's own source, or a curator
            sources.append(
                words(ADDED_BY_OUR_TEAM)
                if editions
                else words.choice(Program.Source, program.source)
            )
        details = [term.name for term in listed] if len(definition.slugs) > 1 else []
        shown.append(
            ShownSign(
                sign=sign,
                label=words(Sign(sign).label),
                meaning=words(definition.meaning),
                details=details,
                sources=sources,
            )
        )
    return shown
