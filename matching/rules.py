"""Soft criteria: each rule scores one aspect of fit and says why, in plain sentences.

Rules are pure: they read the intake and a programme whose relations were prefetched,
and never query. The same code gives the points and the sentences, so they cannot drift.

The ranking is defined here once (``Role``, ``rank_key``, ``match_percent``) so that a fast
form of it (the search table's SQL) can mirror it exactly:

- each rule knows from the intake alone what role its points play (``Rule.role``): a preference
  the seeker **stated**, a **tie-breaker** they never asked about, or (with a blank age) the
  **gate** of whether the programme takes every adult;
- a stated rule always shares out exactly its ``weight`` among its reasons, so the points
  possible depend on the intake only, and the "% match" is the share of them earned;
- ``rank_key`` orders results from their reasons: gate, then "meets every stated preference",
  then stated points, then tie-breaker points, then the trip.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Protocol

from django.utils import translation
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import get_language, gettext_noop

from matching.intake import Format, Goal, Intake, Severity
from programs.attached import PlainTerm, attached_schedule, plain_terms, related
from programs.models import Condition, Program
from programs.schedule import TimeOfDay
from programs.search import bits_by_rank, fit_days, schedule_days_and_bands, session_bit
from programs.translated import Translated
from programs.translated import said as _
from programs.translated import said_plural as ngettext

# With format "either", virtual care earns the distance points of a trip this long (or of the
# whole radius, if that is shorter): a programme nearer than this is not outranked by a virtual
# one on distance alone, and one further away is. Travelling three to five times a week has a
# real cost, but so does online care (a private room, a screen for hours).
VIRTUAL_TRIP_MILES = 5.0
# An unlisted schedule may fit or not: it earns half the schedule points, neither met nor failed.
SCHEDULE_UNKNOWN_SHARE = 0.5
# A listing that satisfies the plan only at the other level (a carrier for "private insurance",
# or "private insurance" for a carrier) earns this share: the seeker must check the plan.
CHECK_PLAN_SHARE = 0.6
# Self-pay at a programme that lists sliding-scale fees but not self-pay: a miss (the filter
# admits only a listing of self-pay), yet the fees say it takes people paying for themselves.
SLIDING_SCALE_SHARE = 0.5
# The main concern's share of the condition points when other concerns were chosen too.
MAIN_CONCERN_SHARE = 0.6
# With a blank age, a programme is "open" when it takes every adult.
ADULT_AGE = 18
PRIVATE_INSURANCE = "private-insurance"
SELF_PAY = "self-pay"


class Role(StrEnum):
    """What a rule's points do in the ranking."""

    GATE = "gate"  # with a blank age: takes every adult or not; sorts before everything else
    STATED = "stated"  # a preference the seeker stated: decides the order and the "% match"
    TIE_BREAK = "tie_break"  # not asked about (intensity, verification): only breaks ties


@dataclass(frozen=True)
class CriterionResult:
    criterion: str
    # True: matches; False: doesn't; None: not known either way (e.g. no schedule listed).
    met: bool | None
    points: float
    max_points: float
    text: str
    role: Role = Role.STATED


@dataclass(frozen=True)
class Vocabulary:
    """Labels of every vocabulary term by kind and slug, loaded once per match."""

    labels: dict[str, dict[str, str]]
    private_carriers: frozenset[str]
    # The term objects themselves, by programme relation and id, for attaching to candidates.
    terms: dict[str, dict[int, object]] = field(default_factory=dict)

    def label(self, kind: str, slug: str) -> str:
        return self.labels.get(kind, {}).get(slug, slug)

    @functools.cached_property
    def plain_terms(self) -> dict[str, dict[int, PlainTerm]]:
        """``terms`` with their fields read once, for attaching to a page of results (the copy
        is kept per language, so each name is in the language it is shown in)."""
        return plain_terms(self.terms)

    @functools.cached_property
    def bits(self) -> dict[str, dict[int, int]]:
        """Each term's bit in the search table's masks, by relation and id: the copy holds
        every term, so they come without a query (``programs.search.bits_by_rank``)."""
        return {relation: bits_by_rank(terms) for relation, terms in self.terms.items()}

    @functools.cached_property
    def condition_categories(self) -> dict[str, str]:
        """Each condition's category by slug."""
        return {term.slug: term.category for term in self.terms.get("conditions", {}).values()}


