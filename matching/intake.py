"""What a seeker tells us: an immutable intake, never stored."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from programs.geo import Place


class Severity(models.TextChoices):
    MILD = "mild", _("Mild: it's hard, but I'm mostly managing day to day")
    MODERATE = "moderate", _("Moderate: it gets in the way of work, school or relationships")
    SEVERE = "severe", _("Severe: I'm struggling to get through most days")


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIRTUAL = "virtual", _("Virtual (online)")
    EITHER = "either", _("Either is fine")


class Goal(models.TextChoices):
    COPING_SKILLS = "coping-skills", _("Learn skills to cope")
    KEEP_WORKING = "keep-working", _("Keep working or studying while I get help")
    INVOLVE_FAMILY = "involve-family", _("Involve my family")
    STAY_SOBER = "stay-sober", _("Stop or cut down drinking or drug use")
    MEDICATION = "medication-support", _("Get help with medication")
    STEP_DOWN = "step-down", _("Step down after a hospital or residential stay")
    TRAUMA = "trauma-work", _("Work through trauma")
    PEER_SUPPORT = "peer-support", _("Meet others going through the same thing")


class SuicideBehavior(models.TextChoices):
    """C-SSRS question 6: when, if ever, they did anything to end their life."""

    NEVER = "never", _("No, never")
    OVER_3_MONTHS = "over_3_months", _("Yes, but more than 3 months ago")
    PAST_3_MONTHS = "past_3_months", _("Yes, in the past 3 months")


# The safety questions, in the order they are asked. The C-SSRS screener (recent version)
# comes first; questions 3-5 are asked only when question 2 is yes.
CSSRS_FOLLOW_UPS = ("suicide_method", "suicide_intent", "suicide_plan")
SAFETY_QUESTIONS = (
    "wish_dead",
    "suicidal_thoughts",
    *CSSRS_FOLLOW_UPS,
    "suicide_behavior",
    "harm_others",
    "psychosis_danger",
    "medical_danger",
    "recent_hospitalization",
    "needs_withdrawal_support",
)


@dataclass(frozen=True)
class Intake:
    """A seeker's answers. Slugs refer to the catalogue's vocabularies.

    The safety answers default to "no" only so that tests can build an intake briefly;
    the questionnaire and the API require every one of them (``matching.validation``).
    A follow-up question that was not asked is ``None``.
    """

    conditions: tuple[str, ...] = ()
    substance_use: bool = False
    severity: str = Severity.MODERATE
    phq9: tuple[int, ...] | None = None
    gad7: tuple[int, ...] | None = None
    wish_dead: bool = False
    suicidal_thoughts: bool = False
    suicide_method: bool | None = None
    suicide_intent: bool | None = None
    suicide_plan: bool | None = None
    suicide_behavior: str = SuicideBehavior.NEVER
    harm_others: bool = False
    psychosis_danger: bool = False
    medical_danger: bool = False
    recent_hospitalization: bool = False
    needs_withdrawal_support: bool = False
    goals: tuple[str, ...] = ()
    therapies: tuple[str, ...] = ()
    format: str = Format.EITHER
    location: str = ""
    radius: int = 25
    insurance: str = ""
    insurance_required: bool = False
    availability: tuple[str, ...] = ()
    age: int | None = None
    language: str = ""
    language_required: bool = False
    populations: tuple[str, ...] = ()
    accept_waitlist: bool = False
    place: Place | None = field(default=None, compare=False)

    @property
    def main_condition(self) -> str | None:
        return self.conditions[0] if self.conditions else None
