"""Forms the public fills in about a listing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import CharField, Value, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from programs.models import EditSuggestion, Program, phone_validator
from programs.vocabulary_cache import vocabulary_cached

ACCEPTING_CHOICES = [
    ("", _("No change")),
    ("yes", _("Yes, it is accepting new patients")),
    ("no", _("No, it has a waitlist or is full")),
]


class SuggestionForm(forms.Form):
    """“Suggest an edit / report a problem”: what is wrong, and the right values if known."""

    kind = forms.ChoiceField(
        label=_("What is wrong?"), choices=EditSuggestion.Kind.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Tell us more"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Please don't include anything about your own health or anyone's name."),
    )
    name = forms.CharField(label=_("Programme name"), max_length=200, required=False)
    organization = forms.CharField(
        label=_("Provider or organisation"), max_length=200, required=False
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, validators=[phone_validator]
    )
    intake_phone = forms.CharField(
        label=_("Intake phone"), max_length=30, required=False, validators=[phone_validator]
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    email = forms.EmailField(label=_("Email"), required=False)
    accepting_new_patients = forms.ChoiceField(
        label=_("Accepting new patients?"), choices=ACCEPTING_CHOICES, required=False
    )
    typical_wait_days = forms.IntegerField(
        label=_("Typical wait (days)"), min_value=0, max_value=365, required=False
    )
    contact_email = forms.EmailField(
        label=_("Your email (optional)"),
        required=False,
        help_text=_("Only if you are happy for us to ask you a question about this listing."),
    )
    from_program_staff = forms.BooleanField(label=_("I work for this programme"), required=False)
    # A honeypot: hidden from people by CSS, left empty by them, filled in by spam robots.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    CORRECTION_FIELDS = EditSuggestion.EDITABLE_FIELDS

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        for name in self.CORRECTION_FIELDS:
            current = getattr(program, name)
            if name != "accepting_new_patients" and current not in (None, ""):
                self.fields[name].widget.attrs["placeholder"] = str(current)

    @property
    def correction_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.CORRECTION_FIELDS]

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("homepage"))

    def clean_accepting_new_patients(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data["accepting_new_patients"])

    def changes(self) -> dict[str, Any]:
        """The proposed values, JSON-ready (the service keeps those filled in and different)."""
        return {name: self.cleaned_data[name] for name in self.CORRECTION_FIELDS}


@dataclass(frozen=True)
class CheckboxOption:
    """One checkbox of a multiple-choice field, ready for a single template loop."""

    value: str
    label: str
    checked: bool
    id: str


def _vocabulary_choices(
    fields: dict[str, forms.ModelMultipleChoiceField],
) -> dict[str, list[tuple[str, str]]]:
    """(value, label) per vocabulary field, every vocabulary in one UNION query.

    Each part numbers its rows in the vocabulary's own order (sort order, then name, in the
    database's collation), so the page lists terms exactly as the field would.
    """
    parts = [
        field.queryset.order_by()
        .annotate(
            field_name=Value(name, output_field=CharField()),
            position=Window(RowNumber(), order_by=field.queryset.model._meta.ordering),
        )
        .values_list("field_name", "position", field.to_field_name, "name")
        for name, field in fields.items()
    ]
    if not parts:
        return {}
    rows = sorted(parts[0].union(*parts[1:], all=True))
    choices: dict[str, list[tuple[str, str]]] = {name: [] for name in fields}
    for name, _position, value, label in rows:
        choices[name].append((value, label))
    return choices


def checkbox_options(form: forms.Form, names: Iterable[str]) -> dict[str, list[CheckboxOption]]:
    """The checkboxes Django's CheckboxSelectMultiple would render for each field, as data.

    Django renders three templates per option (some 2,000 template nodes for the directory's
    filters); one loop over these gives the same markup. Vocabulary fields (labelled by
    their terms' names) are read together in one query, kept by each process until a
    vocabulary changes (``programs.vocabulary_cache``).
    """
    names = list(names)
    vocabulary_fields = {
        name: form.fields[name]
        for name in names
        if isinstance(form.fields[name], forms.ModelMultipleChoiceField)
    }
    vocabularies = vocabulary_cached(
        # The form's own class too: another form's fields of the same names may offer less.
        f"checkbox-choices:{type(form).__qualname__}:" + ",".join(vocabulary_fields),
        lambda: _vocabulary_choices(vocabulary_fields),
    )
    options: dict[str, list[CheckboxOption]] = {}
    for name in names:
        field = form[name]
        choices = vocabularies[name] if name in vocabularies else list(field.field.choices)
        chosen = {str(value) for value in field.value() or ()}
        options[name] = [
            CheckboxOption(
                value=str(value),
                label=str(label),
                checked=str(value) in chosen,
                id=f"{field.auto_id}_{index}",
            )
            for index, (value, label) in enumerate(choices)
        ]
    return options
