"""The intake questionnaire: short, kind, and validated field by field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

from matching.intake import (
    CSSRS_FOLLOW_UPS,
    SAFETY_QUESTIONS,
    Format,
    Goal,
    Intake,
    Severity,
    SuicideBehavior,
)
from matching.validation import IntakeInvalid, intake_build
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


PHQ9_NAMES = [f"phq9_{index}" for index in range(1, 10)]
GAD7_NAMES = [f"gad7_{index}" for index in range(1, 8)]


class Step(NamedTuple):
    """One page of the questionnaire: a view over some of the form's fields, in groups.

    A group with a legend is a fieldset; a group without one sits under the step's heading.
    """

    number: int
    title: str
    groups: tuple[tuple[str | None, tuple[str, ...]], ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for _legend, names in self.groups for name in names)


# Safety first (a crisis answer ends the questionnaire at once), then what help, then
# practicalities. Every field belongs to exactly one step (a test proves it).
STEPS = (
    Step(1, _("Your safety"), ((_("Your safety"), tuple(SAFETY_QUESTIONS)),)),
    Step(
        2,
        _("What you'd like help with"),
        (
            (None, ("conditions", "main_condition", "substance_use", "severity")),
            (_("PHQ-9 (mood)"), tuple(PHQ9_NAMES)),
            (_("GAD-7 (anxiety)"), tuple(GAD7_NAMES)),
        ),
    ),
    Step(
        3,
        _("Where and when"),
        (
            (_("Where and how"), ("format", "location", "radius")),
            (_("When you can attend"), ("availability",)),
        ),
    ),
    Step(
        4,
        _("Paying and preferences"),
        (
            (_("Paying for it"), ("insurance", "insurance_required")),
            (_("Your goals"), ("goals", "therapies")),
            (
                _("About you"),
                ("age", "language", "language_required", "populations", "accept_waitlist"),
            ),
        ),
    ),
)
LAST_STEP = STEPS[-1].number


def requested_step(data: Mapping[str, Any]) -> int | None:
    """The step a POST was sent from; None for a whole-form post (results page, API-like)."""
    value = data.get("step")
    if value is None:
        return None
    try:
        return max(1, min(int(value), LAST_STEP))
    except (TypeError, ValueError):
        return 1  # a tampered step starts again from safety, never skips it


def moves_between_steps(data: Mapping[str, Any]) -> bool:
    """Whether a POST only moves between pages (no matching runs, so no rate limit)."""
    step = requested_step(data)
    return step is not None and (data.get("nav") == "back" or step < LAST_STEP)


class YesNoField(forms.TypedChoiceField):
    """A yes/no question answered with radio buttons, cleaned to a bool (None if unanswered).

    Safety questions are not required field by field: ``intake_build`` decides which must be
    answered (C-SSRS questions 3-5 only after a yes to question 2) and says so.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.RadioSelect)
        kwargs.setdefault("required", False)
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

    # Safety: the C-SSRS screener (Screen Version - Recent), in its published order and
    # close to its published wording, then the other reasons an IOP may not be safe yet.
    wish_dead = YesNoField(
        label=_(
            "In the past month, have you wished you were dead, or wished you could go to sleep "
            "and not wake up?"
        )
    )
    suicidal_thoughts = YesNoField(
        label=_("In the past month, have you had any actual thoughts of killing yourself?")
    )
    suicide_method = YesNoField(label=_("Have you thought about how you might do this?"))
    suicide_intent = YesNoField(
        label=_(
            "Have you had any intention of acting on these thoughts, rather than having the "
            "thoughts but knowing you definitely would not act on them?"
        )
    )
    suicide_plan = YesNoField(
        label=_(
            "Have you started to work out, or worked out, the details of how to kill yourself, "
            "and do you intend to carry out this plan?"
        )
    )
    suicide_behavior = forms.ChoiceField(
        label=_(
            "Have you ever done anything, started to do anything, or prepared to do anything "
            "to end your life?"
        ),
        help_text=_(
            "For example: collected pills, got a gun, gave away valuables, wrote a will or a "
            "suicide note, or started to hurt yourself but stopped."
        ),
        choices=SuicideBehavior.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    harm_others = YesNoField(
        label=_("In the past month, have you had thoughts of seriously hurting someone else?")
    )
    psychosis_danger = YesNoField(
        label=_(
            "Are you hearing or seeing things other people don't, or feeling that others mean "
            "you harm, in a way that frightens you or tells you to do things?"
        )
    )
    medical_danger = YesNoField(
        label=_(
            "In the past few days, have you fainted, had chest pain, or been unable to eat or "
            "drink?"
        )
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
        (_("Your safety"), list(SAFETY_QUESTIONS)),
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
        self.intake: Intake | None = None
        self.step = STEPS[0]
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

    def safety_follow_ups(self) -> list[forms.BoundField]:
        return [self[name] for name in CSSRS_FOLLOW_UPS]

    def safety_others(self) -> list[forms.BoundField]:
        rest = SAFETY_QUESTIONS[SAFETY_QUESTIONS.index("suicide_behavior") :]
        return [self[name] for name in rest]

    def phq9_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PHQ9_NAMES]

    def gad7_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in GAD7_NAMES]

    # --- The questionnaire as steps: one form, shown a page at a time -----------------

    def steps(self) -> tuple[Step, ...]:
        return STEPS

    def step_groups(self) -> list[tuple[str | None, list[forms.BoundField]]]:
        """The current step's questions by group, but those its template lays out itself."""
        laid_out = {*SAFETY_QUESTIONS, *PHQ9_NAMES, *GAD7_NAMES}
        groups = [
            (legend, [self[name] for name in names if name not in laid_out])
            for legend, names in self.step.groups
        ]
        return [(legend, fields) for legend, fields in groups if fields]

    def carried_fields(self) -> list[forms.BoundField]:
        """Every answer from the other steps, carried as hidden fields and re-validated."""
        return [field for field in self if field.name not in self.step.names]

    def first_step_with_errors(self, *, through: int) -> Step | None:
        """The first step up to ``through`` with an answer to fix (hidden answers included)."""
        self.is_valid()
        for step in STEPS[:through]:
            if any(name in self.errors for name in step.names):
                return step
        if through == LAST_STEP and self.errors:
            return STEPS[-1]  # a message about no one field: shown on the last step
        return None

    def show_step(self, number: int, *, with_errors: bool) -> None:
        """Show one step; only its own messages (or none, on a first visit) are displayed."""
        self.step = STEPS[max(1, min(number, LAST_STEP)) - 1]
        if not self.is_bound:
            return
        self.is_valid()
        shown = set(self.step.names) if with_errors else set()
        if with_errors and self.step.number == LAST_STEP:
            shown.add(NON_FIELD_ERRORS)
        for name in [name for name in self.errors if name not in shown]:
            del self.errors[name]

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
        try:
            self.intake = intake_build(raw=self.data, values=self._values(data), errors=self.errors)
        except IntakeInvalid as invalid:
            for name, messages in invalid.errors.items():
                field = name if name in self.fields else None
                for message in messages:
                    if message not in self.errors.get(name or "__all__", []):
                        self.add_error(field, message)
        return data

    @staticmethod
    def _values(data: dict[str, Any]) -> dict[str, Any]:
        """The parsed answers as ``intake_build`` takes them: vocabulary terms by slug."""
        values = dict(data)
        for name in ("conditions", "therapies", "populations"):
            values[name] = [term.slug for term in data.get(name) or ()]
        for name in ("main_condition", "insurance", "language"):
            values[name] = data[name].slug if data.get(name) else ""
        return values

    def screened_intake(self) -> Intake | None:
        """The intake, even from otherwise invalid answers when a safety answer is a crisis."""
        self.is_valid()
        return self.intake

    def to_intake(self) -> Intake:
        """The validated answers as an Intake (call only when the form is valid)."""
        if not self.is_valid() or self.intake is None:
            raise ValueError("The questionnaire is not valid.")
        return self.intake
