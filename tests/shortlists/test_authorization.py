"""Who may do what: anonymous, clinician A (owner), clinician B, a pending clinician, an admin.

Every shortlist page and API endpoint, each with A's shortlist as the target. Owners get
through; other clinicians get 404 (their ids reveal nothing); pending clinicians and staff
without a clinician profile get 403; anonymous visitors are sent to log in (pages) or get
403 (API). Only a live share link is open to everyone.
"""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from matching.shortlists.models import ShareLink, Shortlist, ShortlistItem
from tests.factories import ProgramFactory
from tests.intake_answers import SAFE_FORM

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "clinician_a", "clinician_b", "pending", "admin"]
MATCH = {
    "conditions": ["depression"],
    "severity": "moderate",
    **SAFE_FORM,
    "format": "either",
    "location": "10001",
    "radius": "25",
}
LOGIN = "login"  # a redirect to the login page

# (name, method, path template, data, expected for anonymous, A, B, pending, admin)
PAGES = [
    ("list", "get", "/shortlists/", None, (LOGIN, 200, 200, 403, 403)),
    ("create", "post", "/shortlists/", {"title": "New"}, (LOGIN, 302, 302, 403, 403)),
    ("detail", "get", "/shortlists/{list}/", None, (LOGIN, 200, 404, 403, 403)),
    ("edit", "post", "/shortlists/{list}/", "EDIT", (LOGIN, 302, 404, 403, 403)),
    ("delete page", "get", "/shortlists/{list}/delete/", None, (LOGIN, 200, 404, 403, 403)),
    ("delete", "post", "/shortlists/{list}/delete/", {}, (LOGIN, 302, 404, 403, 403)),
    ("share page", "get", "/shortlists/{list}/share/", None, (LOGIN, 200, 404, 403, 403)),
    (
        "new link",
        "post",
        "/shortlists/{list}/share/new/",
        {"days": "30"},
        (LOGIN, 302, 404, 403, 403),
    ),
    ("revoke", "post", "/shortlists/{list}/share/revoke/", {}, (LOGIN, 302, 404, 403, 403)),
    (
        "email",
        "post",
        "/shortlists/{list}/share/email/",
        {"email": "p@example.com"},
        (LOGIN, 302, 404, 403, 403),
    ),
    ("add", "post", "/shortlists/add/", "ADD", (LOGIN, 302, 400, 403, 403)),
    (
        "add from match",
        "post",
        "/shortlists/add-from-match/",
        "ADD_MATCH",
        (LOGIN, 200, 400, 403, 403),
    ),
    ("account", "get", "/clinicians/", None, (LOGIN, 200, 200, 200, 200)),
    ("patient page", "get", "/s/{token}/", None, (200, 200, 200, 200, 200)),
    ("patient pdf", "get", "/s/{token}/pdf/", None, (200, 200, 200, 200, 200)),
]
API = [
    ("api list", "get", "/api/v1/shortlists/", None, (403, 200, 200, 403, 403)),
    ("api create", "post", "/api/v1/shortlists/", {"title": "New"}, (403, 201, 201, 403, 403)),
    ("api detail", "get", "/api/v1/shortlists/{list}/", None, (403, 200, 404, 403, 403)),
    (
        "api rename",
        "patch",
        "/api/v1/shortlists/{list}/",
        {"title": "Hacked"},
        (403, 200, 404, 403, 403),
    ),
    ("api delete", "delete", "/api/v1/shortlists/{list}/", None, (403, 204, 404, 403, 403)),
    (
        "api add item",
        "post",
        "/api/v1/shortlists/{list}/items/",
        "API_ADD",
        (403, 201, 404, 403, 403),
    ),
    (
        "api note",
        "patch",
        "/api/v1/shortlists/{list}/items/{item}/",
        {"note": "x"},
        (403, 200, 404, 403, 403),
    ),
    (
        "api remove item",
        "delete",
        "/api/v1/shortlists/{list}/items/{item}/",
        None,
        (403, 204, 404, 403, 403),
    ),
    (
        "api reorder",
        "post",
        "/api/v1/shortlists/{list}/reorder/",
        "REORDER",
        (403, 200, 404, 403, 403),
    ),
    (
        "api share",
        "post",
        "/api/v1/shortlists/{list}/share/",
        {"days": 30},
        (403, 201, 404, 403, 403),
    ),
    ("api revoke", "delete", "/api/v1/shortlists/{list}/share/", None, (403, 204, 404, 403, 403)),
    (
        "api email",
        "post",
        "/api/v1/shortlists/{list}/share/email/",
        {"email": "p@example.com"},
        (403, 204, 404, 403, 403),
    ),
]


