"""Root URLs: public pages, the admin and the API."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("programs.urls")),
    path("match/", include("matching.urls")),
    path("admin/", admin.site.urls),
]
