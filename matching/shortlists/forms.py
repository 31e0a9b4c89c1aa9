"""Forms for building and sharing shortlists."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from matching.shortlists.models import MESSAGE_MAX_LENGTH, NOTE_MAX_LENGTH, Shortlist, ShortlistItem
from programs.models import Program

NEW_SHORTLIST = "new"
PATIENT_LABEL_WARNING = _(
    "Optional, and seen only by you: initials or your own reference number. "
    "Do not enter the patient's name, date of birth, address, phone number "
    "or other details that identify them."
)


class ShortlistForm(forms.ModelForm):
    """Title, patient label and the message to the patient."""

    class Meta:
        model = Shortlist
        fields = ["title", "patient_label", "message"]
        labels = {
            "title": _("Title"),
            "patient_label": _("Patient label"),
            "message": _("Message to the patient"),
        }
        help_texts = {
            "title": _("For example: Evening IOPs near Queens."),
            "patient_label": PATIENT_LABEL_WARNING,
            "message": _("Shown at the top of the patient's page and PDF."),
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX_LENGTH})}
        error_messages = {
            "title": {
                "required": _("Give the shortlist a title."),
                "max_length": _("Keep the title under %(limit_value)d characters."),
            },
            "patient_label": {
                "max_length": _("Keep the label under %(limit_value)d characters."),
            },
        }

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError(_("Give the shortlist a title."))
        return title


class ShortlistEditForm(ShortlistForm):
    """The shortlist's own fields plus one note per programme on it."""

    def __init__(self, *args: Any, items: list[ShortlistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[self.note_field(item)] = forms.CharField(
                label=_("Your note about %(name)s") % {"name": item.program.name},
                required=False,
                max_length=NOTE_MAX_LENGTH,
                initial=item.note,
                widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX_LENGTH}),
                error_messages={
                    "max_length": _("Keep each note under %(limit_value)d characters.")
                },
            )

    @staticmethod
    def note_field(item: ShortlistItem) -> str:
        return f"note_{item.pk}"

    def rows(self) -> list[tuple[ShortlistItem, forms.BoundField]]:
        return [(item, self[self.note_field(item)]) for item in self.items]

    def notes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data[self.note_field(item)] for item in self.items}


class ShortlistChoiceField(forms.ChoiceField):
    """One of the clinician's shortlists by id, or a new one."""

    def __init__(self, *, shortlists: list[Shortlist], **kwargs: Any) -> None:
        choices = [(str(s.pk), s.title) for s in shortlists]
        choices.append((NEW_SHORTLIST, _("A new shortlist")))
        super().__init__(
            choices=choices,
            label=_("Shortlist"),
            error_messages={
                "required": _("Choose a shortlist."),
                "invalid_choice": _("Choose one of your shortlists, or a new one."),
            },
            **kwargs,
        )


class AddProgramForm(forms.Form):
    """Which programme to add, and to which shortlist."""

    program = forms.ModelChoiceField(
        queryset=Program.objects.published(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose a programme to add."),
            "invalid_choice": _("That programme is not listed any more."),
        },
    )

    def __init__(self, *args: Any, shortlists: list[Shortlist], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["shortlist"] = ShortlistChoiceField(shortlists=shortlists)
        self.fields["attach_answers"] = forms.BooleanField(
            label=_("Attach these answers to the shortlist"), required=False
        )


class ShareForm(forms.Form):
    days = forms.IntegerField(
        label=_("Link works for (days)"),
        min_value=1,
        max_value=settings.SHORTLIST_SHARE_MAX_DAYS,
        initial=settings.SHORTLIST_SHARE_DEFAULT_DAYS,
        error_messages={
            "required": _("Enter how many days the link should work."),
            "invalid": _("Enter a whole number of days, like 30."),
            "min_value": _("The link must work for at least 1 day."),
            "max_value": _("A link can work for at most %(limit_value)s days."),
        },
    )


class ShareEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Patient's email"),
        help_text=_("Used once to send the link; it is not stored."),
        error_messages={
            "required": _("Enter the email address to send the link to."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )
