"""Curation: the listing workflow, verification, audit history and edit suggestions."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.forms.models import model_to_dict
from django.urls import reverse

from programs import levels, services
from programs.models import EditSuggestion, Program
from programs.workflow import ALLOWED_TRANSITIONS, WorkflowError
from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory

pytestmark = pytest.mark.django_db

STATUSES = Program.Status.values


@pytest.fixture
def listing():
    program = ProgramFactory(
        name="Riverside IOP", status=Program.Status.DRAFT, phone="(555) 010-1000"
    )
    LocationFactory(program=program)
    return program


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Workflow ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        pair
        for pair in itertools.permutations(STATUSES, 2)
        if pair[1] in ALLOWED_TRANSITIONS[pair[0]]
    ],
)
def test_allowed_transition_changes_the_status(listing, admin_user, from_status, to_status):
    Program.objects.filter(pk=listing.pk).update(status=from_status)
    listing.refresh_from_db()
    services.program_transition(program=listing, to_status=to_status, user=admin_user)
    listing.refresh_from_db()
    assert listing.status == to_status


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        pair
        for pair in itertools.product(STATUSES, STATUSES)
        if pair[1] not in ALLOWED_TRANSITIONS[pair[0]]
    ],
)
def test_refused_transition_says_why_and_changes_nothing(
    listing, admin_user, from_status, to_status
):
    Program.objects.filter(pk=listing.pk).update(status=from_status)
    listing.refresh_from_db()
    with pytest.raises(WorkflowError) as error:
        services.program_transition(program=listing, to_status=to_status, user=admin_user)
    assert "Riverside IOP" in str(error.value)
    listing.refresh_from_db()
    assert listing.status == from_status


def test_unknown_status_is_refused_with_a_message(listing, admin_user):
    with pytest.raises(WorkflowError, match="not a status"):
        services.program_transition(program=listing, to_status="deleted", user=admin_user)


def test_publishing_needs_a_way_to_contact_and_an_address(admin_user):
    program = ProgramFactory(
        status=Program.Status.IN_REVIEW, phone="", intake_phone="", website="", email=""
    )
    with pytest.raises(WorkflowError) as error:
        services.program_transition(program=program, to_status="published", user=admin_user)
    assert "a way to contact the programme" in str(error.value)
    assert "an address" in str(error.value)
    program.refresh_from_db()
    assert program.status == Program.Status.IN_REVIEW


def test_admin_bulk_publish_moves_what_it_can_and_explains_the_rest(admin_client):
    ready = ProgramFactory(name="Ready IOP", status=Program.Status.IN_REVIEW)
    LocationFactory(program=ready)
    draft = ProgramFactory(name="Draft IOP", status=Program.Status.DRAFT)
    response = admin_client.post(
        reverse("admin:programs_program_changelist"),
        {"action": "make_published", "_selected_action": [ready.pk, draft.pk]},
        follow=True,
    )
    ready.refresh_from_db()
    draft.refresh_from_db()
    assert ready.status == Program.Status.PUBLISHED
    assert draft.status == Program.Status.DRAFT
    text = " ".join(messages_of(response))
    assert "1 programme(s) now “Published”" in text
    assert "Draft IOP cannot go from “Draft” to “Published”" in text


def test_admin_change_page_offers_only_the_allowed_next_steps(admin_client, listing):
    html = admin_client.get(
        reverse("admin:programs_program_change", args=[listing.pk])
    ).content.decode()
    assert "Move to “In review”" in html and "Move to “Archived”" in html
    assert "Move to “Published”" not in html


def test_admin_status_button_moves_the_listing(admin_client, listing):
    url = reverse("admin:programs_program_status", args=[listing.pk])
    response = admin_client.post(url, {"to": "review"})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.status == Program.Status.IN_REVIEW


def test_admin_status_button_refuses_get(admin_client, listing):
    url = reverse("admin:programs_program_status", args=[listing.pk])
    assert admin_client.get(url).status_code == 405


def test_status_cannot_be_edited_directly_in_the_change_form(admin_client, listing):
    html = admin_client.get(
        reverse("admin:programs_program_change", args=[listing.pk])
    ).content.decode()
    assert 'name="status"' not in html


# --- Verification ------------------------------------------------------------------


def test_mark_verified_stamps_today_and_the_admin(admin_client, admin_user, listing):
    Program.objects.filter(pk=listing.pk).update(last_verified_on=None)
    admin_client.post(
        reverse("admin:programs_program_changelist"),
        {"action": "mark_verified", "_selected_action": [listing.pk]},
    )
    listing.refresh_from_db()
    assert listing.last_verified_on == datetime.date.today()
    assert listing.verified_by == admin_user


def test_verified_listing_shows_a_badge_that_says_what_was_checked(client):
    program = ProgramFactory(last_verified_on=datetime.date.today() - datetime.timedelta(days=10))
    html = client.get(program.get_absolute_url()).content.decode()
    assert "Verified" in html and "our team confirmed with the programme" in html


def test_stale_listing_says_when_it_was_last_confirmed(client):
    program = ProgramFactory(last_verified_on=datetime.date(2024, 3, 5))
    html = client.get(program.get_absolute_url()).content.decode()
    assert "Last confirmed 5 March 2024" in html
    assert "our team confirmed" not in html


def test_admin_list_flags_stale_listings(admin_client):
    ProgramFactory(name="Old IOP", last_verified_on=datetime.date(2023, 1, 1))
    html = admin_client.get(reverse("admin:programs_program_changelist")).content.decode()
    assert "2023-01-01 (stale)" in html


# --- Audit history -----------------------------------------------------------------


def _change_form_data(program: Program, **changes) -> dict:
    """What the admin change form posts for ``program`` as it is, with ``changes``."""
    data = {
        key: ([item.pk for item in value] if isinstance(value, list) else value)
        for key, value in model_to_dict(program).items()
        if value is not None
    }
    data["levels"] = levels.codes_of(program.levels)
    if program.accepting_new_patients is not None:
        data["accepting_new_patients"] = "true" if program.accepting_new_patients else "false"
    for key in (
        "sliding_scale",
        "payment_plans",
    ):
        if not data.pop(key, False):
            continue
        data[key] = "on"
    data.update(
        {
            "locations-TOTAL_FORMS": 0,
            "locations-INITIAL_FORMS": 0,
            "sessions-TOTAL_FORMS": 0,
            "sessions-INITIAL_FORMS": 0,
        }
    )
    data.update(changes)
    return data


def test_admin_edit_is_recorded_with_who_and_what(admin_client, admin_user, listing):
    url = reverse("admin:programs_program_change", args=[listing.pk])
    response = admin_client.post(url, _change_form_data(listing, phone="(555) 010-2000"))
    assert response.status_code == 302
    latest = listing.history.first()
    assert latest.history_user == admin_user
    delta = latest.diff_against(latest.prev_record)
    assert [c.field for c in delta.changes] == ["phone"]

    html = admin_client.get(
        reverse("admin:programs_program_history", args=[listing.pk])
    ).content.decode()
    assert "(555) 010-1000" in html and "(555) 010-2000" in html


def test_history_page_lists_site_and_session_changes(admin_client, listing):
    WeeklySessionFactory(program=listing, weekday=3)
    html = admin_client.get(
        reverse("admin:programs_program_history", args=[listing.pk])
    ).content.decode()
    assert "Weekly sessions" in html and "Thursday" in html
    assert "Sites" in html and listing.locations.first().city in html


def test_admin_can_revert_to_an_earlier_version(admin_client, listing):
    url = reverse("admin:programs_program_change", args=[listing.pk])
    admin_client.post(url, _change_form_data(listing, name="Renamed by mistake"))
    listing.refresh_from_db()
    assert listing.name == "Renamed by mistake"
    original = listing.history.order_by("history_date")[0]
    revert_url = reverse(
        "admin:programs_program_simple_history", args=[listing.pk, original.history_id]
    )
    form_page = admin_client.get(revert_url)
    assert form_page.status_code == 200
    admin_client.post(revert_url, _change_form_data(listing, name="Riverside IOP"))
    listing.refresh_from_db()
    assert listing.name == "Riverside IOP"
    assert listing.history.count() >= 3


# --- Edit suggestions ----------------------------------------------------------------


@pytest.fixture
def published():
    program = ProgramFactory(
        name="Harbor IOP", phone="(555) 010-3000", status=Program.Status.PUBLISHED
    )
    LocationFactory(program=program)
    return program


def suggest_url(program: Program) -> str:
    return reverse("programs:suggest", args=[program.slug])


def test_every_programme_page_links_to_the_suggestion_form(client, published):
    html = client.get(published.get_absolute_url()).content.decode()
    assert suggest_url(published) in html


def test_suggestion_form_shows_the_current_values(client, published):
    html = client.get(suggest_url(published)).content.decode()
    assert 'placeholder="(555) 010-3000"' in html
    assert "Leave this field empty" in html  # the honeypot keeps a label for screen readers


def test_suggestion_is_queued_with_only_the_changed_values(client, published):
    response = client.post(
        suggest_url(published),
        {
            "kind": "correction",
            "message": "The intake line changed last month.",
            "phone": "(555) 010-3000",
            "intake_phone": "(555) 010-4444",
            "accepting_new_patients": "no",
            "from_program_staff": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:suggest-thanks", args=[published.slug])
    suggestion = EditSuggestion.objects.get()
    assert suggestion.changes == {"intake_phone": "(555) 010-4444", "accepting_new_patients": False}
    assert suggestion.from_program_staff
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("kind", "", "This field is required."),
        ("kind", "bogus", "Select a valid choice."),
        ("message", "", "This field is required."),
        ("message", "x" * 2001, "at most 2000 characters"),
        ("phone", "call me", "Enter a phone number"),
        ("website", "not a site", "Enter a valid URL."),
        ("email", "nobody@", "Enter a valid email address."),
        ("typical_wait_days", "999", "less than or equal to 365"),
        ("typical_wait_days", "soon", "Enter a whole number."),
        ("contact_email", "me", "Enter a valid email address."),
        ("name", "x" * 201, "at most 200 characters"),
        ("organization", "x" * 201, "at most 200 characters"),
        ("intake_phone", "ring ring", "Enter a phone number"),
        ("accepting_new_patients", "maybe", "Select a valid choice."),
    ],
)
def test_bad_suggestion_is_refused_with_a_message_and_nothing_stored(
    client, published, field, value, message
):
    data = {"kind": "correction", "message": "Wrong phone."}
    data[field] = value
    response = client.post(suggest_url(published), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EditSuggestion.objects.exists()


def test_honeypot_robots_see_thanks_but_nothing_is_stored(client, published):
    response = client.post(
        suggest_url(published),
        {"kind": "other", "message": "Cheap pills", "homepage": "http://spam.example"},
    )
    assert response.status_code == 302
    assert not EditSuggestion.objects.exists()


def test_too_many_suggestions_from_one_address_are_refused(client, published, settings):
    settings.SUGGESTION_RATE_LIMIT = "2/h"
    data = {"kind": "other", "message": "Please check the hours."}
    assert client.post(suggest_url(published), data).status_code == 302
    assert client.post(suggest_url(published), data).status_code == 302
    response = client.post(suggest_url(published), data)
    assert response.status_code == 429
    assert "Please try again later" in response.content.decode()
    assert EditSuggestion.objects.count() == 2


def test_suggestions_only_for_published_programmes(client):
    draft = ProgramFactory(status=Program.Status.DRAFT)
    assert client.get(suggest_url(draft)).status_code == 404


def _suggestion(program: Program, **kwargs) -> EditSuggestion:
    defaults = {
        "kind": "correction",
        "message": "New phone",
        "changes": {"phone": "(555) 010-9999"},
    }
    defaults.update(kwargs)
    return services.suggestion_create(program=program, **defaults)


def test_admin_sees_proposed_changes_against_current_values(admin_client, published):
    suggestion = _suggestion(published, from_program_staff=True)
    html = admin_client.get(
        reverse("admin:programs_editsuggestion_change", args=[suggestion.pk])
    ).content.decode()
    assert "(555) 010-3000" in html and "(555) 010-9999" in html
    assert "Accept and apply the changes" in html


def test_accepting_applies_the_change_records_history_and_closes(
    admin_client, admin_user, published
):
    suggestion = _suggestion(published)
    url = reverse("admin:programs_editsuggestion_change", args=[suggestion.pk])
    response = admin_client.post(url, {"_accept": "1", "rejection_reason": ""})
    assert response.status_code == 302
    published.refresh_from_db()
    suggestion.refresh_from_db()
    assert published.phone == "(555) 010-9999"
    assert suggestion.status == EditSuggestion.Status.ACCEPTED
    assert suggestion.reviewed_by == admin_user
    latest = published.history.first()
    assert latest.history_user == admin_user
    assert latest.history_change_reason == f"Suggestion #{suggestion.pk} accepted"


def test_accepting_a_closure_report_archives_the_listing(admin_user, published):
    suggestion = _suggestion(published, kind="closed", changes={})
    services.suggestion_accept(suggestion=suggestion, user=admin_user)
    published.refresh_from_db()
    assert published.status == Program.Status.ARCHIVED


def test_rejecting_needs_a_reason(admin_client, published):
    suggestion = _suggestion(published)
    url = reverse("admin:programs_editsuggestion_change", args=[suggestion.pk])
    response = admin_client.post(url, {"_reject": "1", "rejection_reason": ""}, follow=True)
    assert "Say why the suggestion is rejected." in " ".join(messages_of(response))
    suggestion.refresh_from_db()
    assert suggestion.status == EditSuggestion.Status.OPEN


def test_a_refused_review_returns_to_the_suggestion_and_logs_nothing(admin_client, published):
    suggestion = _suggestion(published)
    url = reverse("admin:programs_editsuggestion_change", args=[suggestion.pk])

    refused = admin_client.post(url, {"_reject": "1", "rejection_reason": ""})
    assert (refused.status_code, refused.url) == (302, url)
    assert not LogEntry.objects.filter(object_id=str(suggestion.pk)).exists()

    done = admin_client.post(url, {"_reject": "1", "rejection_reason": "Duplicate"})
    assert done.url == reverse("admin:programs_editsuggestion_changelist")
    assert LogEntry.objects.filter(object_id=str(suggestion.pk)).count() == 1


def test_rejecting_with_a_reason_closes_without_changing_the_listing(admin_client, published):
    suggestion = _suggestion(published)
    url = reverse("admin:programs_editsuggestion_change", args=[suggestion.pk])
    admin_client.post(url, {"_reject": "1", "rejection_reason": "The programme says no."})
    suggestion.refresh_from_db()
    published.refresh_from_db()
    assert suggestion.status == EditSuggestion.Status.REJECTED
    assert suggestion.rejection_reason == "The programme says no."
    assert published.phone == "(555) 010-3000"


def test_a_reviewed_suggestion_cannot_be_accepted_again(admin_user, published):
    suggestion = _suggestion(published)
    services.suggestion_reject(suggestion=suggestion, user=admin_user, reason="Duplicate")
    with pytest.raises(WorkflowError, match="already been reviewed"):
        services.suggestion_accept(suggestion=suggestion, user=admin_user)


def test_an_invalid_suggested_value_is_refused_and_nothing_changes(admin_user, published):
    suggestion = EditSuggestion.objects.create(
        program=published, kind="correction", message="x", changes={"website": "not a url"}
    )
    with pytest.raises(WorkflowError, match="not valid"):
        services.suggestion_accept(suggestion=suggestion, user=admin_user)
    published.refresh_from_db()
    suggestion.refresh_from_db()
    assert published.website == "" or published.website.startswith("http")
    assert suggestion.status == EditSuggestion.Status.OPEN


# --- Only staff ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:programs_editsuggestion_changelist",
        "admin:programs_importrun_changelist",
        "admin:programs_program_changelist",
    ],
)
def test_non_staff_cannot_reach_curation_pages(client, django_user_model, url_name):
    assert client.get(reverse(url_name)).status_code == 302
    user = django_user_model.objects.create_user("visitor", password="a-long-passphrase-1")
    client.force_login(user)
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_non_staff_cannot_change_a_status(client, django_user_model, listing):
    user = django_user_model.objects.create_user("visitor", password="a-long-passphrase-1")
    client.force_login(user)
    client.post(reverse("admin:programs_program_status", args=[listing.pk]), {"to": "review"})
    listing.refresh_from_db()
    assert listing.status == Program.Status.DRAFT


def test_demo_listings_never_claim_to_be_verified(client):
    program = ProgramFactory(source=Program.Source.DEMO, last_verified_on=datetime.date.today())
    html = client.get(program.get_absolute_url()).content.decode()
    assert "our team confirmed" not in html
    assert "Demo listing" in html


def test_import_runs_are_read_only_in_the_admin(admin_client):
    from programs.models import ImportRun

    run = ImportRun.objects.create(
        source=Program.Source.SAMHSA_2022, file_name="directory.xlsx", counts={"created": 3}
    )
    html = admin_client.get(
        reverse("admin:programs_importrun_change", args=[run.pk])
    ).content.decode()
    assert "directory.xlsx" in html and 'name="file_name"' not in html
    response = admin_client.post(
        reverse("admin:programs_importrun_change", args=[run.pk]), {"file_name": "other.xlsx"}
    )
    assert response.status_code == 403
    run.refresh_from_db()
    assert run.file_name == "directory.xlsx"


def test_comparison_shows_yes_and_no_rather_than_true_and_false(admin_client, published):
    suggestion = _suggestion(published, changes={"accepting_new_patients": False})
    html = admin_client.get(
        reverse("admin:programs_editsuggestion_change", args=[suggestion.pk])
    ).content.decode()
    assert "<td>Yes</td><td><strong>No</strong></td>" in html
