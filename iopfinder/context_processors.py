"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, str]:
    return {"CRISIS_LINE": settings.CRISIS_LINE, "EMERGENCY_NUMBER": settings.EMERGENCY_NUMBER}
