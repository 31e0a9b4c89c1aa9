"""Screening for the right level of care: guidance to discuss with a clinician, not a diagnosis."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from matching.intake import Intake, Severity


class Level(models.TextChoices):
    CRISIS = "crisis", _("Crisis support now")
    HIGHER_CARE = "higher_care", _("More support than an IOP may be needed first")
    IOP = "iop", _("An intensive outpatient programme may fit")
    OUTPATIENT = "outpatient", _("Weekly therapy may be enough")


@dataclass(frozen=True)
class Resource:
    """A crisis or help line shown to the seeker."""

    name: str
    action: str
    contact: str
    href: str


def crisis_resources() -> tuple[Resource, ...]:
    """The crisis lines, translated for the active language."""
    return (
        Resource(
            str(_("988 Suicide & Crisis Lifeline")),
            str(_("Call or text 988, any time. Press 1 for veterans, 2 for Spanish.")),
            "988",
            "tel:988",
        ),
        Resource(
            str(_("Emergency services")),
            str(_("Call 911 in an emergency, or go to the nearest emergency room.")),
            "911",
            "tel:911",
        ),
    )


# Published bands (Kroenke et al. 2001; Spitzer et al. 2006), inclusive upper bounds.
PHQ9_BANDS = (
    (4, "minimal"),
    (9, "mild"),
    (14, "moderate"),
    (19, "moderately severe"),
    (27, "severe"),
)
GAD7_BANDS = ((4, "minimal"), (9, "mild"), (14, "moderate"), (21, "severe"))


def _band(total: int, bands: tuple[tuple[int, str], ...]) -> str:
    for upper, label in bands:
        if total <= upper:
            return label
    raise ValueError(f"Score {total} is out of range")


def phq9_severity(items: tuple[int, ...]) -> tuple[int, str]:
    """PHQ-9 total (0-27) and its published severity band."""
    if len(items) != 9 or any(item not in (0, 1, 2, 3) for item in items):
        raise ValueError("The PHQ-9 has nine items, each scored 0-3.")
    total = sum(items)
    return total, _band(total, PHQ9_BANDS)


def gad7_severity(items: tuple[int, ...]) -> tuple[int, str]:
    """GAD-7 total (0-21) and its published severity band."""
    if len(items) != 7 or any(item not in (0, 1, 2, 3) for item in items):
        raise ValueError("The GAD-7 has seven items, each scored 0-3.")
    total = sum(items)
    return total, _band(total, GAD7_BANDS)


@dataclass(frozen=True)
class LevelOfCare:
    """Where the answers point, what to say, and which help lines to show."""

    level: str
    message: str
    resources: tuple[Resource, ...]
    show_crisis_resources: bool
    show_programs: bool
    effective_severity: str
    phq9: tuple[int, str] | None = None
    gad7: tuple[int, str] | None = None


def effective_severity(intake: Intake) -> str:
    """The most severe of the self-rating and the screeners' bands (mild/moderate/severe)."""
    levels = [intake.severity]
    if intake.phq9 is not None:
        total, _label = phq9_severity(intake.phq9)
        levels.append("severe" if total >= 15 else "moderate" if total >= 10 else "mild")
    if intake.gad7 is not None:
        total, _label = gad7_severity(intake.gad7)
        levels.append("severe" if total >= 15 else "moderate" if total >= 10 else "mild")
    order = [Severity.MILD, Severity.MODERATE, Severity.SEVERE]
    return max(levels, key=order.index)


def screen(intake: Intake) -> LevelOfCare:
    """Suggest a level of care from the intake (a clinician's assessment decides)."""
    phq9 = phq9_severity(intake.phq9) if intake.phq9 is not None else None
    gad7 = gad7_severity(intake.gad7) if intake.gad7 is not None else None
    item9 = intake.phq9[8] if intake.phq9 is not None else 0
    suicidal_thoughts = intake.self_harm_thoughts or item9 > 0
    severity = effective_severity(intake)
    resources = crisis_resources()
    common = {"phq9": phq9, "gad7": gad7, "effective_severity": severity}

    # A plan or intent means crisis care now, whatever else was answered.
    if intake.self_harm_plan:
        return LevelOfCare(
            level=Level.CRISIS,
            message=str(
                _(
                    "You told us you may act on thoughts of hurting yourself. Please reach out now: "
                    "call or text 988 to talk to someone right away, or call 911 or go to the nearest "
                    "emergency room if you might act on them soon. An intensive outpatient programme "
                    "is not the right first step today; you deserve support right now."
                )
            ),
            resources=resources,
            show_crisis_resources=True,
            show_programs=False,
            **common,
        )
    if intake.needs_withdrawal_support or (
        severity == Severity.SEVERE and intake.recent_hospitalization
    ):
        reason = (
            _("Stopping alcohol or some drugs suddenly can be dangerous without medical care.")
            if intake.needs_withdrawal_support
            else _("Severe symptoms soon after a hospital stay often need more support at first.")
        )
        return LevelOfCare(
            level=Level.HIGHER_CARE,
            message=str(reason)
            + " "
            + str(
                _(
                    "A partial hospitalisation programme (PHP), inpatient care or medically supervised "
                    "detox may be the right first step. Please talk to a clinician or your doctor. "
                    "The programmes below may help after that, or alongside their advice."
                )
            ),
            resources=resources,
            show_crisis_resources=suicidal_thoughts,
            show_programs=True,
            **common,
        )
    if severity == Severity.MILD:
        return LevelOfCare(
            level=Level.OUTPATIENT,
            message=str(
                _(
                    "From your answers, weekly therapy with a counsellor or therapist may be enough "
                    "for now. An IOP is more intensive (several days a week). If weekly therapy "
                    "hasn't helped, the programmes below are worth a conversation with a clinician."
                )
            ),
            resources=resources,
            show_crisis_resources=suicidal_thoughts,
            show_programs=True,
            **common,
        )
    return LevelOfCare(
        level=Level.IOP,
        message=str(
            _(
                "From your answers, an intensive outpatient programme may fit: more support than "
                "weekly therapy while you live at home. A clinician at the programme will assess "
                "you at intake to confirm the right level of care."
            )
        ),
        resources=resources,
        show_crisis_resources=suicidal_thoughts,
        show_programs=True,
        **common,
    )
