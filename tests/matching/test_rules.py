"""Each soft criterion alone: its points and its sentence."""

import datetime

import pytest

from matching import rules
from matching.rules import Context
from matching.selectors import vocabulary_load
from tests.factories import ProgramFactory, WeeklySessionFactory
from tests.matching.conftest import make_intake

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 22)


def check(rule, program, distance=None, **intake):
    context = Context(distance_miles=distance, today=TODAY, vocabulary=vocabulary_load())
    return rule.check(make_intake(**intake), program, context)


def test_conditions_main_concern_counts_most():
    both = ProgramFactory(conditions=["depression", "anxiety"])
    main_only = ProgramFactory(conditions=["depression"])
    other_only = ProgramFactory(conditions=["anxiety"])
    rule = rules.ConditionsRule()
    full, main, other = (check(rule, p) for p in (both, main_only, other_only))
    assert full.points == full.max_points
    assert main.points > other.points > 0
    assert (
        main.text
        == "Treats Depression, your main concern; doesn't list Anxiety (generalised, social, panic)"
    )
    assert not other.met


def test_conditions_substance_use_needs_a_programme_treating_both():
    dual = ProgramFactory(conditions=["depression", "co-occurring"])
    mental_only = ProgramFactory(conditions=["depression"])
    rule = rules.ConditionsRule()
    assert check(rule, dual, conditions=("depression",), substance_use=True).points == 35
    result = check(rule, mental_only, conditions=("depression",), substance_use=True)
    assert result.points < 35
    assert "substance use" in result.text


def test_therapies_say_what_is_missing():
    program = ProgramFactory(modalities=["cbt"])
    result = check(rules.TherapiesRule(), program, therapies=("cbt", "dbt"))
    assert result.text == "Offers CBT; no DBT"
    assert result.points == pytest.approx(7.5)
    assert check(rules.TherapiesRule(), program, therapies=("dbt",)).text == "No DBT"
    assert check(rules.TherapiesRule(), program) is None


def test_goals_are_met_by_services_and_schedule():
    program = ProgramFactory(modalities=["family-therapy"])
    WeeklySessionFactory(program=program, start_time=datetime.time(18), end_time=datetime.time(21))
    result = check(
        rules.GoalsRule(), program, goals=("involve-family", "keep-working", "trauma-work")
    )
    assert result.points == pytest.approx(10 * 2 / 3, abs=0.01)
    assert "2 of your 3 goals" in result.text


@pytest.mark.parametrize(
    ("start", "availability", "met", "text"),
    [
        (18, ("evening",), True, "Offers evening sessions"),
        (9, ("evening",), False, "Meets at other times (weekday morning)"),
        (13, ("afternoon", "evening"), True, "Offers weekday afternoon sessions"),
    ],
)
def test_schedule_fit_with_availability(start, availability, met, text):
    program = ProgramFactory()
    WeeklySessionFactory(
        program=program, start_time=datetime.time(start), end_time=datetime.time(start + 3)
    )
    result = check(rules.ScheduleRule(), program, availability=availability)
    assert (result.met, result.text) == (met, text)


def test_schedule_without_sessions_asks_the_seeker_to_check():
    result = check(rules.ScheduleRule(), ProgramFactory(), availability=("evening",))
    assert not result.met and "ask when groups meet" in result.text


def test_weekend_sessions_count_as_weekend():
    program = ProgramFactory()
    WeeklySessionFactory(
        program=program, weekday=6, start_time=datetime.time(10), end_time=datetime.time(13)
    )
    assert (
        check(rules.ScheduleRule(), program, availability=("weekend",)).text
        == "Offers weekend sessions"
    )


def test_distance_nearer_scores_higher():
    program = ProgramFactory()
    near, far = (
        check(rules.DistanceRule(), program, 1.0),
        check(rules.DistanceRule(), program, 20.0),
    )
    assert near.points > far.points > 0
    assert near.text == "1.0 miles from you"


def test_distance_for_a_virtual_programme_is_no_travel():
    program = ProgramFactory(delivery="virtual", licensed_states=["NY"])
    assert (
        check(rules.DistanceRule(), program, None).text
        == "Virtual: no travel, and licensed in your state"
    )


def test_insurance_accepted_generic_private_and_missing():
    rule = rules.InsuranceRule()
    assert (
        check(rule, ProgramFactory(insurance=["aetna"]), insurance="aetna").text == "Accepts Aetna"
    )
    generic = check(rule, ProgramFactory(insurance=["private-insurance"]), insurance="aetna")
    assert generic.met and "check that Aetna is covered" in generic.text and generic.points < 12
    missing = check(rule, ProgramFactory(insurance=["medicaid"]), insurance="aetna")
    assert (missing.met, missing.text, missing.points) == (False, "Doesn't list Aetna", 0)


def test_populations_language_intensity_verified_and_waitlist():
    program = ProgramFactory(
        populations=["veterans"],
        languages=["en", "es"],
        hours_per_week=12,
        last_verified_on=datetime.date(2026, 10, 1),
        accepting_new_patients=False,
    )
    assert (
        check(rules.PopulationsRule(), program, populations=("veterans",)).text
        == "Has a programme for Veterans"
    )
    assert (
        check(rules.PopulationsRule(), program, populations=("lgbtq",)).text
        == "No specific track for LGBTQ+ people"
    )
    assert check(rules.LanguageRule(), program, language="es").text == "Sessions in Spanish"
    assert (
        check(rules.LanguageRule(), program, language="vi").text
        == "No sessions listed in Vietnamese"
    )
    assert check(rules.IntensityRule(), program, severity="moderate").met
    assert not check(rules.IntensityRule(), program, severity="mild").met
    assert check(rules.VerifiedRule(), program).text == "Listing verified in October 2026"
    assert check(rules.WaitlistRule(), program, accept_waitlist=True).text == "Has a waitlist"
    assert check(rules.WaitlistRule(), program) is None


def test_stale_and_unverified_listings_score_less():
    stale = check(rules.VerifiedRule(), ProgramFactory(last_verified_on=datetime.date(2024, 1, 1)))
    never = check(rules.VerifiedRule(), ProgramFactory(last_verified_on=None))
    assert stale.points > never.points == 0
