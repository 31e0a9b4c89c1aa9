"""Writes to clinician accounts."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.clinicians.models import Clinician


def clinician_register(
    *, email: str, password: str, name: str, credentials: str, organisation: str
) -> Clinician:
    """Create a user and a clinician profile that waits for an admin's approval."""
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email).strip().lower()
    with transaction.atomic():
        if user_model.objects.filter(username__iexact=email).exists():
            raise ValidationError({"email": _("An account with this email already exists.")})
        user = user_model(username=email, email=email)
        user.set_password(password)
        user.full_clean()
        user.save()
        clinician = Clinician(
            user=user, name=name, credentials=credentials, organisation=organisation
        )
        clinician.full_clean()
        clinician.save()
    return clinician


def clinician_approve(*, clinician: Clinician, now: datetime.datetime | None = None) -> Clinician:
    """Let a clinician use shortlists; approving twice keeps the first date."""
    with transaction.atomic():
        if not clinician.is_approved:
            clinician.is_approved = True
            clinician.approved_at = now or timezone.now()
            clinician.full_clean()
            clinician.save(update_fields=["is_approved", "approved_at"])
    return clinician


def clinician_unapprove(*, clinician: Clinician) -> Clinician:
    """Suspend a clinician's use of shortlists (their share links stop working too)."""
    with transaction.atomic():
        clinician.is_approved = False
        clinician.approved_at = None
        clinician.save(update_fields=["is_approved", "approved_at"])
    return clinician
