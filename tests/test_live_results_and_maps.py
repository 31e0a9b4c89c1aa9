"""In-place filtering (htmx) and the numbered maps, as the server answers them."""

import json
import re
from html import unescape

import pytest
from django.conf import settings

from tests.factories import LocationFactory, ProgramFactory
from tests.matching.test_intake_views import VALID

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def map_points(html: str, map_id: str) -> list[dict]:
    found = re.search(rf'<div class="map" data-map="{map_id}" data-map-points="([^"]*)"', html)
    assert found, f"no data for {map_id}"
    return json.loads(unescape(found.group(1)))


@pytest.fixture
def thirty_programmes(db):
    programmes = []
    for number in range(30):
        program = ProgramFactory(name=f"Programme {number:02d}", conditions=["depression"])
        LocationFactory(program=program, latitude=40.70 + number / 1000)
        programmes.append(program)
    return programmes


def test_a_filter_changed_in_place_gets_only_the_results_and_their_count(client, manhattan_program):
    response = client.get("/programs/?near=10001", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "Filter programmes" not in html  # the form stays as it is
    assert '<section id="results"' in html and "Midtown Evening IOP" in html
    # The live region keeps its place and gets new words: screen readers hear the new count.
    assert re.search(
        r'<p id="results-status" class="visually-hidden" role="status" '
        r'hx-swap-oob="innerHTML">1 programme found</p>',
        html,
    )
    assert "HX-Request" in response["Vary"]  # a cache never serves the partial as the page


def test_the_whole_directory_page_still_works_without_javascript(client, manhattan_program):
    response = client.get("/programs/?near=10001")
    html = response.content.decode()
    assert "<html" in html and "Filter programmes" in html and "Midtown Evening IOP" in html
    # The form submits normally; htmx only takes over when it has loaded.
    assert 'method="get" action="/programs/"' in html and 'hx-push-url="true"' in html
    assert '<p id="results-status" class="visually-hidden" role="status"></p>' in html
    assert "HX-Request" in response["Vary"]


def test_a_bad_filter_in_place_reloads_the_whole_page_to_show_the_messages(client):
    response = client.get("/programs/?near=00000", **HTMX)
    assert response["HX-Redirect"] == "/programs/?near=00000"
    page = client.get("/programs/?near=00000").content.decode()
    assert "We couldn&#x27;t find the ZIP code 00000" in page or "ZIP code 00000" in page


def test_directory_map_markers_carry_the_list_numbers(client, thirty_programmes):
    html = client.get("/programs/?page=2").content.decode()
    points = map_points(html, "directory-map")
    names = re.findall(r'<span class="list-number" aria-hidden="true">(\d+)</span>', html)
    assert [point["number"] for point in points] == [int(n) for n in names]
    assert points[0]["number"] == settings.DIRECTORY_PAGE_SIZE + 1
    assert {"name", "url", "lat", "lng"} <= set(points[0])
    # Without JavaScript the map stays hidden and the list with its places is the page.
    assert '<figure class="map-figure no-print" hidden>' in html
    assert "loaded from tile.openstreetmap.org" in html


def test_programme_page_maps_each_site_numbered_as_its_addresses(client, manhattan_program):
    LocationFactory(program=manhattan_program, city="Brooklyn", latitude=40.69, longitude=-73.99)
    html = client.get(manhattan_program.get_absolute_url()).content.decode()
    points = map_points(html, "sites-map")
    assert [point["number"] for point in points] == [1, 2]
    assert '<ol class="locations locations--numbered">' in html
    assert html.index("Brooklyn") > html.index('<ol class="locations')


def test_a_programme_without_a_located_site_has_no_map(client):
    program = ProgramFactory(name="Virtual Only IOP", delivery="virtual")
    html = client.get(program.get_absolute_url()).content.decode()
    assert (
        'data-map="sites-map"' not in html and "leaflet" in html
    )  # the assets, but nothing to draw


def test_csp_allows_tiles_from_openstreetmap_only(client, manhattan_program):
    policy = client.get("/programs/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["img-src"].split() == ["'self'", "data:", "https://tile.openstreetmap.org"]
    assert "openstreetmap" not in policy.replace(directives["img-src"], "")
    assert directives["connect-src"] == "'self'" and "'unsafe-inline'" not in policy


def answers(**changes):
    return {**VALID, "insurance": "", "language": "", "populations": [], **changes}


def test_more_results_in_place_sends_only_the_results_and_keeps_the_answers_out_of_the_url(
    client, thirty_programmes
):
    response = client.post("/match/", answers(page="2"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert response["HX-Retarget"] == "#match-results"
    assert "HX-Push-Url" not in response and "HX-Replace-Url" not in response
    assert "Showing 26 to 30 of 30." in html and 'start="26"' in html
    assert 'hx-swap-oob="innerHTML">30 programmes, best fit first Showing 26 to 30 of 30.' in html
    # The answers travel on in hidden fields, so "Change my answers" still has them.
    assert 'name="conditions" value="depression"' in html
    assert [p["number"] for p in map_points(html, "match-map")] == list(range(26, 31))
    assert "no-store" in response["Cache-Control"]


def test_a_crisis_answer_sent_in_place_takes_the_whole_page(client, thirty_programmes):
    data = answers(suicidal_thoughts="yes", suicide_method="yes", suicide_plan="yes", page="2")
    response = client.post("/match/", data, **HTMX)
    html = response.content.decode()
    assert response["HX-Retarget"] == "body" and response["HX-Reswap"] == "innerHTML"
    assert "Please reach out for support now" in html and 'href="tel:988"' in html
    assert "Programme 0" not in html


def test_answers_to_fix_sent_in_place_take_the_whole_page(client):
    response = client.post("/match/", {"page": "2"}, **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "body"
    assert "<form" in response.content.decode()


def test_the_results_map_knows_programmes_not_the_seeker(client, thirty_programmes):
    html = client.post("/match/", answers(location="10001")).content.decode()
    points = map_points(html, "match-map")
    assert len(points) == 25
    data = json.dumps(points)
    assert "10001" not in data and "New York" not in data  # only the programmes' own sites
    assert "tile.openstreetmap.org/{z}/{x}/{y}.png" in html and "?" not in settings.MAP_TILE_URL
