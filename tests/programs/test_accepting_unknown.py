"""“Accepting new patients” has three states: yes, no, and unknown (the listing does not say)."""

import io
import re

import pytest
from django.urls import reverse

from programs.fhir.mapping import healthcare_service
from programs.hsds.mapping import program_from_service, service_dict
from programs.imports.csv_format import read_programs_csv, write_programs_csv
from programs.models import Program
from tests.factories import LocationFactory, ProgramFactory
from tests.programs.cards import card_names

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(db):
    made = {
        "yes": ProgramFactory(name="Open IOP", accepting_new_patients=True),
        "no": ProgramFactory(name="Full IOP", accepting_new_patients=False),
        "unknown": ProgramFactory(name="Imported IOP", accepting_new_patients=None),
    }
    for program in made.values():
        LocationFactory(program=program)
    return made


def test_a_new_listing_does_not_claim_it_is_accepting():
    assert Program().accepting_new_patients is None


def test_the_card_and_page_say_call_to_ask_when_unknown(client, three):
    html = client.get("/programs/").text
    assert html.count("Call to ask about openings") == 1
    assert "Accepting new patients" in html and "Waitlist" in html
    page = client.get(three["unknown"].get_absolute_url()).text
    assert "Call to ask about openings" in page
    assert "Accepting new patients</span>" not in page


def test_accepting_true_keeps_only_confirmed_listings(client, api_client, three):
    assert sorted(card_names(client.get("/programs/?accepting=true").text)) == ["Open IOP"]
    body = api_client.get("/api/v1/programs/?accepting=true").json()
    assert [item["name"] for item in body["results"]] == ["Open IOP"]
    every = api_client.get("/api/v1/programs/").json()["results"]
    assert {item["name"]: item["accepting_new_patients"] for item in every} == {
        "Open IOP": True,
        "Full IOP": False,
        "Imported IOP": None,
    }


def test_fhir_publishes_no_accepting_code_for_an_unknown_listing(three):
    def codes(program):
        return [
            extension["extension"][0]["valueCodeableConcept"]["coding"][0]["code"]
            for extension in healthcare_service(program)["extension"]
        ]

    assert "newpt" in codes(three["yes"]) and "nopt" in codes(three["no"])
    assert not {"newpt", "nopt"} & set(codes(three["unknown"]))


def test_hsds_says_unknown_as_unknown_and_reads_it_back(three):
    service = service_dict(three["unknown"])
    facts = [a["taxonomy_term"]["code"] for a in service["attributes"]]
    assert "accepting-new-patients" not in facts
    assert program_from_service(service).fields["accepting_new_patients"] is None
    confirmed = program_from_service(service_dict(three["no"]))
    assert confirmed.fields["accepting_new_patients"] is False


def test_the_csv_carries_three_states(three):
    stream = io.StringIO()
    write_programs_csv(queryset=Program.objects.order_by("pk"), stream=stream)
    parsed = read_programs_csv(io.StringIO(stream.getvalue()))
    assert [r.fields["accepting_new_patients"] for r in parsed.records] == [True, False, None]
    worded = read_programs_csv(io.StringIO("name,accepting_new_patients\nA,unknown\nB,no\n"))
    assert [r.fields["accepting_new_patients"] for r in worded.records] == [None, False]


def test_the_admin_offers_yes_no_and_unknown(admin_client, three):
    url = reverse("admin:programs_program_change", args=[three["unknown"].pk])
    html = admin_client.get(url).text
    select = re.search(r'<select name="accepting_new_patients".*?</select>', html, re.S).group(0)
    assert 'value="unknown" selected' in select
    assert 'value="true"' in select and 'value="false"' in select
