"""Level-of-care screening: published PHQ-9/GAD-7 bands and every crisis path."""

import pytest

from matching.screening import Level, gad7_severity, phq9_severity, screen
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


def test_a_plan_to_self_harm_is_a_crisis_with_988_and_no_list():
    level = screen(make_intake(self_harm_plan=True, severity="mild"))
    assert level.level == Level.CRISIS
    assert not level.show_programs
    assert "988" in level.message
    assert {r.contact for r in level.resources} >= {"988", "911"}


def test_phq9_item_9_with_a_plan_is_a_crisis():
    phq9 = (1, 1, 1, 1, 1, 1, 1, 1, 3)
    assert (
        screen(make_intake(phq9=phq9, self_harm_thoughts=True, self_harm_plan=True)).level
        == Level.CRISIS
    )


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_any_nonzero_phq9_item_9_shows_988_whatever_the_total(item9):
    level = screen(make_intake(phq9=(0,) * 8 + (item9,), severity="mild"))
    assert level.show_crisis_resources
    assert level.level == Level.OUTPATIENT


def test_thoughts_of_self_harm_without_a_plan_show_988_alongside_the_list():
    level = screen(make_intake(self_harm_thoughts=True))
    assert level.level == Level.IOP and level.show_crisis_resources and level.show_programs


def test_withdrawal_support_points_to_higher_care_first():
    level = screen(make_intake(needs_withdrawal_support=True, substance_use=True))
    assert level.level == Level.HIGHER_CARE
    assert "detox" in level.message and level.show_programs


def test_severe_symptoms_after_a_recent_hospital_stay_point_to_higher_care():
    assert (
        screen(make_intake(severity="severe", recent_hospitalization=True)).level
        == Level.HIGHER_CARE
    )


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
