"""The intake questionnaire: short, kind, and validated field by field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from matching.intake import Format, Goal, Intake, Severity
from programs.filters import PlaceField
from programs.models import Condition, Insurance, Language, Modality, Population
from programs.schedule import TimeOfDay

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
PHQ9_ITEMS = [
    _("Little interest or pleasure in doing things"),
    _("Feeling down, depressed, or hopeless"),
    _("Trouble falling or staying asleep, or sleeping too much"),
    _("Feeling tired or having little energy"),
    _("Poor appetite or overeating"),
    _(
        "Feeling bad about yourself, or that you are a failure or have let yourself or your family down"
    ),
    _("Trouble concentrating on things, such as reading the newspaper or watching television"),
    _(
        "Moving or speaking so slowly that other people could have noticed, or the opposite: "
        "being so fidgety or restless that you have been moving around a lot more than usual"
    ),
    _("Thoughts that you would be better off dead, or of hurting yourself in some way"),
]
GAD7_ITEMS = [
    _("Feeling nervous, anxious, or on edge"),
    _("Not being able to stop or control worrying"),
    _("Worrying too much about different things"),
    _("Trouble relaxing"),
    _("Being so restless that it's hard to sit still"),
    _("Becoming easily annoyed or irritable"),
    _("Feeling afraid as if something awful might happen"),
]
FREQUENCY = [
    ("0", _("Not at all")),
    ("1", _("Several days")),
    ("2", _("More than half the days")),
    ("3", _("Nearly every day")),
]


class YesNoField(forms.TypedChoiceField):
    """A required yes/no question answered with radio buttons, cleaned to a bool."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault("error_messages", {"required": _("Please answer yes or no.")})
        super().__init__(
            choices=YES_NO, coerce=lambda value: value == "yes", empty_value=None, **kwargs
        )


def _slug_choices(model: type, **filters: Any) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        queryset=model.objects.filter(**filters),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("%(value)s is not one of the options.")},
    )


