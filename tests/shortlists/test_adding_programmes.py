"""Adding programmes from the directory, a programme page and match results."""

import logging
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.shortlists.models import Shortlist, ShortlistItem
from tests.factories import LocationFactory, ProgramFactory, ShortlistFactory
from tests.intake_answers import SAFE_FORM

pytestmark = pytest.mark.django_db

ADD_BUTTON = "Add to shortlist"
MATCH_ANSWERS = {
    "conditions": ["depression", "anxiety"],
    "severity": "moderate",
    **SAFE_FORM,
    "wish_dead": "yes",
    "format": "either",
    "location": "10001",
    "radius": "25",
    "availability": ["evening"],
    **{f"phq9_{number}": "1" for number in range(1, 10)},
}


@pytest.fixture
def program(db):
    program = ProgramFactory(name="Harbor Evening IOP", conditions=["depression", "anxiety"])
    LocationFactory(program=program)
    return program


def test_add_controls_show_only_for_approved_clinicians(
    client, login, program, clinician_a, pending_clinician, admin_user
):
    pages = [reverse("programs:list"), program.get_absolute_url()]
    for page in pages:
        assert ADD_BUTTON not in client.get(page).text
    for user in (pending_clinician.user, admin_user):
        login(client, user)
        for page in pages:
            assert ADD_BUTTON not in client.get(page).text
    login(client, clinician_a.user)
    for page in pages:
        assert ADD_BUTTON in client.get(page).text


def test_each_directory_card_adds_its_own_programme_and_comes_back(client_a, shortlist_a):
    first = ProgramFactory(name="Harbor Evening IOP", conditions=["depression"])
    second = ProgramFactory(name="Quay Morning IOP", conditions=["depression"])
    for program in (first, second):
        LocationFactory(program=program)
    directory = reverse("programs:list") + "?near=10001&sort=name"
    html = client_a.get(directory).text
    cards = re.findall(r'<article class="card program-card".*?</article>', html, re.S)
    assert len(cards) == 2
    for card, program in zip(cards, (first, second), strict=True):
        assert f'<h3 id="program-{program.pk}-name">' in card
        assert f'name="program" value="{program.pk}"' in card
        assert f'Add to shortlist<span class="visually-hidden">: {program.name}</span>' in card
    response = client_a.post(
        reverse("shortlists:item_add"),
        {"program": second.pk, "shortlist": shortlist_a.pk, "next": directory},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == directory
    assert shortlist_a.items.order_by("position").last().program == second


def test_add_from_a_programme_page_goes_back_there_with_a_message(client_a, program, shortlist_a):
    response = client_a.post(
        reverse("shortlists:item_add"),
        {"program": program.pk, "shortlist": shortlist_a.pk, "next": program.get_absolute_url()},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == program.get_absolute_url()
    assert "Harbor Evening IOP was added to “Evening IOPs”." in response.text
    last = shortlist_a.items.order_by("position").last()
    assert last.program == program and last.position == 2


def test_add_to_a_new_shortlist_creates_one(client_a, clinician_a, program):
    client_a.post(reverse("shortlists:item_add"), {"program": program.pk, "shortlist": "new"})
    shortlist = Shortlist.objects.get(clinician=clinician_a)
    assert [item.program for item in shortlist.items.all()] == [program]


def test_adding_twice_says_it_is_already_there(client_a, program, shortlist_a):
    data = {"program": program.pk, "shortlist": shortlist_a.pk}
    client_a.post(reverse("shortlists:item_add"), data)
    response = client_a.post(reverse("shortlists:item_add"), data, follow=True)
    assert "Harbor Evening IOP is already on this shortlist." in response.text
    assert shortlist_a.items.filter(program=program).count() == 1


def test_next_pointing_off_site_is_ignored(client_a, program, shortlist_a):
    response = client_a.post(
        reverse("shortlists:item_add"),
        {"program": program.pk, "shortlist": shortlist_a.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == program.get_absolute_url()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"shortlist": "new"}, "Choose a programme to add."),
        ({"program": "999999", "shortlist": "new"}, "That programme is not listed any more."),
        ({"program": "abc", "shortlist": "new"}, "That programme is not listed any more."),
        ({"program": "PROGRAM"}, "Choose a shortlist."),
        (
            {"program": "PROGRAM", "shortlist": "123456"},
            "Choose one of your shortlists, or a new one.",
        ),
    ],
)
def test_bad_add_input_is_refused_and_nothing_is_added(client_a, program, data, message):
    data = {key: (program.pk if value == "PROGRAM" else value) for key, value in data.items()}
    response = client_a.post(reverse("shortlists:item_add"), data)
    assert response.status_code == 400
    assert message in response.text
    assert not ShortlistItem.objects.exists()
    assert not Shortlist.objects.exists()


