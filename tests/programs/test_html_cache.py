"""Directory searches and programme pages rendered once and shared (programs/html_cache.py).

What a visitor must notice: nothing, except speed. The second anonymous visitor asking the
same thing is answered without a search; a change to the catalogue shows at once; a
clinician never gets an anonymous page (nor leaves theirs behind); languages, htmx answers
and CSRF tokens are never mixed up.
"""

import pytest
from django.db import connection
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programs import views
from programs.html_cache import catalogue_html
from programs.services import program_transition
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("programs:list") + "?near=10001&radius=25&condition=depression"


def main_of(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_a_second_visitor_gets_the_same_directory_without_a_search(
    manhattan_program, django_assert_num_queries
):
    first = main_of(Client().get(DIRECTORY))
    assert "Midtown Evening IOP" in first
    with django_assert_num_queries(0):
        second = main_of(Client().get(DIRECTORY))
    assert second == first


def test_a_second_visitor_gets_the_same_programme_page_without_a_read(
    manhattan_program, django_assert_num_queries
):
    url = manhattan_program.get_absolute_url()
    first = Client().get(url)
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert main_of(second) == main_of(first)
    assert "<title>Midtown Evening IOP · IOPfinder</title>" in second.content.decode()


def csrf_field(html: str) -> str:
    start = html.index('name="csrfmiddlewaretoken" value="') + len(
        'name="csrfmiddlewaretoken" value="'
    )
    return html[start : html.index('"', start)]


@pytest.mark.parametrize("page", ["directory", "programme"])
def test_the_whole_page_is_shared_and_each_visitor_gets_a_working_token_of_their_own(
    manhattan_program, page, django_assert_num_queries
):
    url = DIRECTORY if page == "directory" else manhattan_program.get_absolute_url()
    first = Client(enforce_csrf_checks=True)
    first_html = first.get(url).content.decode()
    second = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        second_html = second.get(url).content.decode()
    token = csrf_field(second_html)
    assert token != csrf_field(first_html)
    assert "csrf-" not in second_html  # the placeholder never reaches a visitor
    # The token each was given is theirs: switching language works without JavaScript.
    for visitor, html in ((first, first_html), (second, second_html)):
        answer = visitor.post(
            reverse("set_language"),
            {"language": "es", "next": url, "csrfmiddlewaretoken": csrf_field(html)},
        )
        assert answer.status_code == 302
        assert "Filtrar" in visitor.get(DIRECTORY).content.decode()
    # Without the page's token the same form is refused: the check still stands.
    assert (
        Client(enforce_csrf_checks=True)
        .post(reverse("set_language"), {"language": "es"})
        .status_code
        == 403
    )


def test_a_clinician_s_header_never_reaches_the_next_visitor(manhattan_program, client_a):
    for url in (DIRECTORY, manhattan_program.get_absolute_url()):
        mine = client_a.get(url).content.decode()
        assert "My shortlists" in mine and "Log out" in mine
        for _ in range(2):  # the first stores the page, the second is served from it
            theirs = Client().get(url).content.decode()
            assert "My shortlists" not in theirs and "Log out" not in theirs
            assert csrf_field(theirs) not in mine


def test_a_shared_page_keeps_its_headers_and_gives_a_new_visitor_a_csrf_cookie(manhattan_program):
    Client().get(DIRECTORY)
    served = Client().get(DIRECTORY, HTTP_ACCEPT_LANGUAGE="en")
    vary = {part.strip() for part in served.headers["Vary"].split(",")}
    assert {"Cookie", "Accept-Language", "HX-Request"} <= vary
    assert served.headers["Content-Language"] == "en"
    assert "csrftoken" in served.cookies


def test_a_page_whose_part_asks_for_a_csrf_token_is_never_shared_whole(db):
    from programs.html_cache import SHARED_PARAMETERS, catalogue_page

    renders = []

    def render(request):
        renders.append(get_token(request))
        return {"title": "", "main": renders[-1]}

    for _ in range(2):
        request = RequestFactory().get("/programs/")
        request.user = type("Anonymous", (), {"is_authenticated": False})()
        catalogue_page(
            request,
            "test",
            lambda request=request: render(request),
            "programs/program_list.html",
            parameters=SHARED_PARAMETERS,
        )
    assert len(renders) == 2


def test_a_deploy_with_new_static_files_never_serves_pages_naming_the_old_ones(
    manhattan_program, monkeypatch
):
    from programs import html_cache

    monkeypatch.setattr(html_cache, "frame_version", lambda: "manifest-1")
    Client().get(DIRECTORY)
    monkeypatch.setattr(html_cache, "frame_version", lambda: "manifest-2")
    with CaptureQueriesContext(connection) as queries:
        main_of(Client().get(DIRECTORY))
    assert len(queries) > 0  # rendered again: the stored page names the old files


def test_a_visitor_with_a_message_waiting_sees_it_on_a_shared_page(db):
    from django.contrib.messages import add_message, constants
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.signed_cookies import SessionStore

    from programs.html_cache import SHARED_PARAMETERS, catalogue_page

    def visitor_request(with_message: bool):
        request = RequestFactory().get(DIRECTORY)
        request.user = type("Anonymous", (), {"is_authenticated": False})()
        request.session = SessionStore()
        request._messages = FallbackStorage(request)  # as MessageMiddleware sets it
        if with_message:
            add_message(request, constants.SUCCESS, "Your suggestion was sent.")
        return request

    renders = []

    def page(request):
        def render():
            renders.append(request)
            return {"title": "Programmes", "main": "<p>The directory</p>"}

        return catalogue_page(
            request, "directory", render, "programs/program_list.html", parameters=SHARED_PARAMETERS
        ).content.decode()

    assert "Your suggestion was sent." not in page(visitor_request(with_message=False))
    assert "The directory" in page(visitor_request(with_message=False))
    assert len(renders) == 1  # the second visitor got the stored page
    with_message = page(visitor_request(with_message=True))
    assert "Your suggestion was sent." in with_message and "The directory" in with_message
    assert "Your suggestion was sent." not in page(visitor_request(with_message=False))


def test_an_edit_shows_at_once_on_the_directory_and_the_programme_page(manhattan_program):
    url = manhattan_program.get_absolute_url()
    Client().get(url), Client().get(DIRECTORY)
    manhattan_program.name = "Midtown Evening Recovery"
    manhattan_program.save()
    assert "Midtown Evening Recovery" in main_of(Client().get(url))
    assert "Midtown Evening Recovery" in main_of(Client().get(DIRECTORY))


def test_a_new_site_shows_at_once(manhattan_program):
    url = manhattan_program.get_absolute_url()
    assert "Hoboken" not in main_of(Client().get(url))
    LocationFactory(program=manhattan_program, city="Hoboken", state="NJ", zip_code="07030")
    assert "Hoboken" in main_of(Client().get(url))


def test_a_programme_taken_down_is_gone_at_once(manhattan_program, admin_user):
    url = manhattan_program.get_absolute_url()
    assert "Midtown Evening IOP" in main_of(Client().get(DIRECTORY))
    program_transition(program=manhattan_program, to_status="archived", user=admin_user)
    assert Client().get(url).status_code == 404
    assert "Midtown Evening IOP" not in main_of(Client().get(DIRECTORY))


def test_a_clinician_gets_their_own_controls_and_leaves_nothing_behind(manhattan_program, client_a):
    url = manhattan_program.get_absolute_url()
    assert "Add to shortlist" not in main_of(Client().get(url))
    assert "Add to shortlist" in main_of(client_a.get(url))
    assert "Add to shortlist" in main_of(client_a.get(DIRECTORY))
    assert "Add to shortlist" not in main_of(Client().get(url))
    assert "Add to shortlist" not in main_of(Client().get(DIRECTORY))


def test_spanish_and_english_pages_are_kept_apart(manhattan_program):
    english = main_of(Client().get(DIRECTORY, HTTP_ACCEPT_LANGUAGE="en"))
    spanish = main_of(Client().get(DIRECTORY, HTTP_ACCEPT_LANGUAGE="es"))
    assert "Filter programmes" in english
    assert "Filter programmes" not in spanish
    assert "Filter programmes" in main_of(Client().get(DIRECTORY, HTTP_ACCEPT_LANGUAGE="en"))


def test_results_changed_in_place_and_the_whole_page_are_kept_apart(manhattan_program):
    whole = Client().get(DIRECTORY).content.decode()
    results = Client().get(DIRECTORY, HTTP_HX_REQUEST="true").content.decode()
    again = Client().get(DIRECTORY).content.decode()
    assert "<html" in whole and "<html" in again
    assert "<html" not in results and 'id="results"' in results


def test_a_search_with_a_mistake_still_says_what_to_fix_the_second_time(manhattan_program):
    url = reverse("programs:list") + "?near=00000"
    for _ in range(2):
        assert "field--error" in main_of(Client().get(url))
    redirected = Client().get(url, HTTP_HX_REQUEST="true")
    assert redirected.headers["HX-Redirect"] == url


def test_turned_off_every_page_is_rendered(manhattan_program, settings):
    settings.CATALOGUE_HTML_SECONDS = 0
    Client().get(DIRECTORY)
    with CaptureQueriesContext(connection) as queries:
        assert "Midtown Evening IOP" in main_of(Client().get(DIRECTORY))
    assert len(queries) > 0


def test_a_part_that_holds_a_csrf_token_is_never_shared(db):
    renders = []

    def render(request):
        renders.append(get_token(request))
        return {"main": renders[-1]}

    for _ in range(2):
        request = RequestFactory().get("/programs/")
        request.user = type("Anonymous", (), {"is_authenticated": False})()
        catalogue_html(request, "test", lambda request=request: render(request))
    assert len(renders) == 2


@pytest.mark.parametrize(
    "personal",
    ["age=34", "population=veterans", "q=Midtown", "utm_source=newsletter"],
)
def test_a_search_that_says_more_about_the_person_is_never_stored(manhattan_program, personal):
    url = f"{DIRECTORY}&{personal}"
    Client().get(url)
    with CaptureQueriesContext(connection) as queries:
        main_of(Client().get(url))
    assert len(queries) > 0  # rendered again for the second visitor: nothing was kept


def test_a_search_with_a_mistake_is_never_stored(manhattan_program, monkeypatch):
    # Such a search reads nothing from the database (the filters' vocabularies are kept by
    # the process), so count the renders: each visitor's page is made for them.
    renders = []
    render = views._directory_html
    monkeypatch.setattr(
        views, "_directory_html", lambda request: renders.append(1) or render(request)
    )
    url = reverse("programs:list") + "?near=00000"
    for _ in range(2):
        assert "find the ZIP code 00000" in Client().get(url).content.decode()
    assert len(renders) == 2


def test_the_shared_part_is_kept_under_a_key_that_does_not_say_what_was_asked(db):
    from programs.html_cache import _key

    request = RequestFactory().get(DIRECTORY)
    key = _key(request, "directory", "token")
    assert "10001" not in key and "depression" not in key
    assert key != _key(RequestFactory().get(DIRECTORY + "&page=2"), "directory", "token")


def test_an_import_that_changes_only_directory_records_still_refreshes_shared_pages(db):
    from programs.html_cache import catalogue_token
    from programs.imports import editions
    from programs.imports.services import _record_provenance

    before = catalogue_token()
    _record_provenance(editions.EDITIONS[0], rows={})  # bulk writes: no signal
    assert catalogue_token() != before


def test_a_migration_refreshes_shared_pages(db):
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from programs.html_cache import catalogue_token

    before = catalogue_token()
    config = apps.get_app_config("programs")
    post_migrate.send(
        sender=config,
        app_config=config,
        verbosity=0,
        interactive=False,
        using="default",
        apps=apps,
        plan=[],
    )
    assert catalogue_token() != before
