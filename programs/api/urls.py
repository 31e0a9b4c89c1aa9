"""Catalogue endpoints of the public API (mounted under /api/v1/)."""

from django.urls import path

from programs.api import views

urlpatterns = [
    path("programs/", views.ProgramListView.as_view(), name="api-program-list"),
    path("programs/<slug:slug>/", views.ProgramDetailView.as_view(), name="api-program-detail"),
    path("vocabularies/", views.VocabulariesView.as_view(), name="api-vocabularies"),
]
