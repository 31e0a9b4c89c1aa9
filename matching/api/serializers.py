"""The intake as JSON, parsed field by field and validated by the questionnaire's own core.

JSON types, slugs and ranges are checked here; then ``matching.validation.intake_build``,
which the questionnaire calls too, reads the safety answers first (a crisis answer wins over
any other answer, valid or not), requires every safety question, and checks the rules
between answers. Unknown keys are an error, never ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.fields import SkipField

from iopfinder.api_errors import NON_FIELD_ERRORS
from iopfinder.api_serializers import FlatSerializer
from matching.forms import FREQUENCY, GAD7_ITEMS, PHQ9_ITEMS, IntakeForm
from matching.intake import Format, Goal, Intake, Severity, SuicideBehavior
from matching.rules import Role
from matching.rules import Vocabulary as RuleVocabulary
from matching.screening import Level, LevelOfCare
from matching.selectors import vocabulary_load
from matching.validation import RETIRED_NAMES, SAFETY_REQUIRED, IntakeInvalid, intake_build
from programs import levels as care_levels
from programs.api.serializers import (
    MilesField,
    ProgramSummarySerializer,
    answer_words,
    miles_data,
    program_summary_data,
)
from programs.filters import PlaceField
from programs.models import Modality, Vocabulary
from programs.schedule import TimeOfDay

if TYPE_CHECKING:
    from matching.services import ProgramMatch

FORM_FIELDS = IntakeForm.base_fields
SLUG_MAX_LENGTH = Vocabulary._meta.get_field("slug").max_length
# More terms than any vocabulary has: only there to bound the work one request can ask for.
MAX_TERMS = 50
LOWEST_ANSWER = min(int(value) for value, _label in FREQUENCY)
HIGHEST_ANSWER = max(int(value) for value, _label in FREQUENCY)
UNKNOWN_FIELD = _("Not one of the questions; check the spelling against the API description.")
RETIRED_FIELD = _(
    "No longer asked: the safety questions are now the C-SSRS screener (wish_dead, "
    "suicidal_thoughts, suicide_method, suicide_intent, suicide_plan, suicide_behavior)."
)
RETIRED = {name for names in RETIRED_NAMES.values() for name in names} | {"self_harm_thoughts"}


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


def _unknown_slugs(
    field: serializers.Field, relation: str, slugs: list[str], kind: str | None = None
) -> list[str]:
    """The slugs that are not terms of the vocabulary (of ``kind`` when given).

    Read from the per-process vocabulary copy the match itself uses (no query), taken once
    per request by the intake serializer.
    """
    vocabulary = getattr(field.root, "vocabulary", None) or vocabulary_load()
    known = {
        term.slug
        for term in vocabulary.terms[relation].values()
        if kind is None or term.kind == kind
    }
    return [slug for slug in slugs if slug not in known]


class SlugListField(serializers.ListField):
    """Vocabulary terms by slug, each checked to exist."""

    def __init__(self, relation: str, *, kind: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("default", list)
        super().__init__(
            child=StrictCharField(max_length=SLUG_MAX_LENGTH), max_length=MAX_TERMS, **kwargs
        )
        self.relation, self.kind = relation, kind

    def run_validation(self, data: Any = serializers.empty) -> list[str]:
        slugs = super().run_validation(data)
        unknown = _unknown_slugs(self, self.relation, slugs, self.kind)
        if unknown:
            # The questionnaire's message for each unknown term.
            raise serializers.ValidationError(
                [_("%(value)s is not one of the options.") % {"value": slug} for slug in unknown]
            )
        return slugs


class SlugField(StrictCharField):
    """One vocabulary term by slug, or blank."""

    def __init__(self, relation: str, **kwargs: Any) -> None:
        super().__init__(max_length=SLUG_MAX_LENGTH, allow_blank=True, default="", **kwargs)
        self.relation = relation

    def run_validation(self, data: Any = serializers.empty) -> str:
        # After the text checks (null characters, length), before looking the term up.
        slug = super().run_validation(data)
        if slug and _unknown_slugs(self, self.relation, [slug]):
            raise serializers.ValidationError(_("Choose one of the options."))
        return slug


@extend_schema_field(OpenApiTypes.STR)
class PlaceJSONField(StrictCharField):
    """A ZIP code or "City, ST", placed as the questionnaire places it."""

    def run_validation(self, data: Any = serializers.empty) -> Any:
        text = super().run_validation(data)
        try:
            return PlaceField(required=False).clean(text)
        except forms.ValidationError as error:
            raise serializers.ValidationError(error.messages) from error


def _flag(help_text: str) -> StrictBooleanField:
    return StrictBooleanField(default=False, help_text=help_text)


def _safety(help_text: str) -> StrictBooleanField:
    # Required, with the core's message: intake_build says the same when one is missing.
    return StrictBooleanField(help_text=help_text, error_messages={"required": SAFETY_REQUIRED})


def _follow_up(help_text: str) -> StrictBooleanField:
    return StrictBooleanField(
        required=False,
        allow_null=True,
        help_text=f"Required when suicidal_thoughts is true; else omit or null. {help_text}",
    )


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


def _messages(detail: Any) -> list[str]:
    """A field's messages as a flat list (a list's item errors come as {index: [...]})."""
    if isinstance(detail, Mapping):
        return [
            _("Item %(number)d: %(message)s") % {"number": int(index) + 1, "message": message}
            for index, messages in detail.items()
            for message in _messages(messages)
        ]
    if isinstance(detail, list | tuple):
        return [message for item in detail for message in _messages(item)]
    return [str(detail)]


class IntakeRequestSerializer(serializers.Serializer):
    """A seeker's answers, as the questionnaire asks them; vocabulary terms by slug."""

    conditions = SlugListField(
        "conditions",
        help_text="Condition slugs; the first is the main concern.",
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
    wish_dead = _safety(
        "C-SSRS 1: in the past month, wished they were dead or could go to sleep and not wake up."
    )
    suicidal_thoughts = _safety(
        "C-SSRS 2: in the past month, actual thoughts of killing themselves."
    )
    suicide_method = _follow_up("C-SSRS 3: thought about how they might do it.")
    suicide_intent = _follow_up("C-SSRS 4: some intention of acting on the thoughts: crisis.")
    suicide_plan = _follow_up(
        "C-SSRS 5: worked out the details and intend to carry them out: crisis."
    )
    suicide_behavior = serializers.ChoiceField(
        choices=SuicideBehavior.choices,
        error_messages={"required": SAFETY_REQUIRED},
        help_text=(
            "C-SSRS 6: did, started or prepared anything to end their life; "
            "`past_3_months` is crisis, `over_3_months` higher care."
        ),
    )
    harm_others = _safety("Thoughts of seriously hurting someone else: crisis.")
    psychosis_danger = _safety(
        "Hearing or seeing things others don't, or feeling others mean harm, in a way that "
        "frightens them or tells them to act: higher care."
    )
    medical_danger = _safety(
        "Fainting, chest pain, or not eating or drinking for days: higher care."
    )
    recent_hospitalization = _safety("In hospital for mental health or substance use this month.")
    needs_withdrawal_support = _safety(
        "Might need medical help to stop drinking or using safely: higher care."
    )
    goals = serializers.ListField(
        child=serializers.ChoiceField(choices=Goal.choices), default=list, max_length=MAX_TERMS
    )
    therapies = SlugListField(
        "modalities",
        kind=Modality.Kind.THERAPY,
        help_text="Modality slugs of kind `therapy` they would like.",
    )
    format = serializers.ChoiceField(choices=Format.choices, default=FORM_FIELDS["format"].initial)
    location = PlaceJSONField(
        max_length=FORM_FIELDS["location"].max_length,
        help_text='A five-digit ZIP code or "City, ST".',
        error_messages={"required": FORM_FIELDS["location"].error_messages["required"]},
    )
    radius = _whole_number(
        "radius", default=FORM_FIELDS["radius"].initial, help_text="Miles they can travel."
    )
    insurance = SlugField("insurance", help_text="Insurance slug.")
    insurance_required = _flag("Only programmes that list this insurance.")
    availability = serializers.ListField(
        child=serializers.ChoiceField(choices=TimeOfDay.choices),
        default=list,
        max_length=MAX_TERMS,
    )
    age = _whole_number("age", required=False, allow_null=True)
    language = SlugField("languages", help_text="Language slug.")
    language_required = _flag("Only programmes that list this language.")
    populations = SlugListField(
        "populations", help_text="Population slugs (programmes for a specific group)."
    )
    accept_waitlist = _flag("Include programmes that are not accepting new patients now.")
    page = StrictIntegerField(
        min_value=1,
        max_value=1000,
        required=False,
        help_text="Which page of results (25 a page), from 1; `has_next` says if there is more.",
    )

    @cached_property
    def vocabulary(self) -> RuleVocabulary:
        """The vocabulary copy the slug fields check against (one look-up per request)."""
        return vocabulary_load()

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            raise serializers.ValidationError(
                {NON_FIELD_ERRORS: [_("Send the answers as a JSON object.")]}
            )
        values: dict[str, Any] = {}
        errors: dict[str, list[str]] = {
            key: [str(RETIRED_FIELD if key in RETIRED else UNKNOWN_FIELD)]
            for key in data
            if key not in self.fields
        }
        for field in self._writable_fields:
            try:
                values[field.source] = field.run_validation(field.get_value(data))
            except serializers.ValidationError as error:
                errors[field.field_name] = _messages(error.detail)
            except SkipField:
                continue
        try:
            intake = intake_build(raw=data, values=values, errors=errors)
        except IntakeInvalid as invalid:
            raise serializers.ValidationError(invalid.errors) from invalid
        return {"intake": intake, "page": values.get("page", 1)}

    def to_intake(self) -> Intake:
        """The validated answers as an Intake (after ``is_valid()``)."""
        return self.validated_data["intake"]


# --- The answer ---------------------------------------------------------------------


class ContactLinkSerializer(FlatSerializer):
    kind = serializers.ChoiceField(choices=["call", "text", "chat"], read_only=True)
    label = serializers.CharField(read_only=True, help_text="What the link does, for a person.")
    href = serializers.CharField(read_only=True, help_text="A tel:, sms: or https: link.")


class ResourceSerializer(FlatSerializer):
    name = serializers.CharField(read_only=True)
    action = serializers.CharField(read_only=True, help_text="What to do, in a sentence.")
    contact = serializers.CharField(read_only=True, help_text="The number to call or text.")
    href = serializers.CharField(read_only=True, help_text="The most direct link (tel: or sms:).")
    links = ContactLinkSerializer(
        many=True, read_only=True, help_text="Every way to reach it: call, text, chat."
    )


class ScaleScoreSerializer(serializers.Serializer):
    total = serializers.IntegerField(read_only=True)
    band = serializers.CharField(read_only=True, help_text="The published severity band.")

    def to_representation(self, instance: tuple[int, str]) -> dict[str, Any]:
        total, band = instance
        return {"total": total, "band": band}


class LevelOfCareSerializer(FlatSerializer):
    level = serializers.ChoiceField(choices=Level.choices, read_only=True)
    label = serializers.SerializerMethodField()
    message = serializers.CharField(read_only=True)
    reasons = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="For crisis and higher care: which answers led here, in plain words.",
    )
    danger_signs = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Signs that mean calling 911 or going to the emergency room now, where they apply.",
    )
    talk_today = serializers.BooleanField(
        read_only=True, help_text="A clinician should be spoken to today (C-SSRS moderate risk)."
    )
    resources = serializers.SerializerMethodField(
        help_text=(
            "Crisis lines (988 by call, text and chat; Crisis Text Line; 911), the most direct "
            "first, whenever the answers call for them (crisis, higher care, any suicidal "
            "thoughts); else empty."
        )
    )
    phq9 = ScaleScoreSerializer(read_only=True, allow_null=True)
    gad7 = ScaleScoreSerializer(read_only=True, allow_null=True)
    list_levels = serializers.SerializerMethodField(
        help_text=(
            "The levels of care the list of results was built from (codes as in the "
            "directory's `level` filter); empty for crisis, which shows no list."
        )
    )

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=care_levels.CODES))
    )
    def get_list_levels(self, level: LevelOfCare) -> list[str]:
        return level.plan.codes if level.plan else []

    @extend_schema_field(OpenApiTypes.STR)
    def get_label(self, level: LevelOfCare) -> str:
        return str(Level(level.level).label)

    @extend_schema_field(ResourceSerializer(many=True))
    def get_resources(self, level: LevelOfCare) -> list[dict[str, Any]]:
        resources = level.resources if level.show_crisis_resources else ()
        return ResourceSerializer(resources, many=True).data


