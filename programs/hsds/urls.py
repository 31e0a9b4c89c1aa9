"""The HSDS 3.0 API's routes, as the standard names them."""

from django.urls import path

from programs.hsds import views

app_name = "hsds"

urlpatterns = [
    path("", views.ApiMetaView.as_view(), name="meta"),
    path("services", views.ServiceListView.as_view(), name="services"),
    path("services/<str:service_id>", views.ServiceDetailView.as_view(), name="service"),
    path(
        "service_at_locations",
        views.ServiceAtLocationListView.as_view(),
        name="service_at_locations",
    ),
    path(
        "service_at_locations/<str:link_id>",
        views.ServiceAtLocationDetailView.as_view(),
        name="service_at_location",
    ),
    path("organizations", views.OrganizationListView.as_view(), name="organizations"),
    path(
        "organizations/<str:organization_id>",
        views.OrganizationDetailView.as_view(),
        name="organization",
    ),
    path("taxonomies", views.TaxonomyListView.as_view(), name="taxonomies"),
    path("taxonomies/<str:taxonomy_id>", views.TaxonomyDetailView.as_view(), name="taxonomy"),
    path("taxonomy_terms", views.TaxonomyTermListView.as_view(), name="taxonomy_terms"),
    path(
        "taxonomy_terms/<str:term_id>", views.TaxonomyTermDetailView.as_view(), name="taxonomy_term"
    ),
]
