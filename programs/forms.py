"""Forms the public fills in about a listing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import EditSuggestion, Program, phone_validator

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
