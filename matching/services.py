"""Matching: screen the intake, score the candidates, explain the ranking."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from matching.intake import Intake
from matching.relax import Suggestion, relax_suggestions
from matching.rules import Context, CriterionResult, rank_key, score
from matching.screening import Level, LevelOfCare, screen
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
    suggestions: tuple[Suggestion, ...] = ()
    # Paging: the page shown (1-based), how many programmes fit in all, and page size.
    page: int = 1
    total: int = 0
    per_page: int = RESULT_LIMIT

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * self.per_page + 1 if self.results else 0

    @property
    def last_shown(self) -> int:
        return (self.page - 1) * self.per_page + len(self.results)


def match_programs(
    *,
    intake: Intake,
    today: datetime.date | None = None,
    page: int = 1,
    per_page: int = RESULT_LIMIT,
) -> MatchResult:
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
    if level.level == Level.HIGHER_CARE:
        # Step-up guidance: programmes that can also give more intensive care come first.
        ranked.sort(key=lambda m: not m.program.offers_php)
    page = max(1, page)
    results = tuple(ranked[(page - 1) * per_page : page * per_page])
    return MatchResult(
        level_of_care=level,
        results=results,
        suggestions=() if ranked else relax_suggestions(intake),
        page=page,
        total=len(ranked),
        per_page=per_page,
    )