def test_cannot_add_to_another_clinicians_shortlist(client_a, program, clinician_b):
    theirs = ShortlistFactory(clinician=clinician_b)
    response = client_a.post(
        reverse("shortlists:item_add"), {"program": program.pk, "shortlist": theirs.pk}
    )
    assert response.status_code == 400
    assert not theirs.items.exists()


def test_draft_programme_cannot_be_added(client_a, shortlist_a):
    draft = ProgramFactory(status="draft")
    response = client_a.post(
        reverse("shortlists:item_add"), {"program": draft.pk, "shortlist": shortlist_a.pk}
    )
    assert response.status_code == 400
    assert not shortlist_a.items.filter(program=draft).exists()


def test_directory_with_add_controls_costs_the_same_queries_for_more_cards(client_a, shortlist_a):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client_a.get(reverse("programs:list")).status_code == 200
        return len(queries)

    for _ in range(3):
        LocationFactory(program=ProgramFactory())
    few = count_queries()
    for _ in range(8):
        LocationFactory(program=ProgramFactory())
    assert count_queries() == few


def test_match_results_offer_add_buttons_that_post_the_answers_not_a_url(
    client_a, program, shortlist_a
):
    response = client_a.post("/match/", MATCH_ANSWERS)
    html = response.text
    assert 'formaction="/shortlists/add-from-match/"' in html
    assert f'name="program" value="{program.pk}"' in html
    assert "Attach these answers to the shortlist" in html


def test_adding_from_match_results_shows_the_results_again_without_storing_answers(
    client_a, program, shortlist_a
):
    data = {**MATCH_ANSWERS, "program": program.pk, "shortlist": shortlist_a.pk}
    response = client_a.post(reverse("shortlists:item_add_from_match"), data)
    assert response.status_code == 200
    assert "Programmes that may fit you" in response.text
    assert "Harbor Evening IOP was added to “Evening IOPs”." in response.text
    assert "no-store" in response["Cache-Control"]
    shortlist_a.refresh_from_db()
    assert shortlist_a.items.filter(program=program).exists()
    assert shortlist_a.match_answers == []


def test_attached_answers_explain_the_match_but_leave_out_safety_and_scores(
    client_a, program, shortlist_a
):
    data = {
        **MATCH_ANSWERS,
        "program": program.pk,
        "shortlist": shortlist_a.pk,
        "attach_answers": "on",
    }
    client_a.post(reverse("shortlists:item_add_from_match"), data)
    shortlist_a.refresh_from_db()
    answers = dict(shortlist_a.match_answers)
    assert answers["What would you like help with?"].startswith("Depression")
    assert answers["When can you attend?"] == "Weekday evenings"
    assert "10001" in answers["Your ZIP code or City, ST"]
    stored = str(shortlist_a.match_answers).lower()
    assert "hurting yourself" not in stored and "suicide" not in stored
    assert "little interest" not in stored


def test_match_answers_never_reach_the_logs(client_a, program, shortlist_a, caplog):
    data = {
        **MATCH_ANSWERS,
        "location": "90210",
        "program": program.pk,
        "shortlist": shortlist_a.pk,
    }
    with caplog.at_level(logging.DEBUG):
        client_a.post(reverse("shortlists:item_add_from_match"), data)
        client_a.post(reverse("shortlists:item_add_from_match"), {**data, "radius": "abc"})
    assert "90210" not in caplog.text


def test_tampered_answers_show_the_questionnaire_with_a_400(client_a, program, shortlist_a):
    data = {**MATCH_ANSWERS, "radius": "far", "program": program.pk, "shortlist": shortlist_a.pk}
    response = client_a.post(reverse("shortlists:item_add_from_match"), data)
    assert response.status_code == 400
    assert "Enter a whole number of miles" in response.text
    assert not shortlist_a.items.filter(program=program).exists()


def test_bad_shortlist_choice_from_match_results_is_a_400_with_the_results(client_a, program):
    data = {**MATCH_ANSWERS, "program": program.pk, "shortlist": "nope"}
    response = client_a.post(reverse("shortlists:item_add_from_match"), data)
    assert response.status_code == 400
    assert "Choose one of your shortlists, or a new one." in response.text
    assert "Programmes that may fit you" in response.text
    assert not ShortlistItem.objects.exists()


def test_a_crisis_answer_adds_nothing_and_shows_only_crisis_help(client_a, program, shortlist_a):
    data = {
        **MATCH_ANSWERS,
        "suicide_plan": "yes",
        "location": "99999",
        "program": program.pk,
        "shortlist": shortlist_a.pk,
        "attach_answers": "on",
    }
    items = shortlist_a.items.count()
    response = client_a.post(reverse("shortlists:item_add_from_match"), data)
    assert "Please reach out for support now" in response.text
    assert "was added to" not in response.text
    shortlist_a.refresh_from_db()
    assert shortlist_a.items.count() == items and shortlist_a.match_answers == []
