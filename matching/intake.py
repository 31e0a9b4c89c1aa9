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


@dataclass(frozen=True)
class Intake:
    """A seeker's answers. Slugs refer to the catalogue's vocabularies."""

    conditions: tuple[str, ...] = ()
    substance_use: bool = False
    severity: str = Severity.MODERATE
    phq9: tuple[int, ...] | None = None
    gad7: tuple[int, ...] | None = None
    self_harm_thoughts: bool = False
    self_harm_plan: bool = False
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
