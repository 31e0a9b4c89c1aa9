"""Ranking semantics: stated preferences decide the order; what was never asked only breaks ties."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import rules
from matching.rules import CriterionResult, Role, match_percent, rank_key
from matching.services import match_programs
from programs.geo import geocode
from tests.factories import LocationFactory, ProgramFactory
from tests.matching.conftest import add_sessions, make_intake

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 22)


def names(result) -> list[str]:
    return [match.program.name for match in result.results]


def texts(match) -> dict[str, list[str]]:
    return {
        "matched": [r.text for r in match.matched],
        "unmatched": [r.text for r in match.unmatched],
        "unknown": [r.text for r in match.unknown],
    }


def placed(program, zip_code="10001", north_miles=0.0):
    """A site at the ZIP's centre, or ``north_miles`` north of it."""
    place = geocode(zip_code)
    LocationFactory(
        program=program,
        city=place.city,
        state=place.state,
        zip_code=zip_code,
        latitude=place.latitude + north_miles / 69.0,
        longitude=place.longitude,
    )
    return program


def evenings(program, days=(0, 2, 4)):
    return add_sessions(program, *[(day, 18) for day in days], hours=3)


def test_unasked_points_never_outrank_a_stated_preference(db):
    asked = evenings(
        placed(
            ProgramFactory(
                name="Offers what you asked",
                conditions=["depression", "anxiety"],
                modalities=["cbt"],
                hours_per_week=30,  # an intensity that doesn't suit: unasked
                last_verified_on=None,  # never verified: unasked
            ),
            north_miles=3,
        )
    )
    polished = evenings(
        placed(
            ProgramFactory(
                name="Verified, right intensity, no CBT",
                conditions=["depression", "anxiety"],
                modalities=["dbt"],
                hours_per_week=12,
                last_verified_on=datetime.date(2026, 11, 1),
            ),
            north_miles=3,
        )
    )
    result = match_programs(
        intake=make_intake(therapies=("cbt",), availability=("evening",), age=30), today=TODAY
    )
    assert names(result) == [asked.name, polished.name]
    best, other = result.results
    # The unasked misses are shown but don't lower the "% match": only the 3-mile trip does.
    assert [r.role for r in best.unmatched] == [Role.TIE_BREAK, Role.TIE_BREAK]
    assert "Listing not yet verified: call to confirm details" in texts(best)["unmatched"]
    assert best.score == 99 and other.score < best.score


def test_a_full_match_ranks_above_a_closer_partial_one_with_more_points(db):
    full = placed(
        ProgramFactory(name="Treats both, far", conditions=["depression", "anxiety"]),
        north_miles=20,
    )
    partial = evenings(
        placed(
            ProgramFactory(name="Treats one, close", conditions=["depression"], modalities=["cbt"])
        )
    )
    result = match_programs(intake=make_intake(age=30), today=TODAY)
    assert names(result) == [full.name, partial.name]
    assert not result.results[0].unmatched
    assert (
        "Doesn't list Anxiety (generalised, social, panic)" in texts(result.results[1])["unmatched"]
    )


def test_the_percent_is_the_share_of_stated_points(db):
    program = evenings(
        placed(ProgramFactory(name="Half the therapies", conditions=["depression", "anxiety"])),
        days=(0, 2),
    )
    program.modalities.set([])
    result = match_programs(
        intake=make_intake(therapies=("cbt",), availability=("evening",), age=30), today=TODAY
    )
    [match] = result.results
    stated = [r for r in match.reasons if r.role is Role.STATED]
    possible = sum(r.max_points for r in stated)
    assert possible == 35 + 15 + 15 + 10  # conditions, therapies, schedule, distance
    assert match.score == round(100 * sum(r.points for r in stated) / possible)
    assert match.score == 80  # all but the 15 therapy points


