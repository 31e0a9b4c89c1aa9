"""A referring clinician's account, approved by staff before it may use shortlists."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Clinician(models.Model):
    """A referring clinician; may use shortlists once an admin has approved the account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="clinician",
        verbose_name=_("user"),
    )
    name = models.CharField(_("full name"), max_length=150)
    credentials = models.CharField(
        _("credentials"), max_length=100, help_text=_("For example MD, PsyD, LCSW, LPC, NP.")
    )
    organisation = models.CharField(_("organisation"), max_length=200)
    is_approved = models.BooleanField(_("approved"), default=False, db_index=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)

    class Meta:
        # The table keeps the name it had when this model lived in the matching app.
        db_table = "matching_clinician"
        ordering = ["name", "pk"]
        verbose_name = _("clinician")
        verbose_name_plural = _("clinicians")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_approved=False) | Q(approved_at__isnull=False),
                name="clinician_approved_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.credentials}"
