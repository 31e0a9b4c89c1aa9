"""Soft criteria: each rule scores one aspect of fit and says why, in one sentence.

Rules are pure: they read the intake and a programme whose relations were prefetched,
and never query. The same code gives the points and the sentence, so they cannot drift.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from matching.intake import Format, Goal, Intake, Severity
from programs.models import Condition, Program
from programs.schedule import TimeOfDay, session_band


@dataclass(frozen=True)
class CriterionResult:
    criterion: str
    met: bool
    points: float
    max_points: float
    text: str


@dataclass(frozen=True)
class Vocabulary:
    """Labels of every vocabulary term by kind and slug, loaded once per match."""

    labels: dict[str, dict[str, str]]
    private_carriers: frozenset[str]
    # The term objects themselves, by programme relation and id, for attaching to candidates.
    terms: dict[str, dict[int, object]] = field(default_factory=dict)

    def label(self, kind: str, slug: str) -> str:
        return self.labels.get(kind, {}).get(slug, slug)


@dataclass(frozen=True)
class Context:
    """Facts about a candidate worked out once by the selector, shared by the rules."""

    distance_miles: float | None
    today: datetime.date
    vocabulary: Vocabulary


class Rule(Protocol):
    name: str
    weight: float

    def check(self, intake: Intake, program: Program, context: Context) -> CriterionResult | None:
        """Points and a sentence, or None when the seeker expressed no preference here."""


def _result(rule: Rule, fraction: float, text: str, met: bool | None = None) -> CriterionResult:
    fraction = max(0.0, min(1.0, fraction))
    return CriterionResult(
        criterion=rule.name,
        met=fraction >= 0.5 if met is None else met,
        points=round(rule.weight * fraction, 2),
        max_points=rule.weight,
        text=text,
    )


def _names(modalities: list) -> str:
    return get_text_list([m.abbreviation or m.name for m in modalities], _("and"))


class ConditionsRule:
    """What they want help with: the main concern counts most; substance use needs both."""

    name = "conditions"
    weight = 35.0

    def check(self, intake: Intake, program: Program, context: Context) -> CriterionResult | None:
        if not intake.conditions:
            return None
        treated = {condition.slug: condition for condition in program.conditions.all()}
        main, others = intake.conditions[0], intake.conditions[1:]
        fraction = 0.0
        main_share = 0.6 if not intake.substance_use else 0.5
        other_share = 0.4 if not intake.substance_use else 0.3
        if main in treated:
            fraction += main_share
            text = _("Treats %(condition)s, your main concern") % {"condition": treated[main].name}
        else:
            text = _("Doesn't list %(condition)s, your main concern") % {
                "condition": context.vocabulary.label("condition", main)
            }
        if others:
            covered = [slug for slug in others if slug in treated]
            missing = [
                context.vocabulary.label("condition", slug)
                for slug in others
                if slug not in treated
            ]
            fraction += other_share * len(covered) / len(others)
            if not missing:
                text += str(_(", and the other concerns you chose"))
            else:
                text += str(
                    _("; doesn't list %(conditions)s")
                    % {"conditions": get_text_list(missing, _("or"))}
                )
        elif main in treated:
            fraction += other_share
        if intake.substance_use:
            categories = {condition.category for condition in treated.values()}
            both = Condition.Category.CO_OCCURRING in categories or (
                Condition.Category.SUBSTANCE_USE in categories
                and Condition.Category.MENTAL_HEALTH in categories
            )
            if both:
                fraction += 0.2
                text += str(_("; treats mental health and substance use together"))
            else:
                text += str(_("; doesn't list care for substance use alongside mental health"))
        return _result(self, fraction, text, met=main in treated)


class TherapiesRule:
    """Preferred therapies offered."""

    name = "therapies"
    weight = 15.0

    def check(self, intake: Intake, program: Program, context: Context) -> CriterionResult | None:
        if not intake.therapies:
            return None
        offered = {modality.slug: modality for modality in program.modalities.all()}
        have = [offered[slug] for slug in intake.therapies if slug in offered]
        missing = [slug for slug in intake.therapies if slug not in offered]
        fraction = len(have) / len(intake.therapies)
        missing_labels = [context.vocabulary.label("modality", slug) for slug in missing]
        if not missing:
            text = _("Offers %(therapies)s") % {"therapies": _names(have)}
        elif not have:
            text = _("No %(therapies)s") % {"therapies": get_text_list(missing_labels, _("or"))}
        else:
            text = _("Offers %(have)s; no %(missing)s") % {
                "have": _names(have),
                "missing": get_text_list(missing_labels, _("or")),
            }
        return _result(self, fraction, text, met=bool(have))


# What would satisfy each goal: services (modality slugs) or conditions treated.
GOAL_SERVICES: dict[str, tuple[str, ...]] = {
    Goal.COPING_SKILLS: ("cbt", "dbt", "act", "mindfulness", "psychoeducation"),
    Goal.INVOLVE_FAMILY: ("family-therapy",),
    Goal.STAY_SOBER: (
        "relapse-prevention",
        "moud",
        "drug-testing",
        "twelve-step",
        "contingency-management",
    ),
    Goal.MEDICATION: ("medication-management", "psychiatric-evaluation", "moud"),
    Goal.STEP_DOWN: ("aftercare-planning", "case-management"),
    Goal.TRAUMA: ("emdr", "trauma-focused-cbt", "somatic"),
    Goal.PEER_SUPPORT: ("peer-support", "group-therapy"),
}


def goal_met(goal: str, program: Program) -> bool:
    """Whether a programme offers what a goal needs (pure; uses prefetched relations)."""
    if goal == Goal.KEEP_WORKING:
        bands = {session_band(s.weekday, s.start_time) for s in program.sessions.all()}
        return program.offers_virtual or bool(bands & {TimeOfDay.EVENING, TimeOfDay.WEEKEND})
    if goal == Goal.STEP_DOWN and program.offers_php:
        return True
    services = {modality.slug for modality in program.modalities.all()}
    return bool(services & set(GOAL_SERVICES.get(goal, ())))


class GoalsRule:
    """Goals met by the programme's services and schedule."""

    name = "goals"
    weight = 10.0

    def check(self, intake: Intake, program: Program, context: Context) -> CriterionResult | None:
        if not intake.goals:
            return None
        met = [goal for goal in intake.goals if goal_met(goal, program)]
        labels = {value: label for value, label in Goal.choices}
        if len(met) == len(intake.goals):
            text = _("Fits your goals: %(goals)s") % {
                "goals": get_text_list([str(labels[g]) for g in met], _("and"))
            }
        elif met:
            text = _("Fits %(n)d of your %(total)d goals, including: %(goal)s") % {
                "n": len(met),
                "total": len(intake.goals),
                "goal": str(labels[met[0]]),
            }
        else:
            text = _("Doesn't list services for your goals")
        return _result(self, len(met) / len(intake.goals), text, met=bool(met))


