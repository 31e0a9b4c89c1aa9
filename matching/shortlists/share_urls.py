"""The patient's pages, at /s/<token>/: no account needed, only a live link."""

from django.urls import path

from matching.shortlists import views

app_name = "share"

urlpatterns = [
    path("<str:token>/", views.share_page, name="page"),
    path("<str:token>/pdf/", views.share_pdf, name="pdf"),
]
