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
    # The ranking, the page's programmes, their sites, their sessions and the links to
    # every vocabulary a rule reads (one query): no vocabulary reads.
    with django_assert_max_num_queries(5):
        match_programs(intake=intake)


def test_a_term_added_since_the_copy_shows_on_the_page(db):
    """A link to a term the copy does not hold yet: the vocabularies are read again."""
    program = ProgramFactory(name="Gambling IOP", conditions=["depression"])
    LocationFactory(program=program)
    vocabulary_load()
    # Added without the signals that would replace the copy (as a raw import could).
    Condition.objects.bulk_create([Condition(slug="gambling", name="Gambling", sort_order=0)])
    program.conditions.add(Condition.objects.get(slug="gambling"))
    # Its search rows rewritten, as every write path does: their mask names the new term.
    program_search_refresh(program_ids=[program.pk])
    result = match_programs(intake=make_intake())
    assert [term.name for term in related(result.results[0].program, "conditions")] == [
        term.name for term in program.conditions.all()
    ]
    assert "Gambling" in [term.name for term in related(result.results[0].program, "conditions")]
