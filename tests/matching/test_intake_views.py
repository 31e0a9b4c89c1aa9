"""The questionnaire pages: validation next to each field, crisis routing, nothing stored."""

import pytest
from django.db import connection

from programs.levels import Level
from tests.factories import LocationFactory, ProgramFactory
from tests.intake_answers import SAFE_FORM

pytestmark = pytest.mark.django_db

VALID = {
    "conditions": ["depression", "anxiety"],
    "main_condition": "anxiety",
    "severity": "moderate",
    **SAFE_FORM,
    "format": "either",
    "location": "10001",
    "radius": "25",
    "insurance": "aetna",
    "availability": ["evening"],
    "therapies": ["cbt"],
    "goals": ["keep-working"],
    "age": "34",
    "language": "es",
    "populations": ["veterans"],
}


def post(client, **changes):
    data = {**VALID, **changes}
    return client.post("/match/", {k: v for k, v in data.items() if v is not None})


def test_questionnaire_asks_every_section_without_javascript(client):
    # Each step is a page of its own; walking them with every answer shows every question.
    pages = [client.get("/match/").content.decode()]
    for step in (1, 2, 3):
        pages.append(
            client.post("/match/", {**VALID, "step": step, "nav": "next"}).content.decode()
        )
    html = "".join(pages)
    for text in [
        "What would you like help with?",
        "Your safety",
        "PHQ-9",
        "GAD-7",
        "How would you like to attend?",
        "How will you pay?",
        "When can you attend?",
        "Your age",
        "specific group",
        "Show my matches",
    ]:
        assert text in html, text
    assert 'method="post"' in pages[0] and "csrfmiddlewaretoken" in pages[0]


def test_results_are_ranked_and_explained(client, evening_cbt_program):
    response = post(client)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Evening CBT IOP" in html and "% match" in html
    assert "Offers evening sessions" in html and "Accepts Aetna" in html
    assert "Treats Anxiety (generalised, social, panic), your main concern" in html
    assert "An intensive outpatient programme may fit" in html


def test_results_are_not_cached_and_answers_stay_out_of_the_url(client, evening_cbt_program):
    response = post(client)
    assert "no-store" in response["Cache-Control"]
    assert response.request["PATH_INFO"] == "/match/" and not response.request.get("QUERY_STRING")


def test_nothing_about_the_seeker_is_stored(client, evening_cbt_program):
    def row_counts():
        with connection.cursor() as cursor:
            counts = {}
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
                counts[table] = cursor.fetchone()[0]
            return counts

    before = row_counts()
    post(client)
    post(client, suicidal_thoughts="yes", suicide_plan="yes")
    assert row_counts() == before
    assert not client.session.items()


def test_a_plan_to_self_harm_shows_the_crisis_page_without_programmes(client, evening_cbt_program):
    response = post(client, suicidal_thoughts="yes", suicide_method="yes", suicide_plan="yes")
    html = response.content.decode()
    assert "Please reach out for support now" in html
    assert 'href="tel:988"' in html and 'href="sms:988"' in html and 'href="tel:911"' in html
    assert 'href="https://988lifeline.org/chat/"' in html
    assert "Text HOME to 741741" in html and 'href="sms:741741?body=HOME"' in html
    assert "press 2 for help in Spanish" in html and "Press 1 for the Veterans Crisis Line" in html
    assert "started to work out how you would end your life" in html
    assert "Evening CBT IOP" not in html and "/programs/" not in html
    assert "no-store" in response["Cache-Control"]


def test_phq9_item_9_shows_988_prominently_with_results(client, evening_cbt_program):
    phq = {f"phq9_{i}": "1" for i in range(1, 10)}
    html = client.post("/match/", {**VALID, **phq}).content.decode()
    assert "Talk to someone now" in html and "Evening CBT IOP" in html
    assert "PHQ-9 score 9 (mild)" in html


