"""Template context shared by every page."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from matching.screening import crisis_resources


def site(request: HttpRequest) -> dict[str, Any]:
    # CRISIS_RESOURCES is the one list of crisis lines (also in the match API); the template
    # calls it only on pages that show the lines, in the active language.
    return {
        "CRISIS_LINE": settings.CRISIS_LINE,
        "EMERGENCY_NUMBER": settings.EMERGENCY_NUMBER,
        "CRISIS_RESOURCES": crisis_resources,
        "MAP_TILE_URL": settings.MAP_TILE_URL,
    }
