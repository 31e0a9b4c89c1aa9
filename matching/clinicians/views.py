"""Clinician sign-up, login, logout and password reset: thin views over Django's auth."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from iopfinder.limits import limit_posts
from matching.clinicians.forms import (
    ClinicianSignupForm,
    ThrottledLoginForm,
    login_form_throttled,
)
from matching.clinicians.selectors import clinician_for_user
from matching.clinicians.services import clinician_register


@sensitive_post_parameters("password1", "password2")
@limit_posts(
    group="signup",
    rate=lambda: settings.SIGNUP_RATE_LIMIT,
    message=_("Several sign-ups have come from here already."),
)
def signup(request: HttpRequest) -> HttpResponse:
    form = ClinicianSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # An e-mail that already has an account gets the same answer (and a note by e-mail).
        try:
            clinician_register(
                email=data["email"],
                password=data["password1"],
                name=data["name"],
                credentials=data["credentials"],
                organisation=data["organisation"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("clinicians:signup_done")
    status = 400 if request.method == "POST" else 200
    return render(request, "clinicians/signup.html", {"form": form}, status=status)


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "clinicians/signup_done.html")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(
        request, "clinicians/account.html", {"clinician": clinician_for_user(user=request.user)}
    )


class BadRequestOnInvalidForm:
    """Django's auth views answer 200 to bad input; ours say 400 like every other form."""

    def form_invalid(self, form: Form) -> HttpResponse:
        response = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response


class LoginView(BadRequestOnInvalidForm, auth_views.LoginView):
    """Django's login with throttling; a refused login answers 400, a throttled one 429."""

    form_class = ThrottledLoginForm
    template_name = "clinicians/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: Form) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 429 if login_form_throttled(form) else 400
        return response


login = sensitive_post_parameters("password")(LoginView.as_view())
logout = auth_views.LogoutView.as_view()


class PasswordResetView(BadRequestOnInvalidForm, auth_views.PasswordResetView):
    pass


class PasswordResetConfirmView(BadRequestOnInvalidForm, auth_views.PasswordResetConfirmView):
    pass


password_reset = limit_posts(
    group="password-reset",
    rate=lambda: settings.PASSWORD_RESET_RATE_LIMIT,
    message=_("Several password reset e-mails have been asked for from here already."),
)(
    PasswordResetView.as_view(
        template_name="clinicians/password_reset_form.html",
        email_template_name="clinicians/password_reset_email.txt",
        subject_template_name="clinicians/password_reset_subject.txt",
        success_url=reverse_lazy("clinicians:password_reset_done"),
    )
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="clinicians/password_reset_done.html"
)
password_reset_confirm = PasswordResetConfirmView.as_view(
    template_name="clinicians/password_reset_confirm.html",
    success_url=reverse_lazy("clinicians:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="clinicians/password_reset_complete.html"
)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's log-in (slowed like ours, see admin.py), answering 429 while a client waits."""
    response = admin.site.login(request)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if request.method == "POST" and form is not None and login_form_throttled(form):
        response.status_code = 429
    return response