def test_withdrawal_need_shows_step_up_guidance_with_911_signs_not_matches(
    client, evening_cbt_program
):
    php = ProgramFactory(
        name="Day Hospital Programme", conditions=["depression"], levels=Level.IOP | Level.PHP
    )
    LocationFactory(program=php)
    detox = ProgramFactory(name="Harbor Detox", conditions=["depression"], levels=Level.WITHDRAWAL)
    LocationFactory(program=detox)
    html = post(client, needs_withdrawal_support="yes").content.decode()
    assert "More support than an IOP may help first" in html
    assert "Programmes that may fit you" not in html and "% match" not in html
    assert "seizure" in html and 'href="tel:911"' in html
    # Withdrawal management first, then IOPs that can step up; an IOP-only listing is not shown.
    assert html.index("Harbor Detox") < html.index("Day Hospital Programme")
    assert "Evening CBT IOP" not in html
    assert "Withdrawal management (detox) near you" in html
    assert "Care offered: Intensive outpatient (IOP), Partial hospitalisation (PHP)" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"conditions": None}, "Choose at least one thing you would like help with."),
        ({"conditions": ["not-a-condition"]}, "not-a-condition is not one of the options."),
        ({"main_condition": "ocd"}, "Choose one of the things you ticked above."),
        ({"main_condition": "bogus"}, "Choose one of the options."),
        ({"severity": None}, "Choose the answer closest to how things are."),
        ({"severity": "extreme"}, "Select a valid choice"),
        ({"wish_dead": None}, "Please answer this question: it helps us keep you safe."),
        ({"suicidal_thoughts": None}, "Please answer this question: it helps us keep you safe."),
        ({"suicidal_thoughts": "yes"}, "please answer this question too"),
        ({"suicide_method": "maybe"}, "Select a valid choice"),
        ({"suicide_behavior": None}, "Please answer this question: it helps us keep you safe."),
        ({"suicide_behavior": "often"}, "Select a valid choice"),
        ({"harm_others": None}, "Please answer this question: it helps us keep you safe."),
        ({"psychosis_danger": "maybe"}, "Select a valid choice"),
        ({"medical_danger": None}, "Please answer this question: it helps us keep you safe."),
        (
            {"recent_hospitalization": None},
            "Please answer this question: it helps us keep you safe.",
        ),
        (
            {"needs_withdrawal_support": None},
            "Please answer this question: it helps us keep you safe.",
        ),
        ({"goals": ["fly"]}, "Select a valid choice"),
        ({"therapies": ["group-therapy"]}, "group-therapy is not one of the options."),
        ({"format": "teleport"}, "Select a valid choice"),
        ({"location": ""}, "Enter your ZIP code or city and state"),
        ({"location": "00000"}, "couldn't find the ZIP code 00000"),
        ({"location": "Gotham, ZZ"}, "couldn't find Gotham, ZZ"),
        ({"radius": "far"}, "Enter a whole number of miles, like 25."),
        ({"radius": "0"}, "greater than or equal to 1"),
        ({"radius": "5000"}, "less than or equal to 500"),
        ({"insurance": "acme"}, "Choose one of the options."),
        ({"insurance": None, "insurance_required": "on"}, "Choose your insurance"),
        ({"availability": ["midnight"]}, "Select a valid choice"),
        ({"age": "old"}, "Enter your age as a whole number."),
        ({"age": "200"}, "less than or equal to 120"),
        ({"language": "xx"}, "Choose one of the options."),
        ({"language": None, "language_required": "on"}, "Choose a language"),
        ({"populations": ["aliens"]}, "aliens is not one of the options."),
        ({"phq9_1": "2"}, "Answer every PHQ-9 question, or leave them all blank."),
        ({"gad7_3": "9"}, "Select a valid choice"),
    ],
)
def test_bad_answers_are_shown_next_to_the_field(client, changes, message):
    response = post(client, **changes)
    assert response.status_code == 400
    html = response.content.decode().replace("&#x27;", "'")
    assert message in html
    assert "Please check your answers" in html
    assert 'class="card match-card"' not in html


def test_change_my_answers_brings_back_the_filled_form(client, evening_cbt_program):
    html = client.post("/match/", {**VALID, "edit": "1"}).content.decode()
    assert "Step 1 of 4" in html and "Please check your answers" not in html
    assert 'value="10001"' in html


def test_relaxing_a_search_widens_it_without_retyping(client):
    program = ProgramFactory(conditions=["depression"])
    LocationFactory(
        program=program,
        city="Newark",
        state="NJ",
        zip_code="07102",
        latitude=40.7357,
        longitude=-74.1724,
    )
    empty = post(client, radius="5", format="in_person", insurance=None).content.decode()
    assert "No programmes fit every answer yet" in empty and 'value="wider"' in empty
    widened = client.post(
        "/match/",
        {**VALID, "radius": "5", "format": "in_person", "insurance": "", "relax": "wider"},
    )
    assert program.name in widened.content.decode()
