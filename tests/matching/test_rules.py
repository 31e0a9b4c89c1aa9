"""Each soft criterion alone: its points and its sentence."""

import datetime

import pytest

from matching import rules
from matching.rules import Context
from matching.selectors import vocabulary_load
from tests.factories import ProgramFactory, WeeklySessionFactory
from tests.matching.conftest import add_sessions, make_intake

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 22)


def reasons(rule, program, distance=None, **intake):
    context = Context(distance_miles=distance, today=TODAY, vocabulary=vocabulary_load())
    return rule.check(make_intake(**intake), program, context)


def check(rule, program, distance=None, **intake):
    """The rule's one reason, or None when it has nothing to say."""
    found = reasons(rule, program, distance, **intake)
    assert len(found) <= 1, found
    return found[0] if found else None


def said(found) -> list[tuple[bool | None, str]]:
    return [(reason.met, reason.text) for reason in found]


def points(found) -> float:
    return sum(reason.points for reason in found)


def test_conditions_main_concern_counts_most():
    both = ProgramFactory(conditions=["depression", "anxiety"])
    main_only = ProgramFactory(conditions=["depression"])
    other_only = ProgramFactory(conditions=["anxiety"])
    rule = rules.ConditionsRule()
    full, main, other = (reasons(rule, p) for p in (both, main_only, other_only))
    assert said(full) == [
        (True, "Treats Depression, your main concern, and Anxiety (generalised, social, panic)")
    ]
    assert points(full) == 35
    assert points(main) > points(other) > 0
    assert said(main) == [
        (True, "Treats Depression, your main concern"),
        (False, "Doesn't list Anxiety (generalised, social, panic)"),
    ]
    assert said(other) == [
        (True, "Treats Anxiety (generalised, social, panic)"),
        (False, "Doesn't list Depression, your main concern"),
    ]


def test_conditions_name_what_matched_and_what_did_not_separately():
    """Depression + alcohol use near 35007: each result lists alcohol use but not depression."""
    alcohol_only = ProgramFactory(conditions=["alcohol-use"])
    found = reasons(rules.ConditionsRule(), alcohol_only, conditions=("depression", "alcohol-use"))
    assert said(found) == [
        (True, "Treats Alcohol use"),
        (False, "Doesn't list Depression, your main concern"),
    ]
    assert [(r.points, r.max_points) for r in found] == [(14.0, 14.0), (0.0, 21.0)]
    assert not any("other concerns you chose" in r.text for r in found)


def test_conditions_missing_main_and_others_are_one_unmet_reason():
    found = reasons(
        rules.ConditionsRule(),
        ProgramFactory(conditions=["ocd"]),
        conditions=("depression", "anxiety", "ptsd-trauma"),
    )
    assert said(found) == [
        (
            False,
            "Doesn't list Depression, your main concern, or Anxiety (generalised, social, panic)"
            " or PTSD and trauma",
        )
    ]
    assert points(found) == 0 and sum(r.max_points for r in found) == 35


@pytest.mark.parametrize(
    ("seeker", "substance_use"),
    [
        (("depression", "alcohol-use"), False),  # by condition categories
        (("depression",), True),  # by the substance-use answer
        (("co-occurring",), False),  # named as such
    ],
)
def test_dual_diagnosis_scores_programmes_treating_both_and_says_so(seeker, substance_use):
    rule = rules.DualDiagnosisRule()
    together = ProgramFactory(conditions=["depression", "co-occurring"])
    both = ProgramFactory(conditions=["anxiety", "opioid-use"])
    mental_only = ProgramFactory(conditions=["depression"])
    kwargs = {"conditions": seeker, "substance_use": substance_use}
    assert said(reasons(rule, together, **kwargs)) == [
        (True, "Treats mental health and substance use together (dual diagnosis), as you need")
    ]
    assert points(reasons(rule, both, **kwargs)) == rule.weight
    missing = check(rule, mental_only, **kwargs)
    assert (missing.met, missing.points) == (False, 0)
    assert missing.text == (
        "Doesn't list care for mental health and substance use together (dual diagnosis)"
    )


def test_dual_diagnosis_is_silent_for_a_single_kind_of_concern():
    program = ProgramFactory(conditions=["depression"])
    rule = rules.DualDiagnosisRule()
    assert reasons(rule, program, conditions=("depression", "anxiety")) == ()
    assert reasons(rule, program, conditions=("alcohol-use",), substance_use=True) == ()


def test_therapies_say_what_is_offered_and_what_is_missing_apart():
    program = ProgramFactory(modalities=["cbt"])
    found = reasons(rules.TherapiesRule(), program, therapies=("cbt", "dbt"))
    assert said(found) == [(True, "Offers CBT"), (False, "No DBT")]
    assert points(found) == pytest.approx(7.5)
    assert check(rules.TherapiesRule(), program, therapies=("dbt",)).text == "No DBT"
    assert check(rules.TherapiesRule(), program) is None


