"""Matching: screen the intake, score the candidates, explain the ranking."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from matching.intake import Intake
from matching.relax import Suggestion, relax_suggestions
from matching.rules import Context, CriterionResult, Vocabulary, score
from matching.screening import Group, LevelOfCare, screen
from matching.selectors import (
    match_ranked_page,
    page_relations,
    programs_for_page,
    vocabulary_load,
)
from programs.models import Program
from programs.translated import Translated, one_language

# Results per page: the first page is what most seekers read.
RESULT_LIMIT = 25


@dataclass(frozen=True)
class ProgramMatch:
    program: Program
    score: int
    distance_miles: float | None
    reasons: tuple[CriterionResult, ...]
    group: Group | None = None  # which part of the list (detox first, outpatient first…)
    starts_group: bool = False  # the first result of its group on this page

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
    load_vocabulary: Callable[[], Vocabulary] = vocabulary_load,
) -> MatchResult:
    """Screen the intake for the right level of care, then rank every programme that fits.

    The database ranks every programme meeting the hard constraints (the rules' fast forms)
    and returns one page; only that page is loaded and explained by the rules themselves.
    ``load_vocabulary()`` gives the vocabulary copy, called only once programmes are wanted (a
    crisis answer reads nothing); the API passes the copy it validated the intake against
    (one look-up of the shared token less).
    """
    level = screen(intake)
    if not level.show_programs:
        return MatchResult(level_of_care=level, results=())
    page = max(1, page)
    vocabulary = load_vocabulary()
    today = today or datetime.date.today()
    ranked = match_ranked_page(
        intake=intake,
        vocabulary=vocabulary,
        today=today,
        offset=(page - 1) * per_page,
        limit=per_page,
        # The level of care screened to decides which listings come, in which groups.
        plan=level.plan,
    )
    programs = programs_for_page(
        ids=[row.program_id for row in ranked.rows],
        relations=page_relations(intake),
        vocabulary=vocabulary,
        # Terms and session times as the ranking read them: no query for either.
        masks={row.program_id: row.masks for row in ranked.rows},
    )
    results = []
    words = Translated()  # labels made text once for the whole page
    groups = level.plan.groups if level.plan else ()
    previous = None
    # Every sentence of the page in the language active now, without asking for it each time.
    with one_language():
        for row in ranked.rows:
            program = programs[row.program_id]
            context = Context(
                distance_miles=row.distance_miles, today=today, vocabulary=vocabulary, words=words
            )
            points, reasons = score(intake, program, context)
            group = groups[row.group] if row.group < len(groups) else None
            results.append(
                ProgramMatch(
                    program,
                    points,
                    row.distance_miles,
                    reasons,
                    group=group,
                    starts_group=group is not None and group != previous,
                )
            )
            previous = group
    return MatchResult(
        level_of_care=level,
        results=tuple(results),
        suggestions=() if ranked.total else relax_suggestions(intake),
        page=page,
        total=ranked.total,
        per_page=per_page,
    )
