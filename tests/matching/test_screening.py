"""Level-of-care screening: published PHQ-9/GAD-7 bands and every crisis path."""

import pytest

from matching.screening import TRIAGE, Level, gad7_severity, phq9_severity, screen
from tests.matching.conftest import make_intake


def items(total: int, count: int) -> tuple[int, ...]:
    """A questionnaire with the given total, spread over the items, item 9 kept at 0."""
    values = [0] * count
    slots = list(range(count - 1)) if count == 9 else list(range(count))
    for index in range(total):
        values[slots[index % len(slots)]] += 1
    return tuple(values)


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "moderately severe"),
        (19, "moderately severe"),
        (20, "severe"),
        (24, "severe"),
    ],
)
def test_phq9_bands_match_the_published_table(total, band):
    assert phq9_severity(items(total, 9)) == (total, band)


def test_phq9_maximum_is_27_and_severe():
    assert phq9_severity((3,) * 9) == (27, "severe")


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "minimal"),
        (4, "minimal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate"),
        (14, "moderate"),
        (15, "severe"),
        (21, "severe"),
    ],
)
def test_gad7_bands_match_the_published_table(total, band):
    assert gad7_severity(items(total, 7)) == (total, band)


@pytest.mark.parametrize(
    "bad", [(0,) * 8, (0,) * 10, (4, 0, 0, 0, 0, 0, 0, 0, 0), (-1,) + (0,) * 8]
)
def test_phq9_rejects_malformed_answers(bad):
    with pytest.raises(ValueError):
        phq9_severity(bad)


# Every row of the triage table (matching/screening.py TRIAGE): the answers that meet it,
# the level they lead to, words of its reason, and whether 911 danger signs are shown.
TRIAGE_CASES = [
    (
        "suicide_intent",
        {"suicidal_thoughts": True, "suicide_intent": True},
        Level.CRISIS,
        "intention",
        False,
    ),
    (
        "suicide_plan",
        {"suicidal_thoughts": True, "suicide_plan": True},
        Level.CRISIS,
        "work out how",
        False,
    ),
    (
        "suicide_behavior",
        {"suicide_behavior": "past_3_months"},
        Level.CRISIS,
        "past 3 months",
        False,
    ),
    ("harm_others", {"harm_others": True}, Level.CRISIS, "hurting someone else", False),
    (
        "suicide_method",
        {"suicidal_thoughts": True, "suicide_method": True},
        Level.HIGHER_CARE,
        "how you might end",
        False,
    ),
    (
        "suicide_behavior",
        {"suicide_behavior": "over_3_months"},
        Level.HIGHER_CARE,
        "in the past",
        False,
    ),
    ("psychosis_danger", {"psychosis_danger": True}, Level.HIGHER_CARE, "hear or see things", True),
    (
        "medical_danger",
        {"medical_danger": True},
        Level.HIGHER_CARE,
        "warning signs in your body",
        True,
    ),
    (
        "needs_withdrawal_support",
        {"needs_withdrawal_support": True},
        Level.HIGHER_CARE,
        "dangerous without medical care",
        True,
    ),
    (
        "severe_after_hospital",
        {"severity": "severe", "recent_hospitalization": True},
        Level.HIGHER_CARE,
        "after a hospital stay",
        False,
    ),
]


def test_the_triage_cases_cover_every_row_of_the_table():
    covered = {(answer, level) for answer, _answers, level, _words, _signs in TRIAGE_CASES}
    assert covered == {(row.answer, row.level) for row in TRIAGE}
    assert len(TRIAGE_CASES) == len(TRIAGE)


@pytest.mark.parametrize(("row", "answers", "level", "words", "signs"), TRIAGE_CASES)
def test_each_triage_row_leads_to_its_level_and_says_why(row, answers, level, words, signs):
    outcome = screen(make_intake(**{"severity": "mild", **answers}))
    assert outcome.level == level
    assert any(words in reason for reason in outcome.reasons), outcome.reasons
    assert outcome.show_crisis_resources
    assert outcome.show_programs is (level != Level.CRISIS)
    assert bool(outcome.danger_signs) is signs
    if signs:
        assert all("911" in sign for sign in outcome.danger_signs)


def test_crisis_wins_over_higher_care_and_lists_every_crisis_reason():
    outcome = screen(
        make_intake(
            harm_others=True, suicide_behavior="past_3_months", needs_withdrawal_support=True
        )
    )
    assert outcome.level == Level.CRISIS
    assert len(outcome.reasons) == 2
    assert "988" in outcome.message and "911" in outcome.message


def test_moderate_suicide_risk_asks_for_a_clinician_today():
    outcome = screen(make_intake(suicidal_thoughts=True, suicide_method=True))
    assert outcome.talk_today and "today" in outcome.message


def test_crisis_lines_include_text_chat_veterans_spanish_and_crisis_text_line():
    [lifeline, text_line, emergency] = screen(make_intake()).resources
    assert [link.href for link in lifeline.links] == [
        "tel:988",
        "sms:988",
        "https://988lifeline.org/chat/",
    ]
    assert "Press 1 for the Veterans Crisis Line" in lifeline.action
    assert "Spanish" in lifeline.action
    assert text_line.href == "sms:741741?body=HOME" and "HOME" in text_line.action
    assert emergency.href == "tel:911"


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_any_nonzero_phq9_item_9_shows_988_and_never_weekly_therapy(item9):
    level = screen(make_intake(phq9=(0,) * 8 + (item9,), severity="mild"))
    assert level.show_crisis_resources
    assert level.level == Level.IOP


@pytest.mark.parametrize("answer", ["wish_dead", "suicidal_thoughts"])
def test_suicidal_thoughts_without_more_show_988_alongside_the_list(answer):
    level = screen(make_intake(severity="mild", **{answer: True}))
    assert level.level == Level.IOP and level.show_crisis_resources and level.show_programs


def test_withdrawal_support_points_to_higher_care_first():
    level = screen(make_intake(needs_withdrawal_support=True, substance_use=True))
    assert level.level == Level.HIGHER_CARE
    assert "detox" in level.message and level.show_programs
    assert any("seizure" in sign for sign in level.danger_signs)


def test_a_recent_hospital_stay_with_moderate_symptoms_fits_an_iop_step_down():
    assert screen(make_intake(severity="moderate", recent_hospitalization=True)).level == Level.IOP


def test_moderate_or_severe_symptoms_fit_an_iop():
    assert screen(make_intake(severity="moderate")).level == Level.IOP
    assert screen(make_intake(severity="severe")).level == Level.IOP


def test_mild_symptoms_suggest_weekly_therapy():
    level = screen(make_intake(severity="mild"))
    assert level.level == Level.OUTPATIENT and "weekly therapy" in level.message
    assert not level.show_crisis_resources


def test_screener_scores_raise_a_mild_self_rating():
    assert screen(make_intake(severity="mild", phq9=items(16, 9))).level == Level.IOP
    assert screen(make_intake(severity="mild", gad7=items(12, 7))).level == Level.IOP