@pytest.fixture
def world(shortlist_a, live_link, clinician_a, clinician_b, pending_clinician, admin_user):
    users = {
        "anonymous": None,
        "clinician_a": clinician_a.user,
        "clinician_b": clinician_b.user,
        "pending": pending_clinician.user,
        "admin": admin_user,
    }
    return {"shortlist": shortlist_a, "link": live_link, "users": users, "spare": ProgramFactory()}


def _data(marker, world):
    shortlist = world["shortlist"]
    items = list(shortlist.items.order_by("position"))
    if marker == "EDIT":
        return {
            "title": "Changed",
            "patient_label": "",
            "message": "",
            **{f"note_{i.pk}": "changed" for i in items},
        }
    if marker == "ADD":
        return {"program": world["spare"].pk, "shortlist": shortlist.pk}
    if marker == "ADD_MATCH":
        return {**MATCH, "program": world["spare"].pk, "shortlist": shortlist.pk}
    if marker == "API_ADD":
        return {"program": world["spare"].slug, "note": "x"}
    if marker == "REORDER":
        return {"item_ids": [item.pk for item in reversed(items)]}
    return marker


def _snapshot(shortlist_pk):
    """Everything a request might change about A's shortlist."""
    return (
        list(Shortlist.objects.filter(pk=shortlist_pk).values("title", "message", "match_answers")),
        list(
            ShortlistItem.objects.filter(shortlist_id=shortlist_pk).values(
                "program_id", "note", "position"
            )
        ),
        list(ShareLink.objects.filter(shortlist_id=shortlist_pk).values("token", "revoked_at")),
    )


def _request(client, method, path, data, api):
    if api and data is not None:
        return getattr(client, method)(path, json.dumps(data), content_type="application/json")
    if data is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, data)


@pytest.mark.parametrize("role_index", range(len(ROLES)), ids=ROLES)
@pytest.mark.parametrize(
    ("name", "method", "template", "marker", "expected"),
    PAGES + API,
    ids=[row[0] for row in PAGES + API],
)
def test_authorization_matrix(world, role_index, name, method, template, marker, expected):
    client = Client()
    user = world["users"][ROLES[role_index]]
    if user is not None:
        client.force_login(user)
    shortlist = world["shortlist"]
    path = template.format(
        list=shortlist.pk, item=shortlist.items.first().pk, token=world["link"].token
    )
    before = _snapshot(shortlist.pk)
    response = _request(client, method, path, _data(marker, world), api=path.startswith("/api/"))
    want = expected[role_index]
    if want == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("clinicians:login"))
    else:
        assert response.status_code == want, response.content[:300]
    if ROLES[role_index] != "clinician_a" and name not in {"patient page", "patient pdf"}:
        assert _snapshot(shortlist.pk) == before, "a refused request changed A's shortlist"


def test_other_clinicians_404_looks_like_a_missing_shortlist(
    client, login, shortlist_a, clinician_b
):
    login(client, clinician_b.user)
    theirs = client.get(f"/shortlists/{shortlist_a.pk}/")
    missing = client.get("/shortlists/999999/")
    assert theirs.status_code == missing.status_code == 404
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert csrf.sub("", theirs.text) == csrf.sub("", missing.text)


def test_api_writes_need_the_csrf_token_like_the_pages(clinician_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clinician_a.user)
    response = client.post(
        "/api/v1/shortlists/", json.dumps({"title": "x"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert not Shortlist.objects.exists()
