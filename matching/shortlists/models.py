"""The shortlists clinicians build and share with a patient.

The questionnaire itself stores nothing; only a clinician's shortlist is kept, and
the answers used for a match only when the clinician chooses to attach them.
"""

from __future__ import annotations

import datetime

from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matching.clinicians.models import Clinician
from programs.models import Program

NOTE_MAX_LENGTH = 1000
MESSAGE_MAX_LENGTH = 2000


class Shortlist(models.Model):
    """Programmes a clinician picked for one patient, with notes and a message."""

    clinician = models.ForeignKey(
        Clinician,
        on_delete=models.CASCADE,
        related_name="shortlists",
        verbose_name=_("clinician"),
    )
    title = models.CharField(_("title"), max_length=120)
    patient_label = models.CharField(
        _("patient label"),
        max_length=40,
        blank=True,
        help_text=_(
            "Optional, for you only: initials or a reference. "
            "Do not enter names, dates of birth or other identifying details."
        ),
    )
    message = models.TextField(
        _("message to the patient"),
        blank=True,
        validators=[MaxLengthValidator(MESSAGE_MAX_LENGTH)],
    )
    # Question/answer pairs from a match, kept only when the clinician attaches them.
    match_answers = models.JSONField(_("match answers"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        # The tables keep the names they had when these models lived in the matching app.
        db_table = "matching_shortlist"
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("shortlist")
        verbose_name_plural = _("shortlists")
        indexes = [models.Index(fields=["clinician", "-updated_at"], name="shortlist_recent")]

    def __str__(self) -> str:
        return self.title


class ShortlistItem(models.Model):
    """One programme on a shortlist, in the clinician's order, with a note."""

    shortlist = models.ForeignKey(
        Shortlist, on_delete=models.CASCADE, related_name="items", verbose_name=_("shortlist")
    )
    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        related_name="shortlist_items",
        verbose_name=_("programme"),
    )
    note = models.TextField(
        _("note for the patient"), blank=True, validators=[MaxLengthValidator(NOTE_MAX_LENGTH)]
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        db_table = "matching_shortlistitem"
        ordering = ["position", "pk"]
        verbose_name = _("shortlisted programme")
        verbose_name_plural = _("shortlisted programmes")
        constraints = [
            models.UniqueConstraint(
                fields=["shortlist", "program"], name="shortlist_item_unique_program"
            ),
        ]

    def __str__(self) -> str:
        return str(self.program)


class ShareLinkQuerySet(models.QuerySet):
    def live(self, *, now: datetime.datetime | None = None) -> ShareLinkQuerySet:
        """Links a patient may still open: not revoked and not expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ShareLink(models.Model):
    """An unguessable, expiring, revocable link that shows a shortlist to a patient."""

    shortlist = models.ForeignKey(
        Shortlist, on_delete=models.CASCADE, related_name="share_links", verbose_name=_("shortlist")
    )
    # secrets.token_urlsafe(32): 256 random bits, 43 URL-safe characters.
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # When, not who: nothing about the person opening it is kept.
    last_opened_at = models.DateTimeField(_("last opened"), null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        db_table = "matching_sharelink"
        ordering = ["-created_at", "-pk"]
        verbose_name = _("share link")
        verbose_name_plural = _("share links")

    def __str__(self) -> str:
        return f"{self.shortlist} ({self.created_at:%Y-%m-%d})"

    def is_live(self, *, now: datetime.datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())
