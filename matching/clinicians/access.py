"""Who may use shortlists: logged-in clinicians whose account an admin has approved."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from matching.clinicians.selectors import clinician_approved_for_user, clinician_for_user


def approved_clinician_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Log in first; then only approved clinicians get through, as ``clinician=``.

    Others (pending sign-ups, staff accounts without a clinician profile) get a 403 page
    that says why, rather than a bare refusal.
    """

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        clinician = clinician_approved_for_user(user=request.user)
        if clinician is None:
            return render(
                request,
                "clinicians/clinician_not_approved.html",
                {"clinician": clinician_for_user(user=request.user)},
                status=403,
            )
        return view(request, *args, clinician=clinician, **kwargs)

    return wrapper
