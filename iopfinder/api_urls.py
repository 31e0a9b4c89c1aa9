"""The public API, version 1 (mounted at /api/v1/): one include per app."""

from django.urls import include, path

urlpatterns = [
    path("", include("programs.api.urls")),
    path("", include("matching.api.urls")),
    path("shortlists/", include("matching.shortlists.api.urls")),
]
