"""The match answers a clinician may attach to a shortlist, as readable pairs."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _

from matching.forms import IntakeForm
from matching.intake import SAFETY_QUESTIONS

# Everything that explains why these programmes fit, in the questionnaire's order. The
# safety questions and the PHQ-9/GAD-7 items (not in SECTIONS) are left out on purpose:
# a share link is a bearer link, and if it is forwarded those answers must not travel with it.
ATTACHABLE_FIELDS = tuple(
    name for _title, names in IntakeForm.SECTIONS for name in names if name not in SAFETY_QUESTIONS
)


def _display(form: IntakeForm, name: str) -> str:
    field = form.fields[name]
    value = form.cleaned_data.get(name)
    if value is None or value is False or value == "":
        return ""
    if name == "location":
        return value.label
    if isinstance(field, forms.BooleanField):
        return str(_("Yes"))
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(str(term) for term in value)
    if isinstance(field, forms.ModelChoiceField):
        return str(value)
    if isinstance(field, forms.MultipleChoiceField):
        labels = dict(field.choices)
        return ", ".join(str(labels.get(choice, choice)) for choice in value)
    if isinstance(field, forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    return str(value)


def match_answers_summary(*, form: IntakeForm) -> list[list[str]]:
    """Question and answer pairs from a valid intake form, skipping unanswered questions."""
    pairs = []
    for name in ATTACHABLE_FIELDS:
        answer = _display(form, name)
        if answer:
            pairs.append([str(form.fields[name].label), answer])
    return pairs
