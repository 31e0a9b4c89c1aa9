"""Writes to clinician accounts."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.clinicians.models import Clinician


def clinician_register(
    *, email: str, password: str, name: str, credentials: str, organisation: str
) -> Clinician | None:
    """Create a user and a clinician profile that waits for an admin's approval.

    An e-mail that already has an account gets a note instead and None comes back, so the
    sign-up page answers the same either way and does not reveal who has an account.
    """
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email).strip().lower()
    # Hash first, whatever happens next, so both answers take the same time.
    hashed = make_password(password)
    with transaction.atomic():
        if user_model.objects.filter(username__iexact=email).exists():
            _existing_account_notify(email=email)
            return None
        user = user_model(username=email, email=email, password=hashed)
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


def _existing_account_notify(*, email: str) -> None:
    send_mail(
        subject=_("Someone tried to sign up to IOPfinder with your email"),
        message=_(
            "Someone (perhaps you) tried to create an IOPfinder clinician account with this "
            "email, which already has one. Log in, or reset your password if you have "
            "forgotten it. If it was not you, you can ignore this message."
        ),
        from_email=None,
        recipient_list=[email],
        fail_silently=True,
    )