def test_with_format_either_a_nearby_programme_is_not_outranked_by_virtual_ones(db):
    """Austin, 25 miles: in-person programmes within a short trip come before virtual care."""
    for index in range(3):
        ProgramFactory(
            name=f"Virtual from elsewhere {index}",
            delivery="virtual",
            licensed_states=["TX"],
            conditions=["depression", "anxiety"],
        )
    nearby = placed(
        ProgramFactory(name="Austin, 1.5 miles", conditions=["depression", "anxiety"]),
        "78701",
        north_miles=1.5,
    )
    across_town = placed(
        ProgramFactory(name="Austin, 20 miles", conditions=["depression", "anxiety"]),
        "78701",
        north_miles=20,
    )
    result = match_programs(intake=make_intake(location="78701", age=30), today=TODAY)
    ranking = names(result)
    assert ranking[0] == nearby.name
    # Beyond the short trip virtual care counts as, the trip decides against the far site.
    assert ranking[-1] == across_town.name
    virtual = result.results[1]
    assert virtual.distance_miles is None
    assert "Virtual: no travel, and licensed in your state" in texts(virtual)["matched"]


def test_a_blank_age_shows_each_age_range_and_puts_open_programmes_first(db):
    teens = evenings(
        placed(
            ProgramFactory(
                name="Teen IOP, fits everything",
                conditions=["depression", "anxiety"],
                min_age=13,
                max_age=17,
            )
        )
    )
    adults = placed(
        ProgramFactory(name="Adult IOP, misses anxiety", conditions=["depression"]),
        north_miles=10,
    )
    everyone = placed(
        ProgramFactory(name="All-ages IOP", conditions=["depression"], min_age=0), north_miles=10
    )
    result = match_programs(intake=make_intake(age=None, availability=("evening",)), today=TODAY)
    assert names(result) == [adults.name, everyone.name, teens.name]  # both open: by name
    shown = {match.program.name: texts(match)["unknown"] for match in result.results}
    assert shown == {
        teens.name: ["Ages 13-17"],
        adults.name: ["Schedule not listed: ask when groups meet", "Adults 18+"],
        everyone.name: ["Schedule not listed: ask when groups meet", "All ages"],
    }
    with_age = match_programs(intake=make_intake(age=15, availability=("evening",)), today=TODAY)
    assert names(with_age) == [teens.name, everyone.name]  # the full match first
    assert not [r for match in with_age.results for r in match.reasons if r.criterion == "age"]


def test_schedule_not_listed_is_neither_a_match_nor_a_miss(db):
    unlisted = placed(ProgramFactory(name="Times not listed", conditions=["depression", "anxiety"]))
    [match] = match_programs(
        intake=make_intake(availability=("evening",), age=30), today=TODAY
    ).results
    assert texts(match)["unknown"] == ["Schedule not listed: ask when groups meet"]
    assert "Schedule not listed: ask when groups meet" not in texts(match)["unmatched"]
    assert unlisted.name == match.program.name and 0 < match.score < 100


def test_weekend_seeker_gets_a_third_of_the_schedule_points_for_one_day_of_three(db):
    program = placed(ProgramFactory(name="Tue/Thu/Sat", conditions=["depression", "anxiety"]))
    add_sessions(program, (1, 18), (3, 18), (5, 10))
    [match] = match_programs(intake=make_intake(availability=("weekend",)), today=TODAY).results
    [schedule] = [r for r in match.reasons if r.criterion == "schedule"]
    assert (schedule.met, schedule.points, schedule.text) == (
        False,
        5,
        "1 of 3 days fits your weekends",
    )
    assert "Offers weekend sessions" not in [r.text for r in match.reasons]


def test_required_generic_private_insurance_never_says_it_is_not_listed(db):
    program = placed(ProgramFactory(name="Lists Aetna", insurance=["aetna", "medicaid"]))
    result = match_programs(
        intake=make_intake(insurance="private-insurance", insurance_required=True), today=TODAY
    )
    [match] = result.results
    assert match.program == program
    said = texts(match)
    assert "Accepts private insurance from Aetna: check your plan" in said["matched"]
    assert not any("Private insurance" in text for text in said["unmatched"])