def test_goals_are_met_by_services_and_schedule():
    program = ProgramFactory(modalities=["family-therapy"])
    WeeklySessionFactory(program=program, start_time=datetime.time(18), end_time=datetime.time(21))
    found = reasons(
        rules.GoalsRule(), program, goals=("involve-family", "keep-working", "trauma-work")
    )
    assert points(found) == pytest.approx(10 * 2 / 3, abs=0.01)
    assert said(found) == [
        (True, "Fits your goals: Involve my family and Keep working or studying while I get help"),
        (False, "Doesn't list services for your goal: Work through trauma"),
    ]


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


def test_schedule_not_listed_is_neither_matched_nor_failed():
    result = check(rules.ScheduleRule(), ProgramFactory(), availability=("evening",))
    assert result.met is None
    assert result.text == "Schedule not listed: ask when groups meet"
    assert result.points == 15 * rules.SCHEDULE_UNKNOWN_SHARE


def test_schedule_points_are_the_share_of_session_days_the_seeker_can_attend():
    """A weekend-only seeker can attend one day of a Tue/Thu/Sat programme, not all three."""
    program = add_sessions(ProgramFactory(), (1, 18), (3, 18), (5, 10))
    weekend = check(rules.ScheduleRule(), program, availability=("weekend",))
    assert (weekend.met, weekend.text, weekend.points) == (
        False,
        "1 of 3 days fits your weekends",
        5,
    )
    evenings = check(rules.ScheduleRule(), program, availability=("evening",))
    assert (evenings.text, evenings.points) == ("2 of 3 days fit your evenings", 10)
    both = check(rules.ScheduleRule(), program, availability=("evening", "weekend"))
    assert (both.met, both.text, both.points) == (True, "Offers evening and weekend sessions", 15)


def test_a_day_with_a_fitting_track_counts_once():
    program = add_sessions(ProgramFactory(), (0, 9), (0, 18), (2, 9), (2, 18))
    result = check(rules.ScheduleRule(), program, availability=("evening",))
    assert (result.met, result.points) == (True, 15)


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


def test_with_either_format_virtual_care_scores_as_a_short_trip():
    program = ProgramFactory(delivery="virtual", licensed_states=["NY"])
    virtual = check(rules.DistanceRule(), program, None, format="either", radius=25)
    as_if = check(
        rules.DistanceRule(), program, rules.VIRTUAL_TRIP_MILES, format="either", radius=25
    )
    nearby = check(rules.DistanceRule(), program, 1.5, format="either", radius=25)
    assert virtual.points == as_if.points < nearby.points
    assert virtual.role is nearby.role is rules.Role.STATED


def test_for_a_virtual_only_seeker_distance_is_only_a_tie_breaker():
    program = ProgramFactory(delivery="virtual", licensed_states=["NY"])
    result = check(rules.DistanceRule(), program, None, format="virtual")
    assert (result.role, result.points) == (rules.Role.TIE_BREAK, 10)


def test_insurance_accepted_generic_private_and_missing():
    rule = rules.InsuranceRule()
    assert (
        check(rule, ProgramFactory(insurance=["aetna"]), insurance="aetna").text == "Accepts Aetna"
    )
    generic = check(rule, ProgramFactory(insurance=["private-insurance"]), insurance="aetna")
    assert (generic.met, generic.text) == (
        True,
        "Accepts private insurance: check that Aetna is covered",
    )
    assert generic.points < 12
    missing = check(rule, ProgramFactory(insurance=["medicaid"]), insurance="aetna")
    assert (missing.met, missing.text, missing.points) == (False, "Doesn't list Aetna", 0)


def test_generic_private_insurance_is_met_by_a_listed_carrier_with_check_your_plan():
    """Generic "private insurance": the filter admits a carrier listing, so the reason must too."""
    rule = rules.InsuranceRule()
    carriers = check(
        rule,
        ProgramFactory(insurance=["cigna", "aetna", "medicaid"]),
        insurance="private-insurance",
    )
    assert (carriers.met, carriers.text) == (
        True,
        "Accepts private insurance from Aetna or Cigna / Evernorth: check your plan",
    )
    assert 0 < carriers.points < 12
    both = check(
        rule,
        ProgramFactory(insurance=["private-insurance", "aetna"]),
        insurance="private-insurance",
    )
    assert (both.met, both.text, both.points) == (
        True,
        "Accepts private insurance, including Aetna",
        12,
    )
    plain = check(
        rule, ProgramFactory(insurance=["private-insurance"]), insurance="private-insurance"
    )
    assert plain.text == "Accepts private insurance"
    missing = check(rule, ProgramFactory(insurance=["medicaid"]), insurance="private-insurance")
    assert (missing.met, missing.text) == (False, "Doesn't list private insurance")