class ReasonSerializer(FlatSerializer):
    criterion = serializers.CharField(read_only=True)
    met = serializers.BooleanField(
        read_only=True,
        allow_null=True,
        help_text=(
            "true matches, false doesn't, null to check with the programme (schedule not "
            "listed; the age range when no age was given)."
        ),
    )
    role = serializers.ChoiceField(
        choices=[(role.value, role.value) for role in Role],
        read_only=True,
        help_text=(
            "`stated`: a preference they gave (decides the order and the score); `tie_break`: "
            "not asked about, only breaks ties; `gate`: with no age given, whether it takes "
            "every adult."
        ),
    )
    points = serializers.FloatField(read_only=True)
    max_points = serializers.FloatField(read_only=True)
    text = serializers.CharField(read_only=True, help_text="Why, in one sentence.")


class ProgramMatchSerializer(FlatSerializer):
    program = ProgramSummarySerializer(read_only=True)
    score = serializers.IntegerField(
        read_only=True, help_text="Share of the stated preferences' points earned, 0-100."
    )
    distance_miles = MilesField(help_text="Miles to the nearest site; null for virtual care.")
    group = serializers.CharField(
        source="group.code",
        read_only=True,
        allow_null=True,
        help_text=(
            "The part of the list it comes in: `withdrawal`, `higher`, `iop_step_up` (higher "
            "care), `iop`, or `outpatient` then `iop_if_needed` (weekly therapy may be enough)."
        ),
    )
    group_label = serializers.CharField(source="group.label", read_only=True, allow_null=True)
    reasons = ReasonSerializer(many=True, read_only=True)

    def to_representation(self, match: ProgramMatch) -> dict[str, Any]:
        """What the declared fields give (they stay the schema), built directly: 25 results
        of ~70 values each through DRF's fields were most of a match answer's CPU. Tested
        equal, value, type and field order (tests/test_api_serializers.py)."""
        group = match.group
        words = answer_words(self)
        return {
            "program": program_summary_data(match.program, self.context.get("request"), words),
            "score": match.score,
            "distance_miles": miles_data(match.distance_miles),
            "group": None if group is None else str(group.code),
            "group_label": None if group is None else words(group.label),
            "reasons": [
                {
                    "criterion": str(reason.criterion),
                    "met": reason.met,
                    "role": str(reason.role),
                    "points": float(reason.points),
                    "max_points": float(reason.max_points),
                    "text": str(reason.text),
                }
                for reason in match.reasons
            ],
        }


