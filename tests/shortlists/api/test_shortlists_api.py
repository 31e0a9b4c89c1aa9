"""The shortlist API: the same operations as the pages, for logged-in approved clinicians."""

import json

import pytest
from django.core import mail

from matching.shortlists.models import ShareLink, Shortlist
from tests.factories import ProgramFactory, ShortlistItemFactory

pytestmark = pytest.mark.django_db

BASE = "/api/v1/shortlists/"


def call(client, method, path, data=None):
    if data is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, json.dumps(data), content_type="application/json")


def test_list_and_create(client_a, shortlist_a):
    listed = call(client_a, "get", BASE).json()
    assert listed == [
        {
            "id": shortlist_a.pk,
            "title": "Evening IOPs",
            "patient_label": "JD-1",
            "item_count": 2,
            "updated_at": listed[0]["updated_at"],
        }
    ]
    created = call(client_a, "post", BASE, {"title": " For Sam ", "message": "Hello"})
    assert created.status_code == 201
    assert created.json()["title"] == "For Sam"
    assert created.json()["items"] == [] and created.json()["share_link"] is None


def test_detail_lists_programmes_in_order_with_notes(client_a, shortlist_a):
    body = call(client_a, "get", f"{BASE}{shortlist_a.pk}/").json()
    assert [item["program_name"] for item in body["items"]] == ["Alpha Evening IOP", "Beta Day IOP"]
    assert body["items"][0]["note"] == "Good evening groups; ask about the DBT track."
    assert body["items"][0]["program"] == "alpha-evening-iop"


def test_rename_add_note_reorder_remove(client_a, shortlist_a):
    path = f"{BASE}{shortlist_a.pk}/"
    assert call(client_a, "patch", path, {"title": "Renamed"}).json()["title"] == "Renamed"
    shortlist_a.refresh_from_db()
    assert shortlist_a.message.startswith("These fit")  # untouched by a partial update

    program = ProgramFactory(name="Gamma IOP")
    added = call(
        client_a, "post", f"{path}items/", {"program": program.slug, "note": "Has a waitlist"}
    )
    assert added.status_code == 201
    items = added.json()["items"]
    assert items[-1]["program_name"] == "Gamma IOP" and items[-1]["note"] == "Has a waitlist"

    gamma = items[-1]["id"]
    noted = call(client_a, "patch", f"{path}items/{gamma}/", {"note": "Call Tuesday"})
    assert noted.json()["items"][-1]["note"] == "Call Tuesday"

    order = [item["id"] for item in reversed(items)]
    reordered = call(client_a, "post", f"{path}reorder/", {"item_ids": order})
    assert [item["id"] for item in reordered.json()["items"]] == order

    assert call(client_a, "delete", f"{path}items/{gamma}/").status_code == 204
    assert [i["program_name"] for i in call(client_a, "get", path).json()["items"]] == [
        "Beta Day IOP",
        "Alpha Evening IOP",
    ]


def test_share_replace_revoke_and_email(client, client_a, shortlist_a):
    path = f"{BASE}{shortlist_a.pk}/share/"
    first = call(client_a, "post", path, {"days": 7})
    assert first.status_code == 201
    url = first.json()["url"]
    assert url.startswith("http://testserver/s/") and first.json()["last_opened_at"] is None
    second = call(client_a, "post", path, {})
    assert second.json()["url"] != url
    assert (
        call(client_a, "get", f"{BASE}{shortlist_a.pk}/").json()["share_link"]["url"]
        == second.json()["url"]
    )

    assert call(client_a, "post", f"{path}email/", {"email": "p@example.com"}).status_code == 204
    assert second.json()["url"] in mail.outbox[0].body

    assert call(client_a, "delete", path).status_code == 204
    assert not ShareLink.objects.live().exists()
    assert call(client_a, "get", f"{BASE}{shortlist_a.pk}/").json()["share_link"] is None


def test_delete_shortlist(client_a, shortlist_a):
    assert call(client_a, "delete", f"{BASE}{shortlist_a.pk}/").status_code == 204
    assert not Shortlist.objects.exists()