@pytest.mark.parametrize(
    "plan", ["aetna", "cigna", "private-insurance", "medicaid", "self-pay", "medicare"]
)
@pytest.mark.parametrize(
    "listed",
    [
        [],
        ["aetna"],
        ["private-insurance"],
        ["cigna", "medicaid"],
        ["self-pay"],
        ["aetna", "private-insurance"],
    ],
)
def test_insurance_reason_is_met_exactly_when_the_filter_admits_the_programme(plan, listed):
    from matching.selectors import acceptable_insurance
    from programs.models import Program

    program = ProgramFactory(insurance=listed, sliding_scale=True)
    admitted = (
        Program.objects.filter(pk=program.pk)
        .accepting_insurance(acceptable_insurance(plan, vocabulary_load()))
        .exists()
    )
    result = check(rules.InsuranceRule(), program, insurance=plan)
    assert result.met is admitted, result.text
    assert result.text.startswith("Accepts") is admitted


def test_self_pay_with_sliding_scale_fees():
    rule = rules.InsuranceRule()
    listed = check(
        rule, ProgramFactory(insurance=["self-pay"], sliding_scale=True), insurance="self-pay"
    )
    assert (listed.met, listed.text) == (True, "Accepts self-pay, with sliding-scale fees")
    unlisted = check(rule, ProgramFactory(insurance=[], sliding_scale=True), insurance="self-pay")
    assert (unlisted.met, unlisted.text) == (
        False,
        "Doesn't list self-pay, but has sliding-scale fees",
    )
    assert 0 < unlisted.points < listed.points


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
    assert said(reasons(rules.PopulationsRule(), program, populations=("veterans", "lgbtq"))) == [
        (True, "Has a programme for Veterans"),
        (False, "No specific track for LGBTQ+ people"),
    ]
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


def test_the_month_verified_is_said_in_the_reader_s_language_each_time():
    from django.utils import translation

    program = ProgramFactory(last_verified_on=datetime.date(2024, 6, 3))
    said_in = {}
    for language in ("en", "es", "en", "es"):
        with translation.override(language):
            said_in.setdefault(language, set()).add(check(rules.VerifiedRule(), program).text)
    assert said_in["en"] == {"Listing last verified in June 2024"}
    assert said_in["es"] == {"Ficha verificada por última vez en junio 2024"}


def test_stale_and_unverified_listings_score_less():
    stale = check(rules.VerifiedRule(), ProgramFactory(last_verified_on=datetime.date(2024, 1, 1)))
    never = check(rules.VerifiedRule(), ProgramFactory(last_verified_on=None))
    assert stale.points > never.points == 0


@pytest.mark.parametrize(
    ("min_age", "max_age", "text", "points"),
    [
        (13, 17, "Ages 13-17", 0),
        (18, None, "Adults 18+", 1),
        (0, None, "All ages", 1),
        (16, None, "Ages 16+", 1),
        (18, 25, "Ages 18-25", 0),
        (65, None, "Ages 65+", 0),
    ],
)
def test_a_blank_age_shows_each_programmes_age_range(min_age, max_age, text, points):
    program = ProgramFactory(min_age=min_age, max_age=max_age)
    result = check(rules.AgeRule(), program, age=None)
    assert (result.met, result.text, result.points, result.role) == (
        None,
        text,
        points,
        rules.Role.GATE,
    )
    assert check(rules.AgeRule(), program, age=17 if max_age == 17 else 30) is None


def test_an_unknown_age_range_says_so():
    program = ProgramFactory.build(min_age=None, max_age=None)
    assert rules.age_range_text(program.min_age, program.max_age) == "Age range not listed"
    assert rules.takes_every_adult(program) is None


def test_unasked_criteria_are_tie_breakers_and_stated_ones_add_up_to_their_weight():
    program = ProgramFactory(hours_per_week=30, last_verified_on=None)
    intake = {"therapies": ("cbt", "dbt"), "goals": ("trauma-work",), "populations": ("lgbtq",)}
    for rule in rules.RULES:
        found = reasons(rule, program, 3.0, **intake)
        roles = {reason.role for reason in found}
        assert len(roles) <= 1
        if roles == {rules.Role.STATED}:
            assert sum(r.max_points for r in found) == pytest.approx(rule.weight), rule.name
    assert check(rules.IntensityRule(), program).role is rules.Role.TIE_BREAK
    assert check(rules.VerifiedRule(), program).role is rules.Role.TIE_BREAK