@dataclass(frozen=True)
class Context:
    """Facts about a candidate worked out once by the selector, shared by the rules."""

    distance_miles: float | None
    today: datetime.date
    vocabulary: Vocabulary
    # Labels made text once for all the results of a page (share one between them).
    words: Translated = field(default_factory=Translated)


class Rule(Protocol):
    name: str
    weight: float

    def role(self, intake: Intake, vocabulary: Vocabulary) -> Role | None:
        """What the points do for this intake (never the programme); None: the rule is silent."""

    def stated(self, intake: Intake, vocabulary: Vocabulary) -> bool:
        """Whether the seeker stated a preference this rule scores (its role is STATED)."""

    def check(
        self, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        """The reasons, whose points add up to at most ``weight``; empty when silent."""


class BaseRule:
    """Shared helpers: a rule is stated when its role says so; reasons carry the role."""

    name: str
    weight: float
    # The intake answer that states this preference; None: a tie-breaker, never asked about.
    answer: str | None = None

    def role(self, intake: Intake, vocabulary: Vocabulary) -> Role | None:
        if self.answer is None:
            return Role.TIE_BREAK
        return Role.STATED if getattr(intake, self.answer) else None

    def check(
        self, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        role = self.role(intake, context.vocabulary)
        return () if role is None else self.judge(role, intake, program, context)

    def judge(
        self, role: Role, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        """The reasons, once the rule has something to say."""
        raise NotImplementedError

    def stated(self, intake: Intake, vocabulary: Vocabulary) -> bool:
        """Whether the seeker stated a preference this rule scores."""
        return self.role(intake, vocabulary) is Role.STATED

    def reason(
        self, role: Role, text: str, *, earned: float, met: bool | None
    ) -> tuple[CriterionResult, ...]:
        """One sentence worth the whole weight, of which the ``earned`` share (0-1) is earned."""
        earned = max(0.0, min(1.0, earned))
        points = round(self.weight * earned, 2)
        return (CriterionResult(self.name, met, points, self.weight, text, role),)

    def split(
        self, role: Role, *, share: float, have: str | None, missing: str | None
    ) -> tuple[CriterionResult, ...]:
        """What matched and what did not, as two sentences; the first earns ``share`` of the weight."""
        have_points = round(self.weight * share, 2)
        reasons = []
        if have:
            reasons.append(CriterionResult(self.name, True, have_points, have_points, have, role))
        if missing:
            rest = round(self.weight - have_points, 2)
            reasons.append(CriterionResult(self.name, False, 0.0, rest, missing, role))
        return tuple(reasons)


def _names(modalities: Iterable) -> str:
    return get_text_list([m.abbreviation or m.name for m in modalities], _("and"))


def _labels(context: Context, kind: str, slugs: Iterable[str]) -> list[str]:
    return [context.vocabulary.label(kind, slug) for slug in slugs]


class ConditionsRule(BaseRule):
    """What they want help with: the main concern counts most; matched and missing said apart."""

    name = "conditions"
    weight = 35.0
    answer = "conditions"

    def judge(
        self, role: Role, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        treated = {condition.slug for condition in related(program, "conditions")}
        main, others = intake.conditions[0], intake.conditions[1:]
        main_share = MAIN_CONCERN_SHARE if others else 1.0
        other_share = (1.0 - main_share) / len(others) if others else 0.0
        main_label = context.vocabulary.label("condition", main)
        has_main = main in treated
        covered = _labels(context, "condition", [slug for slug in others if slug in treated])
        missing = _labels(context, "condition", [slug for slug in others if slug not in treated])
        have = _concerns_sentence(main_label if has_main else None, covered, TREATS)
        lacking = _concerns_sentence(None if has_main else main_label, missing, LACKS)
        share = main_share * has_main + other_share * len(covered)
        return self.split(role, share=share, have=have, missing=lacking)


# Sentences naming concerns: main and others, the main one only, others only; the conjunction.
# Marked here, translated when used (``_``), so that only the sentence said is looked up.
TREATS = (
    gettext_noop("Treats %(condition)s, your main concern, and %(others)s"),
    gettext_noop("Treats %(condition)s, your main concern"),
    gettext_noop("Treats %(others)s"),
    gettext_noop("and"),
)
LACKS = (
    gettext_noop("Doesn't list %(condition)s, your main concern, or %(others)s"),
    gettext_noop("Doesn't list %(condition)s, your main concern"),
    gettext_noop("Doesn't list %(others)s"),
    gettext_noop("or"),
)


def _concerns_sentence(main: str | None, others: list[str], sentences: tuple) -> str | None:
    """The sentence that names the main concern and the others, whichever are given."""
    both, main_only, others_only, conjunction = sentences
    if not main and not others:
        return None
    values = {"condition": main, "others": get_text_list(others, _(conjunction))}
    if main:
        return _(both if others else main_only) % values
    return _(others_only) % values


def needs_dual_diagnosis_care(intake: Intake, vocabulary: Vocabulary) -> bool:
    """A mental-health concern and a substance-use one (a condition or the substance-use answer)."""
    categories = {vocabulary.condition_categories.get(slug) for slug in intake.conditions}
    if Condition.Category.CO_OCCURRING in categories:
        return True
    return Condition.Category.MENTAL_HEALTH in categories and (
        intake.substance_use or Condition.Category.SUBSTANCE_USE in categories
    )


def treats_dual_diagnosis(program: Program) -> bool:
    """Lists co-occurring care, or treats both a mental-health and a substance-use condition."""
    categories = {condition.category for condition in related(program, "conditions")}
    both = {Condition.Category.MENTAL_HEALTH, Condition.Category.SUBSTANCE_USE}
    return Condition.Category.CO_OCCURRING in categories or both <= categories


class DualDiagnosisRule(BaseRule):
    """Mental health and substance use treated together, for a seeker who named both."""

    name = "dual_diagnosis"
    weight = 8.0

    def role(self, intake: Intake, vocabulary: Vocabulary) -> Role | None:
        return Role.STATED if needs_dual_diagnosis_care(intake, vocabulary) else None

    def judge(
        self, role: Role, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        if treats_dual_diagnosis(program):
            return self.reason(
                role,
                _("Treats mental health and substance use together (dual diagnosis), as you need"),
                earned=1.0,
                met=True,
            )
        return self.reason(
            role,
            _("Doesn't list care for mental health and substance use together (dual diagnosis)"),
            earned=0.0,
            met=False,
        )


class TherapiesRule(BaseRule):
    """Preferred therapies offered."""

    name = "therapies"
    weight = 15.0
    answer = "therapies"

    def judge(
        self, role: Role, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        offered = {modality.slug: modality for modality in related(program, "modalities")}
        have = [offered[slug] for slug in intake.therapies if slug in offered]
        missing = _labels(context, "modality", [s for s in intake.therapies if s not in offered])
        return self.split(
            role,
            share=len(have) / len(intake.therapies),
            have=_("Offers %(therapies)s") % {"therapies": _names(have)} if have else None,
            missing=_("No %(therapies)s") % {"therapies": get_text_list(missing, _("or"))}
            if missing
            else None,
        )


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


def program_schedule(program: Program) -> int:
    """The programme's session times as the search table's mask (``programs.search``): as the
    ranking read it with the page (``attach_schedules``), or made from its weekly sessions."""
    schedule = attached_schedule(program)
    if schedule is None:
        schedule = 0
        for session in related(program, "sessions"):
            schedule |= 1 << session_bit(session.weekday, session.start_time)
    return schedule


def goal_met(goal: str, program: Program) -> bool:
    """Whether a programme offers what a goal needs (pure; uses prefetched relations)."""
    if goal == Goal.KEEP_WORKING:
        _days, bands = schedule_days_and_bands(program_schedule(program))
        return program.offers_virtual or bool(bands & {TimeOfDay.EVENING, TimeOfDay.WEEKEND})
    if goal == Goal.STEP_DOWN and program.offers_php:
        return True
    services = {modality.slug for modality in related(program, "modalities")}
    return bool(services & set(GOAL_SERVICES.get(goal, ())))


class GoalsRule(BaseRule):
    """Goals met by the programme's services and schedule."""

    name = "goals"
    weight = 10.0
    answer = "goals"

    def judge(
        self, role: Role, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        fits = {goal: goal_met(goal, program) for goal in intake.goals}
        met = [context.words.choice(Goal, goal) for goal, fit in fits.items() if fit]
        unmet = [context.words.choice(Goal, goal) for goal, fit in fits.items() if not fit]
        have = missing = None
        if met:
            have = ngettext("Fits your goal: %(goals)s", "Fits your goals: %(goals)s", len(met)) % {
                "goals": get_text_list(met, _("and"))
            }
        if unmet:
            missing = ngettext(
                "Doesn't list services for your goal: %(goals)s",
                "Doesn't list services for your goals: %(goals)s",
                len(unmet),
            ) % {"goals": get_text_list(unmet, _("and"))}
        return self.split(role, share=len(met) / len(intake.goals), have=have, missing=missing)


# Each band in a sentence: "evening" sessions, or the seeker's own "evenings".
BAND_WORDS = {
    TimeOfDay.MORNING: (gettext_noop("weekday morning"), gettext_noop("weekday mornings")),
    TimeOfDay.AFTERNOON: (gettext_noop("weekday afternoon"), gettext_noop("weekday afternoons")),
    TimeOfDay.EVENING: (gettext_noop("evening"), gettext_noop("evenings")),
    TimeOfDay.WEEKEND: (gettext_noop("weekend"), gettext_noop("weekends")),
}


def _band_words(band: str, *, yours: bool = False) -> str:
    return _(BAND_WORDS[band][yours])


def schedule_days(schedule: int, availability: Iterable[str]) -> tuple[int, int]:
    """How many of the programme's session days (its ``program_schedule``) the seeker can
    attend, out of how many.

    A day fits when any session that day starts in a band the seeker can attend: a
    programme running a morning and an evening track on the same days fits either.
    """
    days, _bands = schedule_days_and_bands(schedule)
    return fit_days(schedule, availability), len(days)


class ScheduleRule(BaseRule):
    """The share of the programme's session days at times they said they can attend."""

    name = "schedule"
    weight = 15.0
    answer = "availability"

    def judge(
        self, role: Role, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        schedule = program_schedule(program)
        fit, days = schedule_days(schedule, intake.availability)
        if not days:
            return self.reason(
                role,
                _("Schedule not listed: ask when groups meet"),
                earned=SCHEDULE_UNKNOWN_SHARE,
                met=None,
            )
        _days, bands = schedule_days_and_bands(schedule)
        if fit == days:
            times = [
                _band_words(b) for b in TimeOfDay.values if b in bands & {*intake.availability}
            ]
            text = _("Offers %(times)s sessions") % {"times": get_text_list(times, _("and"))}
            return self.reason(role, text, earned=1.0, met=True)
        if not fit:
            offered = [_band_words(band) for band in TimeOfDay.values if band in bands]
            text = _("Meets at other times (%(times)s)") % {
                "times": get_text_list(offered, _("and"))
            }
            return self.reason(role, text, earned=0.0, met=False)
        yours = [_band_words(b, yours=True) for b in TimeOfDay.values if b in intake.availability]
        text = ngettext(
            "%(fit)d of %(days)d days fits your %(times)s",
            "%(fit)d of %(days)d days fit your %(times)s",
            fit,
        ) % {"fit": fit, "days": days, "times": get_text_list(yours, _("and"))}
        # Every session day matters in an IOP: a partly fitting schedule is a miss.
        return self.reason(role, text, earned=fit / days, met=False)


def trip_share(miles: float, radius: float) -> float:
    """Distance points earned (0.3-1) for a trip of ``miles`` within ``radius``."""
    radius = max(radius, 1)
    return 0.3 + 0.7 * (1.0 - min(miles, radius) / radius)


class DistanceRule(BaseRule):
    """How far they would travel, several times a week; virtual care counts as a short trip."""

    name = "distance"
    weight = 10.0

    def role(self, intake: Intake, vocabulary: Vocabulary) -> Role | None:
        # A virtual-only seeker compares only virtual programmes: no travel for any of them.
        return Role.TIE_BREAK if intake.format == Format.VIRTUAL else Role.STATED

    def judge(
        self, role: Role, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        miles = context.distance_miles
        if miles is not None and intake.format != Format.VIRTUAL:
            text = (
                _("Under 0.1 miles from you")  # not "0.0 miles", as on the card beside it
                if miles < 0.1
                else _("%(miles).1f miles from you") % {"miles": miles}
            )
            return self.reason(role, text, earned=trip_share(miles, intake.radius), met=True)
        if program.offers_virtual:
            earned = trip_share(VIRTUAL_TRIP_MILES, intake.radius) if role is Role.STATED else 1.0
            text = _("Virtual: no travel, and licensed in your state")
            return self.reason(role, text, earned=earned, met=True)
        return ()


class PopulationsRule(BaseRule):
    """Programmes for a specific group."""

    name = "populations"
    weight = 6.0
    answer = "populations"

    def judge(
        self, role: Role, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        served = {population.slug for population in related(program, "populations")}
        have = _labels(context, "population", [s for s in intake.populations if s in served])
        missing = _labels(context, "population", [s for s in intake.populations if s not in served])
        return self.split(
            role,
            share=len(have) / len(intake.populations),
            have=_("Has a programme for %(groups)s") % {"groups": get_text_list(have, _("and"))}
            if have
            else None,
            missing=_("No specific track for %(groups)s")
            % {"groups": get_text_list(missing, _("or"))}
            if missing
            else None,
        )


class Cover(IntEnum):
    """How surely a listing covers a seeker's plan."""

    CHECK_PLAN = 1  # at the other level: a carrier for "private insurance", or the reverse
    LISTED = 2


def insurance_cover(slug: str, vocabulary: Vocabulary) -> dict[str, Cover]:
    """Every insurance listing that satisfies a seeker's plan, and how surely.

    The one definition: the hard filter admits a programme listing any of these, and the
    insurance reason says which one it lists. A specific private carrier is satisfied by a
    listing of "private insurance" (SAMHSA lists insurance only at that level), and
    "private insurance" by any carrier; either way the seeker should check the plan.
    """
    if slug in vocabulary.private_carriers:
        return {slug: Cover.LISTED, PRIVATE_INSURANCE: Cover.CHECK_PLAN}
    if slug == PRIVATE_INSURANCE:
        carriers = sorted(vocabulary.private_carriers)
        return {slug: Cover.LISTED, **dict.fromkeys(carriers, Cover.CHECK_PLAN)}
    return {slug: Cover.LISTED}


class InsuranceRule(BaseRule):
    """Their insurance (or self-pay) accepted, exactly as the insurance filter reads listings."""

    name = "insurance"
    weight = 12.0
    answer = "insurance"

    def judge(
        self, role: Role, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        plan = intake.insurance
        listed = {insurance.slug: insurance for insurance in related(program, "insurance")}
        # The other-level listings this programme has ("check your plan"), in vocabulary order.
        others = [
            listed[slug]
            for slug, how in insurance_cover(plan, context.vocabulary).items()
            if how is Cover.CHECK_PLAN and slug in listed
        ]
        others_names = [term.name for term in others]
        if plan in listed:
            if plan == PRIVATE_INSURANCE and others:
                text = _("Accepts private insurance, including %(carriers)s") % {
                    "carriers": get_text_list(others_names, _("and"))
                }
            elif plan == PRIVATE_INSURANCE:
                text = _("Accepts private insurance")
            elif plan == SELF_PAY and program.sliding_scale:
                text = _("Accepts self-pay, with sliding-scale fees")
            else:
                text = _("Accepts %(insurance)s") % {"insurance": listed[plan].name}
            return self.reason(role, text, earned=1.0, met=True)
        if others:
            if plan == PRIVATE_INSURANCE:
                text = _("Accepts private insurance from %(carriers)s: check your plan") % {
                    "carriers": get_text_list(others_names, _("or"))
                }
            else:
                text = _("Accepts private insurance: check that %(insurance)s is covered") % {
                    "insurance": context.vocabulary.label("insurance", plan)
                }
            return self.reason(role, text, earned=CHECK_PLAN_SHARE, met=True)
        if plan == SELF_PAY and program.sliding_scale:
            text = _("Doesn't list self-pay, but has sliding-scale fees")
            return self.reason(role, text, earned=SLIDING_SCALE_SHARE, met=False)
        if plan == PRIVATE_INSURANCE:
            text = _("Doesn't list private insurance")
        else:
            text = _("Doesn't list %(insurance)s") % {
                "insurance": context.vocabulary.label("insurance", plan)
            }
        return self.reason(role, text, earned=0.0, met=False)


class LanguageRule(BaseRule):
    """Sessions in their language."""

    name = "language"
    weight = 6.0

    def role(self, intake: Intake, vocabulary: Vocabulary) -> Role | None:
        return Role.STATED if intake.language and intake.language != "en" else None

    def judge(
        self, role: Role, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        label = context.vocabulary.label("language", intake.language)
        if any(language.slug == intake.language for language in related(program, "languages")):
            text = _("Sessions in %(language)s") % {"language": label}
            return self.reason(role, text, earned=1.0, met=True)
        text = _("No sessions listed in %(language)s") % {"language": label}
        return self.reason(role, text, earned=0.0, met=False)


class IntensityRule(BaseRule):
    """Hours a week that suit how severe things are (not asked: a tie-breaker)."""

    name = "intensity"
    weight = 5.0
    RANGES = {Severity.MILD: (6, 10), Severity.MODERATE: (9, 15), Severity.SEVERE: (12, 20)}

    def judge(
        self, role: Role, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        if program.hours_per_week is None:
            return ()
        from matching.screening import effective_severity

        low, high = self.RANGES[effective_severity(intake)]
        hours = f"{float(program.hours_per_week):g}"
        if low <= float(program.hours_per_week) <= high:
            text = _("%(hours)s hours a week suits how you're feeling") % {"hours": hours}
            return self.reason(role, text, earned=1.0, met=True)
        text = _("%(hours)s hours a week: ask whether the intensity suits you") % {"hours": hours}
        return self.reason(role, text, earned=0.4, met=False)


@functools.lru_cache(maxsize=1024)
def month_and_year(language: str | None, year: int, month: int) -> str:
    """ "June 2025" in ``language`` (the active one: each language is kept apart). Formatting
    a date costs ~25 µs, once per result on every page of results; months are few."""
    with translation.override(language):
        return date_format(datetime.date(year, month, 1), "F Y")


class VerifiedRule(BaseRule):
    """A recently verified listing is more likely to be right (not asked: a tie-breaker)."""

    name = "verified"
    weight = 4.0

    def judge(
        self, role: Role, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        verified = program.last_verified_on
        if verified is None:
            text = _("Listing not yet verified: call to confirm details")
            return self.reason(role, text, earned=0.0, met=False)
        when = month_and_year(get_language(), verified.year, verified.month)
        if (context.today - verified).days <= 365:
            text = _("Listing verified in %(when)s") % {"when": when}
            return self.reason(role, text, earned=1.0, met=True)
        text = _("Listing last verified in %(when)s") % {"when": when}
        return self.reason(role, text, earned=0.4, met=False)


# Points for a listing that does not say whether it takes new patients: between a waitlist
# and a confirmed opening.
UNKNOWN_OPENINGS_SHARE = 0.5


class WaitlistRule(BaseRule):
    """Accepting new patients now (a tie-breaker, only when they said a waitlist is fine)."""

    name = "waitlist"
    weight = 5.0

    def role(self, intake: Intake, vocabulary: Vocabulary) -> Role | None:
        return Role.TIE_BREAK if intake.accept_waitlist else None

    def judge(
        self, role: Role, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        if program.accepting_new_patients:
            return self.reason(role, _("Accepting new patients"), earned=1.0, met=True)
        if program.accepting_new_patients is None:
            # The listing does not say: neither a match nor a miss, something to ask.
            return self.reason(
                role, _("Call to ask about openings"), earned=UNKNOWN_OPENINGS_SHARE, met=None
            )
        return self.reason(role, _("Has a waitlist"), earned=0.0, met=False)


def age_range_text(min_age: int | None, max_age: int | None) -> str:
    """Who a programme takes, by age, in a few words."""
    if min_age is None:
        return _("Age range not listed")
    if max_age is not None:
        return _("Ages %(min)d-%(max)d") % {"min": min_age, "max": max_age}
    if min_age == 0:
        return _("All ages")
    if min_age == ADULT_AGE:
        return _("Adults %(min)d+") % {"min": min_age}
    return _("Ages %(min)d+") % {"min": min_age}


def takes_every_adult(program: Program) -> bool | None:
    """Whether the programme's ages include every adult; None when they are not listed."""
    if program.min_age is None:
        return None
    return program.min_age <= ADULT_AGE and program.max_age is None


class AgeRule(BaseRule):
    """With a blank age: the programme's age range, and open programmes first."""

    name = "age"
    weight = 1.0

    def role(self, intake: Intake, vocabulary: Vocabulary) -> Role | None:
        # With an age, the hard filter already kept only programmes that take it.
        return Role.GATE if intake.age is None else None

    def judge(
        self, role: Role, intake: Intake, program: Program, context: Context
    ) -> tuple[CriterionResult, ...]:
        open_to_adults = takes_every_adult(program)
        earned = 0.5 if open_to_adults is None else float(open_to_adults)
        text = age_range_text(program.min_age, program.max_age)
        # We don't know the seeker's age, so the range is something to check, not a verdict.
        return self.reason(role, text, earned=earned, met=None)


RULES: tuple[Rule, ...] = (
    ConditionsRule(),
    DualDiagnosisRule(),
    TherapiesRule(),
    GoalsRule(),
    ScheduleRule(),
    DistanceRule(),
    InsuranceRule(),
    PopulationsRule(),
    LanguageRule(),
    AgeRule(),
    IntensityRule(),
    VerifiedRule(),
    WaitlistRule(),
)


def evaluate(intake: Intake, program: Program, context: Context) -> tuple[CriterionResult, ...]:
    """Every rule's reasons for one programme, in the order they are shown."""
    return tuple(reason for rule in RULES for reason in rule.check(intake, program, context))


def match_percent(reasons: Iterable[CriterionResult]) -> int:
    """The "% match": the share of the stated points earned (0-100)."""
    earned = possible = 0.0
    for reason in reasons:
        if reason.role is Role.STATED:
            earned += reason.points
            possible += reason.max_points
    return round(100 * earned / possible) if possible else 0


def rank_key(
    reasons: Iterable[CriterionResult], distance_miles: float | None
) -> tuple[float, bool, float, float, float]:
    """How a programme sorts, smallest first: the one definition of the ranking.

    1. the gate's shortfall: with a blank age, programmes that take every adult come first;
    2. whether any stated preference is missed: a programme meeting every one ranks above
       one that misses any (an unknown, such as an unlisted schedule, is not a miss);
    3. stated points, most first (the "% match", unrounded);
    4. tie-breaker points the seeker never asked about (intensity, verification, waitlist);
    5. the trip: nearer first, virtual care as a trip of ``VIRTUAL_TRIP_MILES``.
    Points are summed to two decimals so that a mirror in SQL ties exactly where this does.
    """
    gate = stated = unasked = 0.0
    missed = False
    for reason in reasons:
        if reason.role is Role.STATED:
            stated += reason.points
            missed = missed or reason.met is False
        elif reason.role is Role.GATE:
            gate += reason.max_points - reason.points
        else:
            unasked += reason.points
    trip = VIRTUAL_TRIP_MILES if distance_miles is None else distance_miles
    return (round(gate, 2), missed, -round(stated, 2), -round(unasked, 2), trip)


def score(
    intake: Intake, program: Program, context: Context
) -> tuple[int, tuple[CriterionResult, ...]]:
    """The "% match" and the reasons behind it."""
    reasons = evaluate(intake, program, context)
    return match_percent(reasons), reasons
