"""Reads about clinician accounts."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from matching.clinicians.models import Clinician


def clinician_for_user(*, user: AbstractBaseUser | AnonymousUser) -> Clinician | None:
    """The clinician profile of a logged-in user, or None (anonymous, staff-only accounts)."""
    if not user.is_authenticated:
        return None
    try:
        return user.clinician  # type: ignore[union-attr]
    except Clinician.DoesNotExist:
        return None


def clinician_approved_for_user(*, user: AbstractBaseUser | AnonymousUser) -> Clinician | None:
    """The clinician profile only if an admin has approved it."""
    clinician = clinician_for_user(user=user)
    return clinician if clinician is not None and clinician.is_approved else None