class MatchResponseSerializer(FlatSerializer):
    level_of_care = LevelOfCareSerializer(read_only=True)
    page = serializers.IntegerField(read_only=True, help_text="The page of results shown.")
    total = serializers.IntegerField(
        read_only=True, help_text="How many programmes fit in all (every page)."
    )
    has_next = serializers.BooleanField(read_only=True, help_text="Whether a next page exists.")
    results = ProgramMatchSerializer(
        many=True, read_only=True, help_text="Best first; always empty for the crisis level."
    )
    suggestions = serializers.SerializerMethodField(
        help_text="What to loosen when nothing fits, most helpful first."
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_suggestions(self, result: Any) -> list[str]:
        return [suggestion.text for suggestion in result.suggestions]

    def to_representation(self, result: Any) -> dict[str, Any]:
        """What the declared fields give (they stay the schema), built directly: copying the
        declared fields (every nested serializer made again) was a quarter of serializing an
        answer. Tested equal through DRF (tests/test_api_serializers.py)."""
        results = ProgramMatchSerializer(context=self.context)
        return {
            "level_of_care": LevelOfCareSerializer(result.level_of_care, context=self.context).data,
            "page": int(result.page),
            "total": int(result.total),
            "has_next": bool(result.has_next),
            "results": [results.to_representation(match) for match in result.results],
            "suggestions": self.get_suggestions(result),
        }