def _band_label(band: str) -> str:
    return {
        TimeOfDay.MORNING: _("weekday morning"),
        TimeOfDay.AFTERNOON: _("weekday afternoon"),
        TimeOfDay.EVENING: _("evening"),
        TimeOfDay.WEEKEND: _("weekend"),
    }[band]


class ScheduleRule:
    """Sessions at times they said they can attend."""

    name = "schedule"
    weight = 15.0

    def check(self, intake: Intake, program: Program, context: Context) -> CriterionResult | None:
        if not intake.availability:
            return None
        sessions = list(program.sessions.all())
        if not sessions:
            return _result(
                self, 0.25, _("Session times aren't listed: ask when groups meet"), met=False
            )
        bands = {session_band(s.weekday, s.start_time) for s in sessions}
        fitting = [
            band for band in TimeOfDay.values if band in bands and band in intake.availability
        ]
        if fitting:
            labels = get_text_list([_band_label(band) for band in fitting], _("and"))
            return _result(self, 1.0, _("Offers %(times)s sessions") % {"times": labels})
        offered = get_text_list(
            [_band_label(band) for band in TimeOfDay.values if band in bands], _("and")
        )
        return _result(self, 0.0, _("Meets at other times (%(times)s)") % {"times": offered})


class DistanceRule:
    """How far they would travel, several times a week."""

    name = "distance"
    weight = 10.0

    def check(self, intake: Intake, program: Program, context: Context) -> CriterionResult | None:
        if context.distance_miles is not None and intake.format != Format.VIRTUAL:
            fraction = 1.0 - context.distance_miles / max(intake.radius, 1)
            return _result(
                self,
                0.3 + 0.7 * fraction,
                _("%(miles).1f miles from you") % {"miles": context.distance_miles},
                met=True,
            )
        if program.offers_virtual:
            return _result(self, 1.0, _("Virtual: no travel, and licensed in your state"), met=True)
        return None


class PopulationsRule:
    """Programmes for a specific group."""

    name = "populations"
    weight = 6.0

    def check(self, intake: Intake, program: Program, context: Context) -> CriterionResult | None:
        if not intake.populations:
            return None
        served = {population.slug: population for population in program.populations.all()}
        have = [served[slug] for slug in intake.populations if slug in served]
        if have:
            text = _("Has a programme for %(groups)s") % {
                "groups": get_text_list([p.name for p in have], _("and"))
            }
        else:
            text = _("No specific track for %(groups)s") % {
                "groups": get_text_list(
                    [context.vocabulary.label("population", slug) for slug in intake.populations],
                    _("or"),
                )
            }
        return _result(self, len(have) / len(intake.populations), text, met=bool(have))