@pytest.mark.parametrize(
    ("method", "suffix", "data", "field", "message"),
    [
        ("post", "", {}, "title", "required"),
        ("post", "", {"title": "   "}, "title", ""),
        ("post", "", {"title": "x" * 121}, "title", "120"),
        ("post", "", {"title": "ok", "patient_label": "x" * 41}, "patient_label", "40"),
        ("post", "", {"title": "ok", "message": "x" * 2001}, "message", "2000"),
        ("patch", "{list}/", {"title": ""}, "title", ""),
        ("post", "{list}/items/", {}, "program", "required"),
        ("post", "{list}/items/", {"program": "no-such-programme"}, "program", "no-such-programme"),
        ("post", "{list}/items/", {"program": "DRAFT"}, "program", "DRAFT"),
        ("post", "{list}/items/", {"program": "ALPHA"}, "program", "already on this shortlist"),
        ("post", "{list}/items/", {"program": "NEW", "note": "n" * 1001}, "note", "1000"),
        ("patch", "{list}/items/{item}/", {"note": "n" * 1001}, "note", "1000"),
        ("patch", "{list}/items/{item}/", {}, "note", "required"),
        ("post", "{list}/reorder/", {"item_ids": []}, "item_ids", "exactly once"),
        ("post", "{list}/reorder/", {"item_ids": "ITEMS_TWICE"}, "item_ids", "exactly once"),
        ("post", "{list}/reorder/", {"item_ids": ["a"]}, "item_ids", "valid integer"),
        ("post", "{list}/reorder/", {"item_ids": "STALE"}, "item_ids", "reload it"),
        ("post", "{list}/reorder/", {"item_ids": "FOREIGN"}, "item_ids", "reload it"),
        ("post", "{list}/reorder/", {}, "item_ids", "required"),
        ("post", "{list}/reorder/", {"item_ids": None}, "item_ids", "null"),
        ("post", "{list}/reorder/", {"item_ids": 3}, "item_ids", "list"),
        ("post", "{list}/share/", {"days": 0}, "days", "greater than or equal to 1"),
        ("post", "{list}/share/", {"days": 91}, "days", "less than or equal to 90"),
        ("post", "{list}/share/", {"days": "soon"}, "days", "valid integer"),
        ("post", "{list}/share/email/", {"email": "nope"}, "email", "valid email"),
        (
            "post",
            "{list}/share/email/",
            {"email": "p@example.com"},
            "share_link",
            "Make a link first",
        ),
    ],
)
def test_bad_input_gets_a_400_naming_the_field_and_changes_nothing(
    client_a, shortlist_a, method, suffix, data, field, message
):
    items = list(shortlist_a.items.order_by("position"))
    draft = ProgramFactory(status="draft", name="Draft IOP")
    new = ProgramFactory(name="New IOP")
    replacements = {"DRAFT": draft.slug, "ALPHA": items[0].program.slug, "NEW": new.slug}
    data = {
        key: replacements.get(value, value) if isinstance(value, str) else value
        for key, value in data.items()
    }
    if data.get("item_ids") == "ITEMS_TWICE":
        data["item_ids"] = [items[0].pk, items[0].pk]
    if data.get("item_ids") == "STALE":  # the order as loaded, before one was removed
        data["item_ids"] = [items[1].pk, items[0].pk]
        items[1].delete()
    if data.get("item_ids") == "FOREIGN":  # another shortlist's item in place of one of ours
        data["item_ids"] = [items[1].pk, ShortlistItemFactory().pk]
    before = (
        list(Shortlist.objects.values()),
        list(shortlist_a.items.values()),
        ShareLink.objects.count(),
    )
    path = BASE + suffix.format(list=shortlist_a.pk, item=items[0].pk)
    response = call(client_a, method, path, data)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"]
    assert message.lower() in " ".join(body["errors"][field]).lower()
    assert before == (
        list(Shortlist.objects.values()),
        list(shortlist_a.items.values()),
        ShareLink.objects.count(),
    )
    assert mail.outbox == []


def test_non_json_body_is_refused(client_a):
    response = client_a.post(BASE, {"title": "form-encoded"})
    assert response.status_code == 415


def test_shortlist_endpoints_are_in_the_openapi_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in [
        "/api/v1/shortlists/",
        "/api/v1/shortlists/{shortlist_id}/",
        "/api/v1/shortlists/{shortlist_id}/items/",
        "/api/v1/shortlists/{shortlist_id}/items/{item_id}/",
        "/api/v1/shortlists/{shortlist_id}/reorder/",
        "/api/v1/shortlists/{shortlist_id}/share/",
        "/api/v1/shortlists/{shortlist_id}/share/email/",
    ]:
        assert path in paths, path
    assert paths["/api/v1/shortlists/"]["get"]["tags"] == ["Clinician shortlists"]
    assert "403" in paths["/api/v1/shortlists/{shortlist_id}/"]["get"]["responses"]


def test_mail_server_failure_is_a_503_in_the_error_shape(client_a, shortlist_a, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("matching.shortlists.services.send_mail", refuse)
    call(client_a, "post", f"{BASE}{shortlist_a.pk}/share/", {})
    response = call(
        client_a, "post", f"{BASE}{shortlist_a.pk}/share/email/", {"email": "p@example.com"}
    )
    assert response.status_code == 503
    assert response.json()["code"] == "email_unavailable"
