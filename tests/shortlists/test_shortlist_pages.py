"""Building a shortlist in the browser pages: create, rename, notes, order, remove, delete."""

import pytest
from django.urls import reverse

from matching.shortlists.models import Shortlist, ShortlistItem
from tests.factories import ProgramFactory, ShortlistFactory

pytestmark = pytest.mark.django_db


def detail_url(shortlist):
    return reverse("shortlists:detail", kwargs={"shortlist_id": shortlist.pk})


def edit_data(shortlist, **overrides):
    data = {
        "title": shortlist.title,
        "patient_label": shortlist.patient_label,
        "message": shortlist.message,
    }
    for item in shortlist.items.all():
        data[f"note_{item.pk}"] = item.note
    data.update(overrides)
    return data


def names_in_order(shortlist):
    return list(shortlist.items.order_by("position", "pk").values_list("program__name", flat=True))


def test_clinician_starts_a_shortlist_and_lands_on_it(client_a, clinician_a):
    response = client_a.post(
        reverse("shortlists:list"), {"title": "  Evening   options ", "patient_label": ""}
    )
    shortlist = Shortlist.objects.get(clinician=clinician_a)
    assert response.status_code == 302
    assert response["Location"] == detail_url(shortlist)
    assert shortlist.title == "Evening options"


def test_shortlist_index_lists_only_own_shortlists_with_counts(client_a, shortlist_a, clinician_b):
    ShortlistFactory(clinician=clinician_b, title="Someone else's list")
    response = client_a.get(reverse("shortlists:list"))
    assert response.status_code == 200
    assert "Evening IOPs" in response.text
    assert "2 programmes" in response.text
    assert "Someone else" not in response.text


def test_patient_label_field_warns_against_identifying_details(client_a, shortlist_a):
    response = client_a.get(detail_url(shortlist_a))
    assert "Do not enter the patient's name, date of birth" in response.text


def test_rename_message_and_notes_are_saved_together(client_a, shortlist_a):
    first = shortlist_a.items.first()
    data = edit_data(
        shortlist_a,
        title="Renamed list",
        message="Call Monday.",
        **{f"note_{first.pk}": "Ask for Dr. Lee."},
    )
    response = client_a.post(detail_url(shortlist_a), data)
    assert response.status_code == 302
    shortlist_a.refresh_from_db()
    first.refresh_from_db()
    assert (shortlist_a.title, shortlist_a.message, first.note) == (
        "Renamed list",
        "Call Monday.",
        "Ask for Dr. Lee.",
    )


def test_move_buttons_reorder_and_keep_unsaved_text(client_a, shortlist_a):
    second = shortlist_a.items.get(program__name="Beta Day IOP")
    data = edit_data(shortlist_a, message="Typed before moving", move_up=str(second.pk))
    client_a.post(detail_url(shortlist_a), data)
    assert names_in_order(shortlist_a) == ["Beta Day IOP", "Alpha Evening IOP"]
    shortlist_a.refresh_from_db()
    assert shortlist_a.message == "Typed before moving"
    client_a.post(detail_url(shortlist_a), edit_data(shortlist_a, move_down=str(second.pk)))
    assert names_in_order(shortlist_a) == ["Alpha Evening IOP", "Beta Day IOP"]


def test_moving_the_first_programme_up_changes_nothing(client_a, shortlist_a):
    first = shortlist_a.items.get(program__name="Alpha Evening IOP")
    client_a.post(detail_url(shortlist_a), edit_data(shortlist_a, move_up=str(first.pk)))
    assert names_in_order(shortlist_a) == ["Alpha Evening IOP", "Beta Day IOP"]


def test_remove_button_takes_the_programme_off(client_a, shortlist_a):
    first = shortlist_a.items.get(program__name="Alpha Evening IOP")
    response = client_a.post(
        detail_url(shortlist_a), edit_data(shortlist_a, remove=str(first.pk)), follow=True
    )
    assert names_in_order(shortlist_a) == ["Beta Day IOP"]
    assert "Alpha Evening IOP was removed." in response.text


def test_buttons_naming_another_lists_item_are_not_found(client_a, shortlist_a, clinician_b):
    other = ShortlistFactory(clinician=clinician_b)
    foreign = ShortlistItem.objects.create(shortlist=other, program=ProgramFactory())
    response = client_a.post(
        detail_url(shortlist_a), edit_data(shortlist_a, remove=str(foreign.pk))
    )
    assert response.status_code == 404
    assert ShortlistItem.objects.filter(pk=foreign.pk).exists()


def test_delete_asks_first_then_deletes(client_a, shortlist_a):
    url = reverse("shortlists:delete", kwargs={"shortlist_id": shortlist_a.pk})
    assert "Delete “Evening IOPs”?" in client_a.get(url).text
    assert Shortlist.objects.filter(pk=shortlist_a.pk).exists()
    response = client_a.post(url)
    assert response["Location"] == reverse("shortlists:list")
    assert not Shortlist.objects.filter(pk=shortlist_a.pk).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Give the shortlist a title."),
        ("title", "   ", "Give the shortlist a title."),
        ("title", "x" * 121, "Keep the title under 120 characters."),
        ("patient_label", "x" * 41, "Keep the label under 40 characters."),
        ("message", "x" * 2001, "2000 characters"),
    ],
)
def test_bad_shortlist_fields_are_refused_with_a_message(
    client_a, shortlist_a, field, value, message
):
    response = client_a.post(
        detail_url(shortlist_a),
        edit_data(
            shortlist_a,
            **{field: value, "message": "kept?"} if field != "message" else {field: value},
        ),
    )
    assert response.status_code == 400
    assert message in response.text
    shortlist_a.refresh_from_db()
    assert shortlist_a.title == "Evening IOPs"
    assert shortlist_a.message != "kept?"


def test_too_long_note_is_refused_and_nothing_is_saved(client_a, shortlist_a):
    first = shortlist_a.items.first()
    data = edit_data(shortlist_a, title="Changed", **{f"note_{first.pk}": "n" * 1001})
    response = client_a.post(detail_url(shortlist_a), data)
    assert response.status_code == 400
    assert "Keep each note under 1000 characters." in response.text
    shortlist_a.refresh_from_db()
    assert shortlist_a.title == "Evening IOPs"


@pytest.mark.parametrize(
    ("value", "message"),
    [("", "Give the shortlist a title."), ("x" * 121, "Keep the title under 120")],
)
def test_new_shortlist_with_a_bad_title_is_refused(client_a, clinician_a, value, message):
    response = client_a.post(reverse("shortlists:list"), {"title": value})
    assert response.status_code == 400
    assert message in response.text
    assert not Shortlist.objects.filter(clinician=clinician_a).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("patient_label", "x" * 41, "Keep the label under 40 characters."),
        ("message", "x" * 2001, "2000 characters"),
    ],
)
def test_new_shortlist_with_a_too_long_label_or_message_is_refused(
    client_a, clinician_a, field, value, message
):
    response = client_a.post(reverse("shortlists:list"), {"title": "Evening", field: value})
    assert response.status_code == 400
    assert message in response.text
    assert not Shortlist.objects.filter(clinician=clinician_a).exists()