def test_depression_and_alcohol_use_name_what_each_programme_treats(db):
    """The 35007 example: programmes list alcohol use; dual-diagnosis care ranks first."""
    alcohol = placed(ProgramFactory(name="Alcohol only", conditions=["alcohol-use"]))
    dual = placed(
        ProgramFactory(name="Dual diagnosis", conditions=["alcohol-use", "co-occurring"]),
        north_miles=10,
    )
    result = match_programs(
        intake=make_intake(conditions=("depression", "alcohol-use"), age=40), today=TODAY
    )
    assert names(result) == [dual.name, alcohol.name]
    by_name = {match.program.name: texts(match) for match in result.results}
    assert by_name[alcohol.name]["matched"][0] == "Treats Alcohol use"
    assert by_name[alcohol.name]["unmatched"] == [
        "Doesn't list Depression, your main concern",
        "Doesn't list care for mental health and substance use together (dual diagnosis)",
    ]
    assert (
        "Treats mental health and substance use together (dual diagnosis), as you need"
        in by_name[dual.name]["matched"]
    )


def test_results_page_shows_unknown_reasons_with_a_neutral_label(rf, db):
    from django.contrib.auth.models import AnonymousUser
    from django.shortcuts import render

    from matching.forms import IntakeForm

    placed(ProgramFactory(name="Times not listed", conditions=["depression", "anxiety"]))
    result = match_programs(intake=make_intake(availability=("evening",)), today=TODAY)
    request = rf.post("/match/")
    request.user = AnonymousUser()
    html = render(
        request,
        "matching/match_results.html",
        {"form": IntakeForm(), "result": result, "level": result.level_of_care},
    ).content.decode()
    assert (
        '<li class="reason reason--unknown"><span class="visually-hidden">To check: </span>'
        "Schedule not listed: ask when groups meet</li>" in html
    )
    assert "Adults 18+</li>" in html


# --- properties of the sort key ------------------------------------------------


def reason_sets():
    reason = st.builds(
        lambda role, met, max_points, share: CriterionResult(
            criterion="any",
            met=met,
            points=round(max_points * share, 2),
            max_points=max_points,
            text="",
            role=role,
        ),
        st.sampled_from(list(Role)),
        st.sampled_from([True, False, None]),
        st.sampled_from([1.0, 4.0, 6.0, 10.0, 15.0, 35.0]),
        st.floats(0, 1),
    )
    return st.tuples(
        st.lists(reason, max_size=8), st.one_of(st.none(), st.floats(0, 100, allow_nan=False))
    )


def tier(reasons):
    gate = sum(r.max_points - r.points for r in reasons if r.role is Role.GATE)
    full = not any(r.role is Role.STATED and r.met is False for r in reasons)
    stated = sum(r.points for r in reasons if r.role is Role.STATED)
    return round(gate, 2), full, round(stated, 2)


@settings(max_examples=500)
@given(a=reason_sets(), b=reason_sets())
def test_property_a_full_match_never_sorts_below_a_partial_one(a, b):
    (reasons_a, miles_a), (reasons_b, miles_b) = a, b
    gate_a, full_a, stated_a = tier(reasons_a)
    gate_b, full_b, stated_b = tier(reasons_b)
    key_a, key_b = rank_key(reasons_a, miles_a), rank_key(reasons_b, miles_b)
    if gate_a < gate_b:
        assert key_a < key_b  # with a blank age, the open programme first
    elif gate_a == gate_b and full_a and not full_b:
        assert key_a < key_b
    elif gate_a == gate_b and full_a == full_b and stated_a > stated_b:
        assert key_a < key_b  # whatever the unasked points and the trip


@settings(max_examples=500)
@given(a=reason_sets())
def test_property_the_percent_counts_only_stated_points(a):
    reasons, _miles = a
    stated = [r for r in reasons if r.role is Role.STATED]
    unasked = [r for r in reasons if r.role is not Role.STATED]
    assert match_percent(reasons) == match_percent(stated)
    assert match_percent(unasked) == 0
    assert 0 <= match_percent(reasons) <= 100