class InsuranceRule:
    """Their insurance (or self-pay) accepted."""

    name = "insurance"
    weight = 12.0

    def check(self, intake: Intake, program: Program, context: Context) -> CriterionResult | None:
        if not intake.insurance:
            return None
        accepted = {insurance.slug: insurance for insurance in program.insurance.all()}
        label = context.vocabulary.label("insurance", intake.insurance)
        if intake.insurance in accepted:
            text = _("Accepts %(insurance)s") % {"insurance": accepted[intake.insurance].name}
            if intake.insurance == "self-pay" and program.sliding_scale:
                text = _("Accepts self-pay, with sliding-scale fees")
            return _result(self, 1.0, text)
        if (
            intake.insurance in context.vocabulary.private_carriers
            and "private-insurance" in accepted
        ):
            return _result(
                self,
                0.6,
                _("Accepts private insurance: check that %(insurance)s is covered")
                % {"insurance": label},
                met=True,
            )
        if intake.insurance == "self-pay" and program.sliding_scale:
            return _result(self, 0.8, _("Sliding-scale fees"), met=True)
        return _result(self, 0.0, _("Doesn't list %(insurance)s") % {"insurance": label})


class LanguageRule:
    """Sessions in their language."""

    name = "language"
    weight = 6.0

    def check(self, intake: Intake, program: Program, context: Context) -> CriterionResult | None:
        if not intake.language or intake.language == "en":
            return None
        languages = {language.slug: language for language in program.languages.all()}
        if intake.language in languages:
            return _result(
                self,
                1.0,
                _("Sessions in %(language)s") % {"language": languages[intake.language].name},
            )
        return _result(
            self,
            0.0,
            _("No sessions listed in %(language)s")
            % {"language": context.vocabulary.label("language", intake.language)},
        )


class IntensityRule:
    """Hours a week that suit how severe things are."""

    name = "intensity"
    weight = 5.0
    RANGES = {Severity.MILD: (6, 10), Severity.MODERATE: (9, 15), Severity.SEVERE: (12, 20)}

    def check(self, intake: Intake, program: Program, context: Context) -> CriterionResult | None:
        if program.hours_per_week is None:
            return None
        from matching.screening import effective_severity

        low, high = self.RANGES[effective_severity(intake)]
        hours = float(program.hours_per_week)
        if low <= hours <= high:
            return _result(
                self,
                1.0,
                _("%(hours)s hours a week suits how you're feeling") % {"hours": f"{hours:g}"},
            )
        return _result(
            self,
            0.4,
            _("%(hours)s hours a week: ask whether the intensity suits you")
            % {"hours": f"{hours:g}"},
            met=False,
        )


class VerifiedRule:
    """A recently verified listing is more likely to be right."""

    name = "verified"
    weight = 4.0

    def check(self, intake: Intake, program: Program, context: Context) -> CriterionResult | None:
        verified = program.last_verified_on
        if verified is None:
            return _result(self, 0.0, _("Listing not yet verified: call to confirm details"))
        age_days = (context.today - verified).days
        when = date_format(verified, "F Y")
        if age_days <= 365:
            return _result(self, 1.0, _("Listing verified in %(when)s") % {"when": when})
        return _result(
            self, 0.4, _("Listing last verified in %(when)s") % {"when": when}, met=False
        )


class WaitlistRule:
    """Accepting new patients now (only scored when they said a waitlist is fine)."""

    name = "waitlist"
    weight = 5.0

    def check(self, intake: Intake, program: Program, context: Context) -> CriterionResult | None:
        if not intake.accept_waitlist:
            return None
        if program.accepting_new_patients:
            return _result(self, 1.0, _("Accepting new patients"))
        return _result(self, 0.0, _("Has a waitlist"))


RULES: tuple[Rule, ...] = (
    ConditionsRule(),
    TherapiesRule(),
    GoalsRule(),
    ScheduleRule(),
    DistanceRule(),
    InsuranceRule(),
    PopulationsRule(),
    LanguageRule(),
    IntensityRule(),
    VerifiedRule(),
    WaitlistRule(),
)


def score(
    intake: Intake, program: Program, context: Context
) -> tuple[int, tuple[CriterionResult, ...]]:
    """A 0-100 score and the reasons behind it."""
    results = tuple(
        result for rule in RULES if (result := rule.check(intake, program, context)) is not None
    )
    possible = sum(result.max_points for result in results)
    if not possible:
        return 0, results
    return round(100 * sum(result.points for result in results) / possible), results
