"""Sign-up and login forms for clinicians."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from iopfinder.client import client_address
from matching.clinicians.models import Clinician
from matching.clinicians.throttle import (
    LoginWait,
    login_failure_record,
    login_failures_clear,
    login_wait,
)


class ClinicianSignupForm(forms.Form):
    """Who the clinician is; an admin checks it before the account can be used."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=Clinician._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Enter your full name.")},
    )
    credentials = forms.CharField(
        label=_("Credentials"),
        max_length=Clinician._meta.get_field("credentials").max_length,
        help_text=_("For example MD, PsyD, LCSW, LPC, NP."),
        error_messages={"required": _("Enter your professional credentials, like LCSW or MD.")},
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=Clinician._meta.get_field("organisation").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"required": _("Enter the practice, clinic or hospital you work for.")},
    )
    email = forms.EmailField(
        label=_("Work email"),
        max_length=150,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Enter your work email."),
            "invalid": _("Enter an email address like name@clinic.org."),
        },
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not a common password and not only numbers."),
        error_messages={"required": _("Choose a password.")},
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password again.")},
    )

    def clean_name(self) -> str:
        return self._not_blank("name")

    def clean_credentials(self) -> str:
        return self._not_blank("credentials")

    def clean_organisation(self) -> str:
        return self._not_blank("organisation")

    def _not_blank(self, field: str) -> str:
        value = " ".join(self.cleaned_data[field].split())
        if not value:
            raise ValidationError(self.fields[field].error_messages["required"])
        return value

    def clean_email(self) -> str:
        # Whether the address has an account is not said here (see clinician_register).
        return self.cleaned_data["email"].strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are different."))
        elif first:
            user_model = get_user_model()
            probe = user_model(username=data.get("email") or "", email=data.get("email") or "")
            try:
                validate_password(first, user=probe)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class LoginThrottleMixin:
    """Counts failed log-ins per account and client; a pair that owes a wait is not checked."""

    throttle_messages = {
        "slowed": ngettext_lazy(
            "Too many failed attempts. Wait %(seconds)d second and try again.",
            "Too many failed attempts. Wait %(seconds)d seconds and try again.",
            "seconds",
        ),
        "cooldown": ngettext_lazy(
            "Too many failed attempts from here. Wait %(minutes)d minute and try again, "
            "or reset your password.",
            "Too many failed attempts from here. Wait %(minutes)d minutes and try again, "
            "or reset your password.",
            "minutes",
        ),
    }
    # Clinicians log in by e-mail, kept lower-case; admin user names are matched as typed.
    lowercase_username = True
    request: Any
    data: Any
    cleaned_data: dict[str, Any]

    def _throttled(self, wait: LoginWait) -> ValidationError:
        if wait.cooldown:
            minutes = max(round(wait.seconds / 60), 1)
            return ValidationError(
                self.throttle_messages["cooldown"], code="throttled", params={"minutes": minutes}
            )
        return ValidationError(
            self.throttle_messages["slowed"], code="throttled", params={"seconds": wait.seconds}
        )

    def clean(self) -> dict[str, Any]:
        username = (self.data.get("username") or "").strip().lower()
        address = client_address(self.request) if self.request else ""
        wait = login_wait(username=username, address=address)
        if wait is not None:
            raise self._throttled(wait)
        if username and self.lowercase_username:
            # Accounts are keyed by lower-case email; people type capitals.
            self.cleaned_data["username"] = username
        try:
            data = super().clean()  # type: ignore[misc]
        except ValidationError:
            login_failure_record(username=username, address=address)
            raise
        login_failures_clear(username=username, address=address)
        return data


class ThrottledLoginForm(LoginThrottleMixin, AuthenticationForm):
    """Django's login form, slowed down after failures for one account and client."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That email and password don't match an account."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Email")
        self.fields["username"].widget.attrs["autocomplete"] = "email"


class ThrottledAdminLoginForm(LoginThrottleMixin, AdminAuthenticationForm):
    """The admin's login form with the same slowdown as the clinicians' one."""

    lowercase_username = False


def login_form_throttled(form: Any) -> bool:
    """True when a bound login form was refused because its client must wait."""
    return any(error.code == "throttled" for error in form.non_field_errors().as_data())
