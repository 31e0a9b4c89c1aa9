"""Matching keeps a copy of the vocabularies per process; a change is seen at once."""

import pytest

from matching.selectors import vocabulary_load
from matching.services import match_programs
from programs.attached import related
from programs.models import Condition, Insurance
from programs.services import program_search_refresh
from tests.factories import LocationFactory, ProgramFactory
from tests.matching.conftest import make_intake

pytestmark = pytest.mark.django_db


def accepts_reason(result) -> list[str]:
    return [r.text for r in result.results[0].reasons if r.criterion == "insurance"]


def test_a_renamed_term_shows_in_the_next_match(db):
    LocationFactory(program=ProgramFactory(conditions=["depression"], insurance=["aetna"]))
    intake = make_intake(insurance="aetna")
    assert accepts_reason(match_programs(intake=intake)) == ["Accepts Aetna"]
    aetna = Insurance.objects.get(slug="aetna")
    aetna.name = "Aetna Health"
    aetna.save()
    assert accepts_reason(match_programs(intake=intake)) == ["Accepts Aetna Health"]


def test_a_term_added_in_bulk_is_matched_after_the_catalogue_is_kept_in_step(db):
    vocabulary_load()  # the copy is made before the term exists
    Condition.objects.bulk_create([Condition(slug="gambling", name="Gambling", sort_order=99)])
    program = ProgramFactory(name="Gambling IOP", conditions=["gambling"])
    LocationFactory(program=program)
    program_search_refresh(program_ids=[program.pk])
    result = match_programs(intake=make_intake(conditions=("gambling",)))
    assert [m.program.name for m in result.results] == ["Gambling IOP"]
    assert "Gambling" in " ".join(r.text for r in result.results[0].matched)


def test_a_match_reads_the_vocabularies_once_per_change(django_assert_max_num_queries, db):
    LocationFactory(program=ProgramFactory(conditions=["depression"]))
    intake = make_intake()
    match_programs(intake=intake)
    # The ranking (terms and session times come with it), the page's programmes and their
    # sites: no vocabulary, link or session reads.
    with django_assert_max_num_queries(3):
        match_programs(intake=intake)


def test_a_term_added_since_the_copy_shows_on_the_page(term_added_since_the_copy):
    """A term the copy does not hold yet (another process added it since this one read the
    copy): the page reads the links, and the vocabularies again."""
    added = term_added_since_the_copy
    program, links = added.program, added.links
    result = match_programs(intake=make_intake(), load_vocabulary=lambda: added.stale)
    assert links, "the mask named a term the copy lacks: the links were read"
    assert [term.name for term in related(result.results[0].program, "conditions")] == [
        term.name for term in program.conditions.all()
    ]
    assert "Gambling" in [term.name for term in related(result.results[0].program, "conditions")]
