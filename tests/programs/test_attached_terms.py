"""A page of programmes' terms, attached from the vocabulary copy, are what .all() gives."""

import pytest

from matching.selectors import programs_for_page, vocabulary_load
from programs.attached import related
from programs.models import VOCABULARY_RELATIONS, Program
from tests.factories import LocationFactory, ProgramFactory

pytestmark = pytest.mark.django_db

RELATIONS = ["conditions", "modalities", "insurance", "populations", "languages"]


def test_attached_terms_are_the_relations_in_the_vocabulary_order(
    django_assert_max_num_queries,
):
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