# --- properties over a real catalogue ------------------------------------------


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    conditions=st.lists(
        st.sampled_from(["depression", "anxiety", "alcohol-use", "opioid-use", "co-occurring"]),
        min_size=1,
        max_size=3,
        unique=True,
    ),
    substance_use=st.booleans(),
    therapies=st.lists(st.sampled_from(["cbt", "dbt", "emdr"]), max_size=2, unique=True),
    times=st.lists(st.sampled_from(["morning", "evening", "weekend"]), max_size=2, unique=True),
    insurance=st.sampled_from(["", "aetna", "private-insurance", "medicaid", "self-pay"]),
    fmt=st.sampled_from(["in_person", "virtual", "either"]),
    age=st.one_of(st.none(), st.integers(14, 70)),
)
def test_property_a_seekers_full_match_is_never_below_a_partial_one(
    ranking_catalogue, conditions, substance_use, therapies, times, insurance, fmt, age
):
    intake = make_intake(
        conditions=tuple(conditions),
        substance_use=substance_use,
        therapies=tuple(therapies),
        availability=tuple(times),
        insurance=insurance,
        format=fmt,
        age=age,
        radius=60,
    )
    result = match_programs(intake=intake, today=TODAY)
    # No safety answer here calls for more care, whose step-up order puts PHP first.
    assert result.level_of_care.level != "higher_care"
    results = result.results
    tiers = [tier(match.reasons) for match in results]
    for upper, lower in zip(tiers, tiers[1:], strict=False):
        gate_up, full_up, stated_up = upper
        gate_low, full_low, stated_low = lower
        assert gate_up <= gate_low
        if gate_up == gate_low:
            assert full_up or not full_low, "a full match sorted below a partial one"
            if full_up == full_low:
                assert stated_up >= stated_low, "unasked points outranked stated ones"
    if age is None:
        for match in results:
            assert [r for r in match.reasons if r.criterion == "age"], "no age range shown"
    assert all(match.score == match_percent(match.reasons) for match in results)
    # The points possible depend on the answers alone, so stated points order like the percent.
    possible = {
        round(sum(r.max_points for r in match.reasons if r.role is Role.STATED), 2)
        for match in results
    }
    assert len(possible) <= 1, possible


@pytest.fixture
def ranking_catalogue(db):
    """Programmes near Newark, NJ, and virtual ones licensed in NJ, differing in every rule."""
    import random

    chooser = random.Random(12)
    conditions = ["depression", "anxiety", "alcohol-use", "opioid-use", "co-occurring"]
    for index in range(30):
        min_age = chooser.choice([0, 13, 18, 18, 18, 65])
        max_age = chooser.choice([None, None, 17, 25]) if index % 3 == 0 else None
        program = ProgramFactory(
            name=f"Ranked IOP {index:02d}",
            delivery=chooser.choice(["in_person", "virtual", "hybrid"]),
            licensed_states=["NJ"],
            conditions=chooser.sample(conditions, chooser.randint(1, 3)),
            modalities=chooser.sample(["cbt", "dbt", "emdr"], chooser.randint(0, 2)),
            insurance=chooser.sample(
                ["aetna", "cigna", "private-insurance", "medicaid", "self-pay"],
                chooser.randint(0, 3),
            ),
            min_age=min_age if max_age is None or min_age <= max_age else 0,
            max_age=max_age,
            hours_per_week=chooser.choice([None, 6, 9, 12, 20]),
            last_verified_on=chooser.choice([None, datetime.date(2026, 10, 1)]),
        )
        if program.delivery != "virtual":
            placed(program, "07102", north_miles=chooser.uniform(0, 40))
        days = chooser.sample(range(7), chooser.randint(0, 4))
        add_sessions(program, *[(day, chooser.choice([9, 13, 18])) for day in days])
    return rules.RULES
