"""Matching endpoints of the public API (mounted under /api/v1/)."""

from django.urls import path

from matching.api import views

urlpatterns = [
    path("match/", views.MatchView.as_view(), name="api-match"),
]
