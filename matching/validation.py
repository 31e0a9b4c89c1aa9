"""The one validation core below the questionnaire and the match API.

The form and the serializer each parse their own input shape (form fields, JSON types) into
the same named values, then call ``intake_build``: it reads the safety answers first, so a
crisis answer yields a crisis intake whatever else is missing or invalid, and otherwise it
requires every safety question and checks the rules between answers.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from matching.intake import CSSRS_FOLLOW_UPS, SAFETY_QUESTIONS, Intake
from matching.screening import CRISIS_ROWS, Triage

SAFETY_REQUIRED = _("Please answer this question: it helps us keep you safe.")
FOLLOW_UP_REQUIRED = _(
    "You said yes to having thoughts of ending your life; please answer this question too."
)
INSURANCE_NEEDED = _(
    "Choose your insurance, or untick “only show programmes that take my insurance”."
)
LANGUAGE_NEEDED = _("Choose a language, or untick “only show programmes in this language”.")
MAIN_NOT_CHOSEN = _("Choose one of the things you ticked above.")

# Fields copied from the parsed values into the intake as they are.
PLAIN_FIELDS = (
    "substance_use",
    "severity",
    "format",
    "radius",
    "insurance",
    "insurance_required",
    "age",
    "language",
    "language_required",
    "accept_waitlist",
)
LIST_FIELDS = ("goals", "therapies", "availability", "populations")


# --- Reading crisis answers, leniently ------------------------------------------------

YES_WORDS = frozenset({"yes", "y", "true", "on", "1", "si", "sí"})
# Names of answers the API took before the C-SSRS replaced them. A client may still send
# them; a yes is still a crisis answer (never an "unknown key" 400 without crisis lines).
RETIRED_NAMES = {"suicide_plan": ("self_harm_plan",)}


def _normal(text: str) -> str:
    """Full-width letters, stray spaces and case do not hide an answer."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _says(value: Any, expected: Any) -> bool:
    """Whether one answer, in whatever shape it arrived, says ``expected``."""
    if isinstance(value, list | tuple):
        return any(_says(item, expected) for item in value)
    if expected is True:
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return value == 1
        return isinstance(value, str) and _normal(value) in YES_WORDS
    return isinstance(value, str) and _normal(value) == expected


def _values(raw: Any, name: str) -> list[Any]:
    """Every value sent under ``name``, however its key was spelled or cased."""
    if hasattr(raw, "getlist"):  # a QueryDict from the HTML form
        return [value for key in raw if _normal(key) == name for value in raw.getlist(key)]
    if isinstance(raw, Mapping):
        return [
            value for key, value in raw.items() if isinstance(key, str) and _normal(key) == name
        ]
    return []


def crisis_answers(raw: Any) -> tuple[Triage, ...]:
    """The crisis rows the raw form or JSON data meets, read before anything else.

    Read leniently on purpose: a crisis answer wins over every other answer, valid or not,
    and even over its own spelling (true, "yes", " YES ", "sí", 1 or ["yes"] all count).
    """
    return tuple(
        row
        for row in CRISIS_ROWS
        if any(
            _says(value, row.value)
            for name in (row.answer, *RETIRED_NAMES.get(row.answer, ()))
            for value in _values(raw, name)
        )
    )


# --- The core ---------------------------------------------------------------------------


class IntakeInvalid(Exception):
    """The answers cannot make an intake; ``errors`` lists messages by field name."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        super().__init__("The intake is not valid.")
        self.errors = {
            name: [str(message) for message in messages] for name, messages in errors.items()
        }


def _crisis_intake(rows: tuple[Triage, ...]) -> Intake:
    """An intake holding only the crisis answers: nothing else matters until they are safe."""
    return Intake(**{row.answer: row.value for row in rows})


def _safety_errors(values: Mapping[str, Any]) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    for name in SAFETY_QUESTIONS:
        if values.get(name) not in (None, ""):
            continue
        if name in CSSRS_FOLLOW_UPS:
            # C-SSRS questions 3-5 are asked only after a yes to question 2.
            if values.get("suicidal_thoughts"):
                errors[name] = [FOLLOW_UP_REQUIRED]
        else:
            errors[name] = [SAFETY_REQUIRED]
    return errors


def _rule_errors(values: Mapping[str, Any]) -> dict[str, list[Any]]:
    errors: dict[str, list[Any]] = {}
    main = values.get("main_condition")
    if main and values.get("conditions") and main not in values["conditions"]:
        errors["main_condition"] = [MAIN_NOT_CHOSEN]
    if values.get("insurance_required") and not values.get("insurance"):
        errors["insurance"] = [INSURANCE_NEEDED]
    if values.get("language_required") and not values.get("language"):
        errors["language"] = [LANGUAGE_NEEDED]
    return errors


def intake_build(
    *,
    raw: Any,
    values: Mapping[str, Any],
    errors: Mapping[str, Sequence[Any]] | None = None,
) -> Intake:
    """Safety first, then every other answer: an Intake, or IntakeInvalid with every message.

    ``raw`` is the input as it arrived (form data or JSON), read only for crisis answers;
    ``values`` are the answers the form or serializer could parse, by field name (terms as
    slugs, ``location`` a Place); ``errors`` are the messages they raised while parsing.
    """
    crisis = crisis_answers(raw)
    if crisis:
        return _crisis_intake(crisis)
    found: dict[str, list[Any]] = {
        name: list(messages) for name, messages in (errors or {}).items()
    }
    for name, messages in {**_safety_errors(values), **_rule_errors(values)}.items():
        found.setdefault(name, []).extend(m for m in messages if m not in found.get(name, []))
    if found:
        raise IntakeInvalid(found)

    conditions = list(values["conditions"])
    main = values.get("main_condition")
    if main in conditions:
        conditions.remove(main)
        conditions.insert(0, main)
    safety = {name: values.get(name) for name in SAFETY_QUESTIONS}
    if not safety["suicidal_thoughts"]:
        # Not asked without a yes to question 2; an answer given anyway is still honoured.
        for name in CSSRS_FOLLOW_UPS:
            safety[name] = safety[name] or None
    place = values["location"]
    scales = {name: tuple(values[name]) for name in ("phq9", "gad7") if values.get(name)}
    return Intake(
        conditions=tuple(conditions),
        location=place.label,
        place=place,
        **safety,
        **{name: values[name] for name in PLAIN_FIELDS if values.get(name) is not None},
        **scales,
        **{name: tuple(values.get(name) or ()) for name in LIST_FIELDS},
    )
