"""Shortlist endpoints of the public API (mounted under /api/v1/shortlists/)."""

from django.urls import path

from matching.shortlists.api.views import (
    ShortlistDetailAPI,
    ShortlistItemDetailAPI,
    ShortlistItemsAPI,
    ShortlistListAPI,
    ShortlistReorderAPI,
    ShortlistShareAPI,
    ShortlistShareEmailAPI,
)

urlpatterns = [
    path("", ShortlistListAPI.as_view(), name="api-shortlists"),
    path("<int:shortlist_id>/", ShortlistDetailAPI.as_view(), name="api-shortlist"),
    path("<int:shortlist_id>/items/", ShortlistItemsAPI.as_view(), name="api-shortlist-items"),
    path(
        "<int:shortlist_id>/items/<int:item_id>/",
        ShortlistItemDetailAPI.as_view(),
        name="api-shortlist-item",
    ),
    path(
        "<int:shortlist_id>/reorder/", ShortlistReorderAPI.as_view(), name="api-shortlist-reorder"
    ),
    path("<int:shortlist_id>/share/", ShortlistShareAPI.as_view(), name="api-shortlist-share"),
    path(
        "<int:shortlist_id>/share/email/",
        ShortlistShareEmailAPI.as_view(),
        name="api-shortlist-share-email",
    ),
]
