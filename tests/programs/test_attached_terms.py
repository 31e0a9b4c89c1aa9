"""A page of programmes' terms, attached from the vocabulary copy (from the links or the search
table's masks), are what .all() gives."""

import datetime

import pytest

from matching.selectors import PAGE_MASKS, programs_for_page, vocabulary_load
from programs.attached import related
from programs.models import VOCABULARY_RELATIONS, Program, ProgramSearch
from programs.templatetags.programs_tags import schedule_summary
from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory

pytestmark = pytest.mark.django_db

RELATIONS = ["conditions", "modalities", "insurance", "populations", "languages"]


def _programmes_with_terms():
    """Three programmes with a site each: many terms out of order, a few, none."""
    programs = [
        ProgramFactory(
            conditions=["ptsd-trauma", "depression", "anxiety"],
            modalities=["dbt", "cbt"],
            insurance=["medicaid", "aetna"],
            languages=["es", "en"],
        ),
        ProgramFactory(conditions=["anxiety"], insurance=[], populations=["young-adults"]),
        ProgramFactory(conditions=[], modalities=[], insurance=[], languages=[]),
    ]
    for program in programs:
        LocationFactory(program=program)
    return programs


def test_attached_terms_are_the_relations_in_the_vocabulary_order(
    django_assert_max_num_queries,
):
    programs = _programmes_with_terms()
    ids = [program.pk for program in programs]
    vocabulary_load()
    # The programmes, sites, sessions and one query for every vocabulary's links.
    with django_assert_max_num_queries(4):
        page = programs_for_page(ids=ids, relations=["locations", "sessions", *RELATIONS])
    for program in Program.objects.filter(pk__in=ids):
        for relation in RELATIONS:
            assert [term.slug for term in related(page[program.pk], relation)] == [
                term.slug for term in getattr(program, relation).all()
            ], relation


def test_terms_of_a_programme_loaded_elsewhere_are_read_from_the_database():
    program = ProgramFactory(conditions=["depression", "anxiety"])
    fresh = Program.objects.get(pk=program.pk)
    assert related(fresh, "conditions") == list(program.conditions.all())
    assert set(VOCABULARY_RELATIONS) >= set(RELATIONS)


def test_attached_terms_carry_the_name_in_the_language_shown():
    from django.utils import translation

    program = ProgramFactory(conditions=["depression"], insurance=["self-pay"])
    LocationFactory(program=program)
    for language in ("en", "es"):
        with translation.override(language):
            page = programs_for_page(
                ids=[program.pk], relations=["conditions", "insurance"], vocabulary=None
            )
            fresh = Program.objects.get(pk=program.pk)
            for relation in ("conditions", "insurance"):
                assert [str(term) for term in related(page[program.pk], relation)] == [
                    term.name for term in getattr(fresh, relation).all()
                ]


def _masks(ids):
    """Each programme's ``PAGE_MASKS`` from its search rows, as the ranking returns them."""
    rows = ProgramSearch.objects.filter(program_id__in=ids, kind=ProgramSearch.Kind.ANCHOR)
    return {row["program_id"]: row for row in rows.values("program_id", *PAGE_MASKS)}


def test_terms_and_schedules_read_off_the_search_masks_are_the_relations(
    django_assert_max_num_queries,
):
    programs = _programmes_with_terms()
    WeeklySessionFactory(program=programs[0], weekday=5, start_time=datetime.time(9))
    WeeklySessionFactory(program=programs[0], weekday=1, start_time=datetime.time(18))
    ids = [program.pk for program in programs]
    masks = _masks(ids)
    vocabulary = vocabulary_load()
    # The programmes and their sites: no links, no sessions.
    with django_assert_max_num_queries(2):
        page = programs_for_page(
            ids=ids, relations=["locations", "sessions", *RELATIONS], masks=masks
        )
    read = programs_for_page(ids=ids, relations=["sessions", *RELATIONS], vocabulary=vocabulary)
    for program in Program.objects.filter(pk__in=ids):
        for relation in RELATIONS:
            assert [term.slug for term in related(page[program.pk], relation)] == [
                term.slug for term in getattr(program, relation).all()
            ], relation
        assert schedule_summary(page[program.pk]) == schedule_summary(read[program.pk])
    assert schedule_summary(page[programs[0].pk]) == "Evenings / Weekends · Tue, Sat"


def test_a_mask_naming_a_term_the_copy_lacks_reads_the_links(term_added_since_the_copy):
    added = term_added_since_the_copy
    program, links = added.program, added.links
    page = programs_for_page(
        ids=[program.pk],
        relations=["conditions"],
        vocabulary=added.stale,
        masks=_masks([program.pk]),
    )
    assert links, "the mask named a term the copy lacks: the links were read"
    assert {term.slug for term in related(page[program.pk], "conditions")} == {
        "depression",
        "gambling",
    }
