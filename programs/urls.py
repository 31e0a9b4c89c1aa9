from django.urls import path

from programs import views

app_name = "programs"

urlpatterns = [
    path("", views.home, name="home"),
    path("programs/", views.program_list, name="list"),
    path("programs/<slug:slug>/", views.program_detail, name="detail"),
    path("programs/<slug:slug>/suggest/", views.program_suggest, name="suggest"),
    path(
        "programs/<slug:slug>/suggest/thanks/",
        views.program_suggest_thanks,
        name="suggest-thanks",
    ),
]
