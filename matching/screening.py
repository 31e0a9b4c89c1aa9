"""Screening for the right level of care: guidance to discuss with a clinician, not a diagnosis.

The safety answers are triaged by one table, ``TRIAGE``. Its suicide rows follow the triage
of the Columbia Suicide Severity Rating Scale, Screen Version - Recent (C-SSRS; The Columbia
Lighthouse Project, Posner et al., https://cssrs.columbia.edu/the-columbia-scale-c-ssrs/
cssrs-for-communities-and-healthcare/, free for clinical use): a yes to question 4 or 5, or
suicidal behaviour in the past 3 months (question 6), is high risk and needs immediate help;
a yes to question 3, or behaviour longer ago, is moderate risk and needs a clinician the
same day. Thoughts of seriously harming someone else are treated as high risk too. The rows
beside the C-SSRS (psychosis or mania danger signs, medical instability, withdrawal, severe
symptoms after a hospital stay) are the usual exclusions from an IOP (ASAM level 2.1): each
needs a more intensive level of care first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from matching.intake import Intake, Severity, SuicideBehavior
from programs import levels as care_levels


class Level(models.TextChoices):
    CRISIS = "crisis", _("Crisis support now")
    HIGHER_CARE = "higher_care", _("More support than an IOP may be needed first")
    IOP = "iop", _("An intensive outpatient programme may fit")
    OUTPATIENT = "outpatient", _("Weekly therapy may be enough")


# --- Crisis lines: the one list every page and the API show ---------------------------


@dataclass(frozen=True)
class ContactLink:
    """One way to reach a line: a call, a text or a chat."""

    kind: str  # "call", "text" or "chat"
    label: str
    href: str


@dataclass(frozen=True)
class Resource:
    """A crisis or help line shown to the seeker."""

    name: str
    action: str
    contact: str
    href: str
    links: tuple[ContactLink, ...]


def crisis_resources() -> tuple[Resource, ...]:
    """The crisis lines, translated for the active language, the most direct first."""
    return (
        Resource(
            name=str(_("988 Suicide & Crisis Lifeline")),
            action=str(
                _(
                    "Call, text or chat with someone now, free and confidential, any time. "
                    "Press 1 for the Veterans Crisis Line; press 2 for help in Spanish "
                    "(Ayuda en español)."
                )
            ),
            contact="988",
            href="tel:988",
            links=(
                ContactLink("call", str(_("Call 988")), "tel:988"),
                ContactLink("text", str(_("Text 988")), "sms:988"),
                ContactLink("chat", str(_("Chat online")), "https://988lifeline.org/chat/"),
            ),
        ),
        Resource(
            name=str(_("Crisis Text Line")),
            action=str(_("Text HOME to 741741 to reach a trained crisis counsellor, any time.")),
            contact="741741",
            href="sms:741741?body=HOME",
            links=(ContactLink("text", str(_("Text HOME to 741741")), "sms:741741?body=HOME"),),
        ),
        Resource(
            name=str(_("Emergency services")),
            action=str(_("Call 911 in an emergency, or go to the nearest emergency room.")),
            contact="911",
            href="tel:911",
            links=(ContactLink("call", str(_("Call 911")), "tel:911"),),
        ),
    )


# --- Published screener bands ---------------------------------------------------------

# Published bands (Kroenke et al. 2001; Spitzer et al. 2006), inclusive upper bounds.
PHQ9_BANDS = (
    (4, "minimal"),
    (9, "mild"),
    (14, "moderate"),
    (19, "moderately severe"),
    (27, "severe"),
)
GAD7_BANDS = ((4, "minimal"), (9, "mild"), (14, "moderate"), (21, "severe"))
# The bands' names for people (the API keeps the published English names as values).
BAND_LABELS = {
    "minimal": _("minimal"),
    "mild": _("mild"),
    "moderate": _("moderate"),
    "moderately severe": _("moderately severe"),
    "severe": _("severe"),
}


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


# --- Triage ---------------------------------------------------------------------------

WITHDRAWAL_DANGER_SIGNS = _(
    "Call 911 or go to the emergency room now if stopping alcohol or drugs brings a seizure, "
    "seeing or hearing things that aren't there, confusion, a racing heart, or a high fever."
)
MEDICAL_DANGER_SIGNS = _(
    "Call 911 or go to the emergency room now for chest pain, fainting, confusion, or if you "
    "cannot keep food or drink down."
)
PSYCHOSIS_DANGER_SIGNS = _(
    "Call 911 or go to the emergency room now if voices or fears tell you to hurt yourself or "
    "someone else, or you feel you cannot keep yourself safe."
)


@dataclass(frozen=True)
class Triage:
    """One row of the triage table: this answer leads to this level, for this reason."""

    answer: str  # a safety question, or "severe_after_hospital" (worked out below)
    value: Any
    level: Level
    reason: Promise
    talk_today: bool = False
    danger_signs: Promise | None = None


TRIAGE: tuple[Triage, ...] = (
    # C-SSRS high risk: crisis help now, no programme list.
    Triage(
        "suicide_intent",
        True,
        Level.CRISIS,
        _("You told us you have had some intention of acting on thoughts of ending your life."),
    ),
    Triage(
        "suicide_plan",
        True,
        Level.CRISIS,
        _("You told us you have started to work out how you would end your life."),
    ),
    Triage(
        "suicide_behavior",
        SuicideBehavior.PAST_3_MONTHS,
        Level.CRISIS,
        _("You told us you did something to end your life, or prepared to, in the past 3 months."),
    ),
    Triage(
        "harm_others",
        True,
        Level.CRISIS,
        _("You told us you have had thoughts of seriously hurting someone else."),
    ),
    # C-SSRS moderate risk: a clinician today, 988 at the top.
    Triage(
        "suicide_method",
        True,
        Level.HIGHER_CARE,
        _("You told us you have thought about how you might end your life."),
        talk_today=True,
    ),
    Triage(
        "suicide_behavior",
        SuicideBehavior.OVER_3_MONTHS,
        Level.HIGHER_CARE,
        _("You told us you have tried, or prepared, to end your life in the past."),
        talk_today=True,
    ),
    # Beside the C-SSRS: what an IOP cannot safely look after.
    Triage(
        "psychosis_danger",
        True,
        Level.HIGHER_CARE,
        _(
            "You told us you hear or see things others don't, or feel others mean you harm, in a "
            "way that frightens you or tells you to act."
        ),
        talk_today=True,
        danger_signs=PSYCHOSIS_DANGER_SIGNS,
    ),
    Triage(
        "medical_danger",
        True,
        Level.HIGHER_CARE,
        _(
            "You told us about warning signs in your body (fainting, chest pain, or not eating or drinking) that need a doctor first."
        ),
        talk_today=True,
        danger_signs=MEDICAL_DANGER_SIGNS,
    ),
    Triage(
        "needs_withdrawal_support",
        True,
        Level.HIGHER_CARE,
        _("Stopping alcohol or some drugs suddenly can be dangerous without medical care."),
        danger_signs=WITHDRAWAL_DANGER_SIGNS,
    ),
    Triage(
        "severe_after_hospital",
        True,
        Level.HIGHER_CARE,
        _("Severe symptoms soon after a hospital stay often need more support at first."),
    ),
)
CRISIS_ROWS = tuple(row for row in TRIAGE if row.level == Level.CRISIS)


def safety_answers(intake: Intake, severity: str) -> dict[str, Any]:
    """The answers the triage table reads, including the one it works out."""
    answers = {row.answer: getattr(intake, row.answer, None) for row in TRIAGE}
    answers["severe_after_hospital"] = bool(
        severity == Severity.SEVERE and intake.recent_hospitalization
    )
    return answers


def triage(intake: Intake, severity: str) -> tuple[Triage, ...]:
    """Every row of the triage table the answers meet, most urgent level first."""
    answers = safety_answers(intake, severity)
    met = [row for row in TRIAGE if answers[row.answer] == row.value]
    order = [Level.CRISIS, Level.HIGHER_CARE]
    return tuple(sorted(met, key=lambda row: order.index(row.level)))


def has_ideation(intake: Intake) -> bool:
    """Any suicidal ideation: C-SSRS question 1 or 2, or PHQ-9 item 9 above zero."""
    item9 = intake.phq9[8] if intake.phq9 is not None else 0
    return intake.wish_dead or intake.suicidal_thoughts or item9 > 0


# --- Which listings each level of care shows ------------------------------------------


@dataclass(frozen=True)
class Group:
    """Listings offering any level in ``offers`` and none in ``lacks``, under one label."""

    code: str
    label: Promise
    offers: int
    lacks: int = 0
    note: Promise | None = None  # said on each listing of the group


@dataclass(frozen=True)
class ListPlan:
    """The levels of care a list is built from and its groups, in the order shown.

    A listing belongs to the first group it fits; the database ranks within each group
    (``matching.selectors.match_ranked_page``).
    """

    levels: int  # a listing must offer one of these
    groups: tuple[Group, ...]

    @property
    def codes(self) -> list[str]:
        return care_levels.codes_of(self.levels)


Care = care_levels.Level
HIGHER = int(care_levels.HIGHER_THAN_IOP)
WITHDRAWAL_GROUP = Group(
    "withdrawal",
    _("Withdrawal management (detox) near you"),
    int(Care.WITHDRAWAL),
)
HIGHER_GROUP = Group(
    "higher",
    _("Day treatment (PHP), residential or hospital care near you"),
    HIGHER,
    lacks=int(Care.IOP),
)
STEP_UP_IOP_GROUP = Group(
    "iop_step_up",
    _("Intensive outpatient programmes that also offer more intensive care"),
    HIGHER,
    note=_("An IOP that can step you up to more care if you need it."),
)
PLANS: dict[str, ListPlan] = {
    "higher_care": ListPlan(HIGHER, (HIGHER_GROUP, STEP_UP_IOP_GROUP)),
    "higher_care_withdrawal": ListPlan(HIGHER, (WITHDRAWAL_GROUP, HIGHER_GROUP, STEP_UP_IOP_GROUP)),
    "iop": ListPlan(
        int(Care.IOP),
        (
            Group(
                "iop",
                _("Intensive outpatient programmes"),
                int(Care.IOP),
            ),
        ),
    ),
    "outpatient": ListPlan(
        int(Care.OUTPATIENT | Care.IOP),
        (
            Group("outpatient", _("Outpatient therapy near you"), int(Care.OUTPATIENT)),
            Group(
                "iop_if_needed",
                _("Intensive outpatient programmes, if weekly therapy hasn't helped"),
                int(Care.IOP),
                note=_("An IOP: worth asking about if weekly therapy hasn't helped."),
            ),
        ),
    ),
}


def list_plan(level: str, *, withdrawal: bool = False) -> ListPlan | None:
    """Which listings a level of care shows (none for a crisis: crisis help only)."""
    if level == Level.HIGHER_CARE:
        return PLANS["higher_care_withdrawal" if withdrawal else "higher_care"]
    return PLANS.get(str(level))


@dataclass(frozen=True)
class LevelOfCare:
    """Where the answers point, why, what to say, and which help lines to show."""

    level: str
    message: str
    resources: tuple[Resource, ...]
    show_crisis_resources: bool
    show_programs: bool
    effective_severity: str
    reasons: tuple[str, ...] = ()
    danger_signs: tuple[str, ...] = ()
    talk_today: bool = False
    ideation: bool = False
    phq9: tuple[int, str] | None = None
    gad7: tuple[int, str] | None = None
    withdrawal: bool = False  # withdrawal support triggered higher care: detox first

    @property
    def plan(self) -> ListPlan | None:
        """The listings this level shows, or None (crisis: no list at all)."""
        if not self.show_programs:
            return None
        return list_plan(self.level, withdrawal=self.withdrawal)

    @property
    def phq9_band_label(self) -> str:
        return str(BAND_LABELS[self.phq9[1]]) if self.phq9 else ""

    @property
    def gad7_band_label(self) -> str:
        return str(BAND_LABELS[self.gad7[1]]) if self.gad7 else ""


CRISIS_MESSAGE = _(
    "Please reach out now: call or text 988 to talk to someone right away, or call 911 or go to "
    "the nearest emergency room if you might act on these thoughts soon. An intensive outpatient "
    "programme is not the right first step today; you deserve support right now."
)
HIGHER_CARE_MESSAGE = _(
    "A partial hospitalisation programme (PHP), inpatient care or medically supervised "
    "withdrawal (detox) may be the right first step. Please talk to a clinician or your doctor "
    "about it."
)
TALK_TODAY_MESSAGE = _(
    "Please talk to a doctor or clinician today, not in a few weeks. You can call or text 988 at "
    "any time."
)
IOP_MESSAGE = _(
    "From your answers, an intensive outpatient programme may fit: more support than weekly "
    "therapy while you live at home. A clinician at the programme will assess you at intake to "
    "confirm the right level of care."
)
OUTPATIENT_MESSAGE = _(
    "From your answers, weekly therapy with a counsellor or therapist may be enough for now. "
    "An IOP is more intensive (several days a week). If weekly therapy hasn't helped, the "
    "programmes below are worth a conversation with a clinician."
)


def screen(intake: Intake) -> LevelOfCare:
    """Suggest a level of care from the intake (a clinician's assessment decides)."""
    severity = effective_severity(intake)
    ideation = has_ideation(intake)
    rows = triage(intake, severity)
    common = {
        "resources": crisis_resources(),
        "effective_severity": severity,
        "ideation": ideation,
        "phq9": phq9_severity(intake.phq9) if intake.phq9 is not None else None,
        "gad7": gad7_severity(intake.gad7) if intake.gad7 is not None else None,
    }
    if rows:
        level = rows[0].level
        # Every danger sign stays, whatever the level: crisis plus withdrawal still says seizures.
        danger_signs = tuple(str(row.danger_signs) for row in rows if row.danger_signs)
        rows = tuple(row for row in rows if row.level == level)
        talk_today = any(row.talk_today for row in rows)
        if level == Level.CRISIS:
            message = str(CRISIS_MESSAGE)
        else:
            message = str(HIGHER_CARE_MESSAGE)
            if talk_today:
                message += " " + str(TALK_TODAY_MESSAGE)
        return LevelOfCare(
            level=level,
            message=message,
            withdrawal=any(row.answer == "needs_withdrawal_support" for row in rows),
            reasons=tuple(str(row.reason) for row in rows),
            danger_signs=danger_signs,
            talk_today=talk_today,
            show_crisis_resources=True,
            show_programs=level != Level.CRISIS,
            **common,
        )
    # Any suicidal ideation needs a clinician's follow-up: never "weekly therapy may be enough".
    if severity == Severity.MILD and not ideation:
        return LevelOfCare(
            level=Level.OUTPATIENT,
            message=str(OUTPATIENT_MESSAGE),
            show_crisis_resources=False,
            show_programs=True,
            **common,
        )
    return LevelOfCare(
        level=Level.IOP,
        message=str(IOP_MESSAGE),
        show_crisis_resources=ideation,
        show_programs=True,
        **common,
    )
