"""The admin baseline: curators can list, search, filter and edit programmes."""

import pytest
from django.urls import reverse

from tests.factories import LocationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listing(db):
    program = ProgramFactory(
        name="Searchable IOP", phone="(555) 010-7777", conditions=["depression"]
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
        "accepting_new_patients": "on",
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
    response = admin_client.get(reverse(f"admin:programs_{name}_changelist"), {"q": "a"})
    assert response.status_code == 200


def test_non_staff_are_sent_to_the_login_page(client, django_user_model, listing):
    user = django_user_model.objects.create_user("seeker", password="pw-123456-long")
    client.force_login(user)
    response = client.get(reverse("admin:programs_program_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url
