"""Admin for clinician accounts: approve sign-ups."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from matching.clinicians.forms import ThrottledAdminLoginForm
from matching.clinicians.models import Clinician
from matching.clinicians.services import clinician_approve, clinician_unapprove


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials", "organisation", "email", "is_approved", "created_at"]
    list_filter = ["is_approved"]
    search_fields = ["name", "organisation", "user__email"]
    list_select_related = ["user"]
    readonly_fields = ["user", "is_approved", "approved_at", "created_at"]
    fields = [
        "user",
        "name",
        "credentials",
        "organisation",
        "is_approved",
        "approved_at",
        "created_at",
    ]
    actions = ["approve", "unapprove"]

    @admin.display(description=_("email"), ordering="user__email")
    def email(self, clinician: Clinician) -> str:
        return clinician.user.email

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Clinicians sign up themselves, so every account has a user and a password.
        return False

    @admin.action(description=_("Approve the selected clinicians"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Clinician]) -> None:
        count = 0
        for clinician in queryset.filter(is_approved=False):
            clinician_approve(clinician=clinician)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d clinician approved.", "%(count)d clinicians approved.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Withdraw approval (their links stop working)"), permissions=["change"]
    )
    def unapprove(self, request: HttpRequest, queryset: QuerySet[Clinician]) -> None:
        count = 0
        for clinician in queryset.filter(is_approved=True):
            clinician_unapprove(clinician=clinician)
            count += 1
        self.message_user(
            request,
            ngettext(
                "Approval withdrawn from %(count)d clinician.",
                "Approval withdrawn from %(count)d clinicians.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


# The admin's log-in is slowed after failures like the clinicians' (matching/clinicians/throttle.py).
admin.site.login_form = ThrottledAdminLoginForm
