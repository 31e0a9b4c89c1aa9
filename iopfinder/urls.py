"""Root URLs: public pages, the admin and the API."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from iopfinder.health import healthz, readyz
from matching.clinicians import views as clinician_views
from programs.admin_views import quality_dashboard

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Django's set_language: a POST that keeps the choice in the language cookie, never a URL.
    path("i18n/", include("django.conf.urls.i18n")),
    path("readyz", readyz, name="readyz"),
    path("", include("programs.urls")),
    path("match/", include("matching.urls")),
    path("clinicians/", include("matching.clinicians.urls")),
    path("shortlists/", include("matching.shortlists.urls")),
    path("s/", include("matching.shortlists.share_urls")),
    path("admin/quality/", quality_dashboard, name="admin_quality"),
    # Before admin.site.urls so the admin's log-in answers 429 while a client must wait.
    path("admin/login/", clinician_views.admin_login),
    path("admin/", admin.site.urls),
    path("api/v1/", include("iopfinder.api_urls")),
    # Open standards for 211 lines, referral platforms and EHRs (docs/interop.md).
    path("api/hsds/", include("programs.hsds.urls")),
    path("fhir/", include("programs.fhir.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

# JSON under /api/, the site's own pages elsewhere.
handler404 = "iopfinder.api_errors.page_not_found"
handler500 = "iopfinder.api_errors.server_error"