class IntakeForm(forms.Form):
    """All the questions on one page, in sections; answers are never stored."""

    # What they want help with
    conditions = forms.ModelMultipleChoiceField(
        label=_("What would you like help with?"),
        help_text=_("Choose all that apply."),
        queryset=Condition.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one thing you would like help with."),
            "invalid_choice": _("%(value)s is not one of the options."),
        },
    )
    main_condition = forms.ModelChoiceField(
        label=_("Which matters most to you right now?"),
        queryset=Condition.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("The first one I chose"),
        error_messages={"invalid_choice": _("Choose one of the options.")},
    )
    substance_use = forms.BooleanField(
        label=_("Alcohol or drug use is part of what I want help with"), required=False
    )
    severity = forms.ChoiceField(
        label=_("How much is this affecting your life?"),
        choices=Severity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the answer closest to how things are.")},
    )

    # Safety
    self_harm_thoughts = YesNoField(
        label=_("In the past two weeks, have you had thoughts of hurting yourself or of suicide?")
    )
    self_harm_plan = YesNoField(
        label=_("Do you have a plan or intention to act on those thoughts?"),
        help_text=_("If you are not sure, answer yes: we will show you who to call."),
    )
    recent_hospitalization = YesNoField(
        label=_(
            "Have you been in hospital for your mental health or substance use in the past month?"
        )
    )
    needs_withdrawal_support = YesNoField(
        label=_("Might you need medical help to stop drinking or using drugs safely (withdrawal)?"),
        help_text=_("For example shaking, sweating or seizures when you stop."),
    )

    # Goals and therapy
    goals = forms.MultipleChoiceField(
        label=_("What would you like to get out of a programme?"),
        choices=Goal.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    therapies = _slug_choices(Modality, kind=Modality.Kind.THERAPY)
    therapies.label = _("Therapies you would like (leave blank if you have no preference)")

    # Where and how
    format = forms.ChoiceField(
        label=_("How would you like to attend?"),
        choices=Format.choices,
        initial=Format.EITHER,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose in person, virtual or either.")},
    )
    location = PlaceField(
        label=_("Your ZIP code or City, ST"),
        help_text=_(
            "We use it to find programmes near you and virtual programmes licensed in your state."
        ),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
        error_messages={
            "required": _("Enter your ZIP code or city and state, like 10001 or Austin, TX.")
        },
    )
    radius = forms.IntegerField(
        label=_("How far can you travel, several times a week? (miles)"),
        min_value=1,
        max_value=settings.DIRECTORY_MAX_RADIUS_MILES,
        initial=25,
        error_messages={
            "required": _("Enter how many miles you can travel."),
            "invalid": _("Enter a whole number of miles, like 25."),
        },
    )

    # Paying
    insurance = forms.ModelChoiceField(
        label=_("How will you pay?"),
        queryset=Insurance.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("Not sure yet"),
        error_messages={"invalid_choice": _("Choose one of the options.")},
    )
    insurance_required = forms.BooleanField(
        label=_("Only show programmes that take my insurance"), required=False
    )

    # When
    availability = forms.MultipleChoiceField(
        label=_("When can you attend?"),
        help_text=_("Choose all that work for you."),
        choices=TimeOfDay.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    # About them
    age = forms.IntegerField(
        label=_("Your age"),
        min_value=5,
        max_value=120,
        required=False,
        error_messages={"invalid": _("Enter your age as a whole number.")},
    )
    language = forms.ModelChoiceField(
        label=_("Language you would like sessions in"),
        queryset=Language.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("English"),
        error_messages={"invalid_choice": _("Choose one of the options.")},
    )
    language_required = forms.BooleanField(
        label=_("Only show programmes in this language"), required=False
    )
    populations = _slug_choices(Population)
    populations.label = _("Would you like a programme for a specific group?")
    accept_waitlist = forms.BooleanField(
        label=_("Include programmes with a waitlist"), required=False
    )

    SECTIONS = [
        (
            _("What you'd like help with"),
            ["conditions", "main_condition", "substance_use", "severity"],
        ),
        (
            _("Your safety"),
            [
                "self_harm_thoughts",
                "self_harm_plan",
                "recent_hospitalization",
                "needs_withdrawal_support",
            ],
        ),
        (_("Your goals"), ["goals", "therapies"]),
        (_("Where and how"), ["format", "location", "radius"]),
        (_("Paying for it"), ["insurance", "insurance_required"]),
        (_("When you can attend"), ["availability"]),
        (
            _("About you"),
            ["age", "language", "language_required", "populations", "accept_waitlist"],
        ),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for index in range(9):
            self.fields[f"phq9_{index + 1}"] = forms.ChoiceField(
                label=PHQ9_ITEMS[index], choices=FREQUENCY, required=False, widget=forms.RadioSelect
            )
        for index in range(7):
            self.fields[f"gad7_{index + 1}"] = forms.ChoiceField(
                label=GAD7_ITEMS[index], choices=FREQUENCY, required=False, widget=forms.RadioSelect
            )

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def phq9_fields(self) -> list[forms.BoundField]:
        return [self[f"phq9_{index}"] for index in range(1, 10)]

    def gad7_fields(self) -> list[forms.BoundField]:
        return [self[f"gad7_{index}"] for index in range(1, 8)]

    def _scale(self, prefix: str, count: int, name: str) -> tuple[int, ...] | None:
        answers = [self.cleaned_data.get(f"{prefix}_{index}") for index in range(1, count + 1)]
        if not any(answers):
            return None
        if not all(answers):
            missing = [index for index, answer in enumerate(answers, start=1) if not answer]
            for index in missing:
                self.add_error(
                    f"{prefix}_{index}",
                    _("Answer every %(scale)s question, or leave them all blank.")
                    % {"scale": name},
                )
            return None
        return tuple(int(answer) for answer in answers)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["phq9"] = self._scale("phq9", 9, "PHQ-9")
        data["gad7"] = self._scale("gad7", 7, "GAD-7")
        main = data.get("main_condition")
        chosen = list(data.get("conditions") or [])
        if main and chosen and main not in chosen:
            self.add_error("main_condition", _("Choose one of the things you ticked above."))
        if data.get("insurance_required") and not data.get("insurance"):
            self.add_error(
                "insurance",
                _(
                    "Choose your insurance, or untick “only show programmes that take my insurance”."
                ),
            )
        if data.get("language_required") and not data.get("language"):
            self.add_error(
                "language",
                _("Choose a language, or untick “only show programmes in this language”."),
            )
        return data

    def to_intake(self) -> Intake:
        """The validated answers as an Intake (call only when the form is valid)."""
        data = self.cleaned_data
        conditions = [condition.slug for condition in data["conditions"]]
        main = data.get("main_condition")
        if main and main.slug in conditions:
            conditions.remove(main.slug)
            conditions.insert(0, main.slug)
        place = data["location"]
        return Intake(
            conditions=tuple(conditions),
            substance_use=data.get("substance_use", False),
            severity=data["severity"],
            phq9=data.get("phq9"),
            gad7=data.get("gad7"),
            self_harm_thoughts=data["self_harm_thoughts"],
            self_harm_plan=data["self_harm_plan"],
            recent_hospitalization=data["recent_hospitalization"],
            needs_withdrawal_support=data["needs_withdrawal_support"],
            goals=tuple(data.get("goals") or ()),
            therapies=tuple(term.slug for term in data.get("therapies") or ()),
            format=data["format"],
            location=place.label if place else "",
            radius=data["radius"],
            insurance=data["insurance"].slug if data.get("insurance") else "",
            insurance_required=data.get("insurance_required", False),
            availability=tuple(data.get("availability") or ()),
            age=data.get("age"),
            language=data["language"].slug if data.get("language") else "",
            language_required=data.get("language_required", False),
            populations=tuple(term.slug for term in data.get("populations") or ()),
            accept_waitlist=data.get("accept_waitlist", False),
            place=place,
        )
