from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("", views.intake, name="intake"),
    path("pdf/", views.intake_results_pdf, name="results_pdf"),
]
