"""The FHIR R4 API's routes: read and search per resource type, and the CapabilityStatement."""

from django.urls import path, re_path

from programs.fhir import views

app_name = "fhir"

urlpatterns = [
    path("metadata", views.CapabilityStatementView.as_view(), name="metadata"),
    path("HealthcareService", views.HealthcareServiceSearchView.as_view(), name="services"),
    path(
        "HealthcareService/<str:resource_id>",
        views.HealthcareServiceReadView.as_view(),
        name="service",
    ),
    path("Location", views.LocationSearchView.as_view(), name="locations"),
    path("Location/<str:resource_id>", views.LocationReadView.as_view(), name="location"),
    path("Organization", views.OrganizationSearchView.as_view(), name="organizations"),
    path(
        "Organization/<str:resource_id>", views.OrganizationReadView.as_view(), name="organization"
    ),
    # Any other resource type or path: a FHIR 404 (an OperationOutcome), not the site's page.
    re_path(r"^.*$", views.UnsupportedView.as_view(), name="unsupported"),
]
