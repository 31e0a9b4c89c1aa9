from django.urls import path

from matching.shortlists import views

app_name = "shortlists"

urlpatterns = [
    path("", views.shortlist_index, name="list"),
    path("add/", views.item_add, name="item_add"),
    path("add-from-match/", views.item_add_from_match, name="item_add_from_match"),
    path("<int:shortlist_id>/", views.shortlist_detail, name="detail"),
    path("<int:shortlist_id>/delete/", views.shortlist_remove, name="delete"),
    path("<int:shortlist_id>/share/", views.share_manage, name="share"),
    path("<int:shortlist_id>/share/new/", views.share_create, name="share_create"),
    path("<int:shortlist_id>/share/revoke/", views.share_revoke, name="share_revoke"),
    path("<int:shortlist_id>/share/email/", views.share_send, name="share_email"),
]
