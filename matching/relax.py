"""Ways to loosen a match that found nothing, each defined once.

Each relaxation knows when it applies to an intake, the button and sentence that offer it,
and how it changes the posted answers; the service lists them, the results page shows them
as buttons and the questionnaire view applies the one chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from matching.intake import Format, Intake


@dataclass(frozen=True)
class Suggestion:
    """One relaxation offered for an intake: the button's value and label, and why."""

    key: str
    button: str
    text: str


@dataclass(frozen=True)
class Relaxation:
    key: str
    button: Promise
    applies: Callable[[Intake], bool]
    sentence: Callable[[Intake], str]
    # The answers it changes, by field name; None removes the answer.
    changes: Callable[[Intake], Mapping[str, str | None]]

    def suggest(self, intake: Intake) -> Suggestion:
        return Suggestion(self.key, str(self.button), self.sentence(intake))

    def apply(self, data: QueryDict, intake: Intake) -> QueryDict:
        """The same posted answers with this one thing loosened."""
        relaxed = data.copy()
        for name, value in self.changes(intake).items():
            if value is None:
                relaxed.pop(name, None)
            else:
                relaxed[name] = value
        relaxed.pop("relax", None)
        return relaxed


def wider_radius(radius: int) -> int:
    """Twice as far, at least 50 miles, at most the directory's limit."""
    return min(max(radius * 2, 50), settings.DIRECTORY_MAX_RADIUS_MILES)


RELAXATIONS: tuple[Relaxation, ...] = (
    # A virtual-only seeker is never told to travel.
    Relaxation(
        key="wider",
        button=_("Travel further"),
        applies=lambda intake: (
            intake.format != Format.VIRTUAL and wider_radius(intake.radius) > intake.radius
        ),
        sentence=lambda intake: (
            str(_("Travel further: try %(miles)d miles.")) % {"miles": wider_radius(intake.radius)}
        ),
        changes=lambda intake: {"radius": str(wider_radius(intake.radius))},
    ),
    # "Either" keeps the radius for in-person programmes and adds virtual ones.
    Relaxation(
        key="virtual",
        button=_("Include virtual programmes"),
        applies=lambda intake: intake.format == Format.IN_PERSON,
        sentence=lambda intake: str(
            _("Include virtual programmes licensed in your state, as well as those nearby.")
        ),
        changes=lambda intake: {"format": Format.EITHER},
    ),
    Relaxation(
        key="any_insurance",
        button=_("Don't require my insurance"),
        applies=lambda intake: intake.insurance_required,
        sentence=lambda intake: str(
            _(
                "Show programmes that don't list your insurance: many still take it, or offer "
                "sliding-scale fees."
            )
        ),
        changes=lambda intake: {"insurance_required": None},
    ),
    Relaxation(
        key="any_language",
        button=_("Don't require my language"),
        applies=lambda intake: intake.language_required,
        sentence=lambda intake: str(
            _("Show programmes that don't list your language: many offer interpreters.")
        ),
        changes=lambda intake: {"language_required": None},
    ),
    Relaxation(
        key="waitlist",
        button=_("Include waitlists"),
        applies=lambda intake: not intake.accept_waitlist,
        sentence=lambda intake: str(_("Include programmes with a waitlist.")),
        changes=lambda intake: {"accept_waitlist": "on"},
    ),
)
RELAXATIONS_BY_KEY = {relaxation.key: relaxation for relaxation in RELAXATIONS}


def relax_suggestions(intake: Intake) -> tuple[Suggestion, ...]:
    """What to loosen when nothing fits, most helpful first."""
    return tuple(
        relaxation.suggest(intake) for relaxation in RELAXATIONS if relaxation.applies(intake)
    )


def relax_answers(data: QueryDict, intake: Intake) -> QueryDict | None:
    """The posted answers with the chosen relaxation applied, or None if none applies."""
    relaxation = RELAXATIONS_BY_KEY.get(data.get("relax", ""))
    if relaxation is None or not relaxation.applies(intake):
        return None
    return relaxation.apply(data, intake)
