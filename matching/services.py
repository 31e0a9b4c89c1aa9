"""Matching: screen the intake, score the candidates, explain the ranking."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from matching.intake import Format, Intake
from matching.rules import Context, CriterionResult, rank_key, score
from matching.screening import LevelOfCare, screen
from matching.selectors import match_candidates, vocabulary_load
from programs.models import Program

RESULT_LIMIT = 25


@dataclass(frozen=True)
class ProgramMatch:
    program: Program
    score: int
    distance_miles: float | None
    reasons: tuple[CriterionResult, ...]

    @property
    def matched(self) -> tuple[CriterionResult, ...]:
        return tuple(reason for reason in self.reasons if reason.met is True)

    @property
    def unmatched(self) -> tuple[CriterionResult, ...]:
        return tuple(reason for reason in self.reasons if reason.met is False)

    @property
    def unknown(self) -> tuple[CriterionResult, ...]:
        """Neither matched nor missed, to check with the programme: an unlisted schedule, ages."""
        return tuple(reason for reason in self.reasons if reason.met is None)


@dataclass(frozen=True)
class MatchResult:
    level_of_care: LevelOfCare
    results: tuple[ProgramMatch, ...]
    suggestions: tuple[str, ...] = ()


def match_programs(*, intake: Intake, today: datetime.date | None = None) -> MatchResult:
    """Screen the intake for the right level of care, then rank the programmes that fit."""
    level = screen(intake)
    if not level.show_programs:
        return MatchResult(level_of_care=level, results=())
    vocabulary = vocabulary_load()
    today = today or datetime.date.today()
    ranked = []
    for candidate in match_candidates(intake=intake, vocabulary=vocabulary):
        context = Context(
            distance_miles=candidate.distance_miles, today=today, vocabulary=vocabulary
        )
        percent, reasons = score(intake, candidate.program, context)
        ranked.append(ProgramMatch(candidate.program, percent, candidate.distance_miles, reasons))
    # rank_key holds the semantics (README "Ranking"); name and id make ties deterministic.
    ranked.sort(
        key=lambda m: (*rank_key(m.reasons, m.distance_miles), m.program.name, m.program.pk)
    )
    results = tuple(ranked[:RESULT_LIMIT])
    return MatchResult(
        level_of_care=level,
        results=results,
        suggestions=() if results else relax_suggestions(intake),
    )


def relax_suggestions(intake: Intake) -> tuple[str, ...]:
    """What to loosen when nothing fits, most helpful first."""
    suggestions = []
    if intake.format != Format.VIRTUAL and intake.radius < 100:
        suggestions.append(
            _("Travel further: try %(miles)d miles.")
            % {"miles": min(intake.radius * 2 if intake.radius >= 25 else 50, 500)}
        )
    if intake.format == Format.IN_PERSON:
        suggestions.append(_("Include virtual programmes licensed in your state."))
    if intake.insurance_required:
        suggestions.append(
            _(
                "Show programmes that don't list your insurance: many still take it, or offer sliding-scale fees."
            )
        )
    if intake.language_required:
        suggestions.append(
            _("Show programmes that don't list your language: many offer interpreters.")
        )
    if not intake.accept_waitlist:
        suggestions.append(_("Include programmes with a waitlist."))
    return tuple(suggestions)
