"""The intake as JSON, validated by the questionnaire's own form; and the match it yields.

JSON types are checked here (a boolean must be true or false, a number a whole number);
everything else, which slugs exist, the ranges, the place, the rules between answers, is
checked by ``matching.forms.IntakeForm``, so the questionnaire and the API cannot drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField

from iopfinder.api_errors import NON_FIELD_ERRORS
from matching.forms import FREQUENCY, GAD7_ITEMS, PHQ9_ITEMS, IntakeForm, YesNoField
from matching.intake import Format, Goal, Intake, Severity
from matching.screening import Level, LevelOfCare
from programs.api.serializers import MilesField, ProgramSummarySerializer
from programs.models import Vocabulary
from programs.schedule import TimeOfDay

FORM_FIELDS = IntakeForm.base_fields
SLUG_MAX_LENGTH = Vocabulary._meta.get_field("slug").max_length
# More terms than any vocabulary has: only there to bound the work one request can ask for.
MAX_TERMS = 50
LOWEST_ANSWER = min(int(value) for value, _label in FREQUENCY)
HIGHEST_ANSWER = max(int(value) for value, _label in FREQUENCY)


def encodable(value: str) -> None:
    """Reject text with lone surrogates: no database can store or compare it."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise serializers.ValidationError(
            _("Contains characters that are not valid text.")
        ) from error


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only (not "yes", 1 or "true")."""

    default_error_messages = {"invalid": _("Must be true or false.")}

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid")


class StrictIntegerField(serializers.IntegerField):
    """A JSON whole number only (not "5", 5.5 or true)."""

    default_error_messages = {"invalid": _("Must be a whole number.")}

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A JSON string only (not a number), holding valid text."""

    default_error_messages = {"invalid": _("Must be a string.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(encodable)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


def _slugs(help_text: str, **kwargs: Any) -> serializers.ListField:
    kwargs.setdefault("default", list)
    return serializers.ListField(
        child=StrictCharField(max_length=SLUG_MAX_LENGTH),
        max_length=MAX_TERMS,
        help_text=help_text,
        **kwargs,
    )


def _flag(help_text: str) -> StrictBooleanField:
    return StrictBooleanField(default=False, help_text=help_text)


def _scale(items: list, name: str) -> serializers.ListField:
    return serializers.ListField(
        child=StrictIntegerField(min_value=LOWEST_ANSWER, max_value=HIGHEST_ANSWER),
        min_length=len(items),
        max_length=len(items),
        required=False,
        allow_null=True,
        help_text=(
            f"Optional: the {len(items)} {name} answers in order, each "
            f"{LOWEST_ANSWER} (not at all) to {HIGHEST_ANSWER} (nearly every day)."
        ),
    )


def _whole_number(name: str, **kwargs: Any) -> StrictIntegerField:
    field = FORM_FIELDS[name]
    return StrictIntegerField(min_value=field.min_value, max_value=field.max_value, **kwargs)


class IntakeRequestSerializer(serializers.Serializer):
    """A seeker's answers, as the questionnaire asks them; vocabulary terms by slug."""

    conditions = _slugs(
        "Condition slugs; the first is the main concern.",
        min_length=1,
        default=serializers.empty,
        error_messages={
            "required": FORM_FIELDS["conditions"].error_messages["required"],
            "min_length": FORM_FIELDS["conditions"].error_messages["required"],
        },
    )
    substance_use = _flag("Alcohol or drug use is part of what they want help with.")
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MODERATE)
    phq9 = _scale(PHQ9_ITEMS, "PHQ-9")
    gad7 = _scale(GAD7_ITEMS, "GAD-7")
    self_harm_thoughts = _flag("Thoughts of self-harm or suicide in the past two weeks.")
    self_harm_plan = _flag("A plan or intention to act on them: the answer is crisis help.")
    recent_hospitalization = _flag("In hospital for mental health or substance use this month.")
    needs_withdrawal_support = _flag("Might need medical help to stop drinking or using safely.")
    goals = serializers.ListField(
        child=serializers.ChoiceField(choices=Goal.choices), default=list, max_length=MAX_TERMS
    )
    therapies = _slugs("Modality slugs of kind `therapy` they would like.")
    format = serializers.ChoiceField(choices=Format.choices, default=FORM_FIELDS["format"].initial)
    location = StrictCharField(
        max_length=FORM_FIELDS["location"].max_length,
        help_text='A five-digit ZIP code or "City, ST".',
        error_messages={"required": FORM_FIELDS["location"].error_messages["required"]},
    )
    radius = _whole_number(
        "radius", default=FORM_FIELDS["radius"].initial, help_text="Miles they can travel."
    )
    insurance = StrictCharField(
        max_length=SLUG_MAX_LENGTH, allow_blank=True, default="", help_text="Insurance slug."
    )
    insurance_required = _flag("Only programmes that list this insurance.")
    availability = serializers.ListField(
        child=serializers.ChoiceField(choices=TimeOfDay.choices),
        default=list,
        max_length=MAX_TERMS,
    )
    age = _whole_number("age", required=False, allow_null=True)
    language = StrictCharField(
        max_length=SLUG_MAX_LENGTH, allow_blank=True, default="", help_text="Language slug."
    )
    language_required = _flag("Only programmes that list this language.")
    populations = _slugs("Population slugs (programmes for a specific group).")
    accept_waitlist = _flag("Include programmes that are not accepting new patients now.")

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            if not isinstance(data, Mapping) or not isinstance(error.detail, dict):
                raise
            # Report every problem at once: also what the questionnaire says about the
            # answers whose JSON types were fine (an unknown slug, a place not found).
            checked = {}
            for field in self._writable_fields:
                if field.field_name in error.detail:
                    continue
                try:
                    checked[field.source] = field.run_validation(field.get_value(data))
                except (serializers.ValidationError, SkipField):
                    continue
            form = IntakeForm(data=intake_form_data(checked))
            more = {
                name: messages
                for name, messages in errors_by_intake_field(form.errors).items()
                if name in checked
            }
            raise serializers.ValidationError({**more, **error.detail}) from error

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        form = IntakeForm(data=intake_form_data(attrs))
        if not form.is_valid():
            raise serializers.ValidationError(errors_by_intake_field(form.errors))
        attrs["intake"] = form.to_intake()
        return attrs

    def to_intake(self) -> Intake:
        """The validated answers as an Intake (after ``is_valid()``)."""
        return self.validated_data["intake"]


def intake_form_data(attrs: dict[str, Any]) -> QueryDict:
    """The JSON answers as the questionnaire would have POSTed them."""
    data = QueryDict(mutable=True)
    for name, field in FORM_FIELDS.items():
        value = attrs.get(name)
        if isinstance(field, YesNoField):
            data[name] = "yes" if value else "no"
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data.setlist(name, [str(item) for item in value])
        elif value is not None:
            data[name] = str(value)
    if attrs.get("conditions"):
        data["main_condition"] = attrs["conditions"][0]
    for prefix in ("phq9", "gad7"):
        for number, answer in enumerate(attrs.get(prefix) or (), start=1):
            data[f"{prefix}_{number}"] = str(answer)
    return data


def errors_by_intake_field(form_errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The form's messages keyed by the JSON field they are about."""
    errors: dict[str, list[str]] = {}
    for name, messages in form_errors.items():
        if name == "__all__":
            field = NON_FIELD_ERRORS
        elif name == "main_condition":
            field = "conditions"
        elif name.startswith(("phq9_", "gad7_")):
            field = name.split("_")[0]
        else:
            field = name
        for message in messages:
            if message not in errors.setdefault(field, []):
                errors[field].append(message)
    return errors


# --- The answer ---------------------------------------------------------------------


class ResourceSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    action = serializers.CharField(read_only=True, help_text="What to do, in a sentence.")
    contact = serializers.CharField(read_only=True, help_text="The number to call or text.")
    href = serializers.CharField(read_only=True, help_text="A tel: link.")


class ScaleScoreSerializer(serializers.Serializer):
    total = serializers.IntegerField(read_only=True)
    band = serializers.CharField(read_only=True, help_text="The published severity band.")

    def to_representation(self, instance: tuple[int, str]) -> dict[str, Any]:
        total, band = instance
        return {"total": total, "band": band}


class LevelOfCareSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=Level.choices, read_only=True)
    label = serializers.SerializerMethodField()
    message = serializers.CharField(read_only=True)
    resources = serializers.SerializerMethodField(
        help_text="Crisis lines (988, 911) whenever the answers call for them; else empty."
    )
    phq9 = ScaleScoreSerializer(read_only=True, allow_null=True)
    gad7 = ScaleScoreSerializer(read_only=True, allow_null=True)

    @extend_schema_field(OpenApiTypes.STR)
    def get_label(self, level: LevelOfCare) -> str:
        return str(Level(level.level).label)

    @extend_schema_field(ResourceSerializer(many=True))
    def get_resources(self, level: LevelOfCare) -> list[dict[str, Any]]:
        resources = level.resources if level.show_crisis_resources else ()
        return ResourceSerializer(resources, many=True).data


class ReasonSerializer(serializers.Serializer):
    criterion = serializers.CharField(read_only=True)
    met = serializers.BooleanField(read_only=True)
    points = serializers.FloatField(read_only=True)
    max_points = serializers.FloatField(read_only=True)
    text = serializers.CharField(read_only=True, help_text="Why, in one sentence.")


class ProgramMatchSerializer(serializers.Serializer):
    program = ProgramSummarySerializer(read_only=True)
    score = serializers.IntegerField(read_only=True, help_text="Share of points earned, 0-100.")
    distance_miles = MilesField(help_text="Miles to the nearest site; null for virtual care.")
    reasons = ReasonSerializer(many=True, read_only=True)


class MatchResponseSerializer(serializers.Serializer):
    level_of_care = LevelOfCareSerializer(read_only=True)
    results = ProgramMatchSerializer(
        many=True, read_only=True, help_text="Best first; always empty for the crisis level."
    )
    suggestions = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="What to loosen when nothing fits.",
    )
