"""The admin baseline: curators can list, search, filter and edit programmes."""

import pytest
from django.apps import apps
from django.urls import reverse

from tests.factories import LocationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(db):
    program = ProgramFactory(
        name="Searchable IOP",
        phone="(555) 010-7777",
        conditions=["depression"],
        insurance=["aetna"],
    )
    LocationFactory(
        program=program, city="Albany", zip_code="12207", latitude=42.65, longitude=-73.75
    )
    return program


@pytest.mark.parametrize("term", ["Searchable", "Albany", "12207", "010-7777"])
def test_admin_search_finds_by_name_city_zip_and_phone(admin_client, listing, term):
    response = admin_client.get(reverse("admin:programs_program_changelist"), {"q": term})
    assert response.status_code == 200
    assert "Searchable IOP" in response.content.decode()


def test_admin_changelist_shows_useful_columns_and_filters(admin_client, listing):
    html = admin_client.get(reverse("admin:programs_program_changelist")).content.decode()
    assert "Albany, NY 12207" in html
    assert "By status" in html or "status" in html


def test_admin_change_form_has_location_and_session_inlines(admin_client, listing):
    html = admin_client.get(
        reverse("admin:programs_program_change", args=[listing.pk])
    ).content.decode()
    assert "Locations" in html and "Weekly sessions" in html


def test_admin_add_form_loads(admin_client):
    assert admin_client.get(reverse("admin:programs_program_add")).status_code == 200


def test_admin_rejects_min_age_above_max_age_with_a_message(admin_client, listing):
    url = reverse("admin:programs_program_change", args=[listing.pk])
    data = {
        "name": listing.name,
        "slug": listing.slug,
        "status": "published",
        "delivery": "in_person",
        "min_age": 30,
        "max_age": 20,
        "source": "manual",
        "accepting_new_patients": "true",
        "levels": ["iop"],
        "locations-TOTAL_FORMS": 0,
        "locations-INITIAL_FORMS": 0,
        "sessions-TOTAL_FORMS": 0,
        "sessions-INITIAL_FORMS": 0,
    }
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "The maximum age must not be below the minimum age." in response.content.decode()
    listing.refresh_from_db()
    assert listing.min_age == 18


@pytest.mark.parametrize(
    "name",
    ["condition", "modality", "insurance", "population", "language", "accreditation", "state"],
)
def test_vocabularies_are_searchable_in_the_admin(admin_client, name):
    model = apps.get_model("programs", name)
    if name == "state":  # only real codes are allowed
        model.objects.update_or_create(code="VT", defaults={"name": "Vermont"})
        model.objects.update_or_create(code="TX", defaults={"name": "Texas"})
        wanted, other = "Vermont", "Texas"
    else:
        model.objects.create(slug="zanquor-term", name="Zanquor term")
        model.objects.create(slug="wimbleland-term", name="Wimbleland term")
        wanted, other = "Zanquor term", "Wimbleland term"

    response = admin_client.get(reverse(f"admin:programs_{name}_changelist"), {"q": wanted[:5]})

    assert response.status_code == 200
    html = response.content.decode()
    assert wanted in html
    assert other not in html


def test_non_staff_are_sent_to_the_login_page(client, django_user_model, listing):
    user = django_user_model.objects.create_user("seeker", password="pw-123456-long")
    client.force_login(user)
    response = client.get(reverse("admin:programs_program_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_admin_changelist_query_count_does_not_grow_with_programmes(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("admin:programs_program_changelist")

    def add(count: int) -> None:
        for _ in range(count):
            program = ProgramFactory(conditions=["depression"], insurance=["aetna"])
            LocationFactory(program=program)
            LocationFactory(program=program, city="Brooklyn", zip_code="11201")

    add(2)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(url)
    add(10)
    with CaptureQueriesContext(connection) as many:
        html = admin_client.get(url).content.decode()
    assert html.count("New York, NY 10001") == 12
    assert len(many) == len(few)


def test_admin_changelist_offers_the_curation_filters(admin_client, listing):
    html = admin_client.get(reverse("admin:programs_program_changelist")).content.decode()
    for title in ["status", "delivery", "source", "accepting new patients", "conditions"]:
        assert f"By {title}" in html, title
    assert "By insurance accepted" in html


def test_admin_filters_by_condition(admin_client, listing):
    ProgramFactory(name="Other IOP", conditions=["ocd"])
    url = reverse("admin:programs_program_changelist")
    html = admin_client.get(url, {"conditions__id__exact": listing.conditions.get().pk})
    assert "Searchable IOP" in html.content.decode()
    assert "Other IOP" not in html.content.decode()


def test_admin_vocabulary_autocomplete_finds_terms(admin_client):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "programs",
            "model_name": "program",
            "field_name": "conditions",
            "term": "depr",
        },
    )
    assert response.status_code == 200
    assert [item["text"] for item in response.json()["results"]] == ["Depression"]


def test_admin_curator_adds_a_programme_with_a_site_and_a_session(admin_client):
    from programs.models import Program

    data = {
        "name": "New Harbor IOP",
        "slug": "new-harbor-iop",
        "status": "published",
        "delivery": "in_person",
        "min_age": 18,
        "source": "manual",
        "accepting_new_patients": "true",
        "levels": ["iop"],
        "website": "example.org",
        "locations-TOTAL_FORMS": 1,
        "locations-INITIAL_FORMS": 0,
        "locations-0-city": "Albany",
        "locations-0-state": "NY",
        "locations-0-zip_code": "12207",
        "locations-0-latitude": "42.65",
        "locations-0-longitude": "-73.75",
        "sessions-TOTAL_FORMS": 1,
        "sessions-INITIAL_FORMS": 0,
        "sessions-0-weekday": 2,
        "sessions-0-start_time": "18:00",
        "sessions-0-end_time": "21:00",
    }
    response = admin_client.post(reverse("admin:programs_program_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    program = Program.objects.get(slug="new-harbor-iop")
    assert program.website == "https://example.org"
    assert str(program.locations.get()) == "Albany, NY 12207"
    assert str(program.sessions.get()) == "Wednesday 18:00-21:00"


def test_admin_refuses_a_session_that_ends_before_it_starts(admin_client):
    from programs.models import Program

    data = {
        "name": "Backwards IOP",
        "slug": "backwards-iop",
        "status": "draft",
        "delivery": "in_person",
        "min_age": 18,
        "source": "manual",
        "locations-TOTAL_FORMS": 0,
        "locations-INITIAL_FORMS": 0,
        "sessions-TOTAL_FORMS": 1,
        "sessions-INITIAL_FORMS": 0,
        "sessions-0-weekday": 2,
        "sessions-0-start_time": "21:00",
        "sessions-0-end_time": "18:00",
    }
    response = admin_client.post(reverse("admin:programs_program_add"), data)
    assert response.status_code == 200
    assert "A session must end after it starts." in response.content.decode()
    assert not Program.objects.filter(slug="backwards-iop").exists()


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get(reverse("admin:programs_program_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url
