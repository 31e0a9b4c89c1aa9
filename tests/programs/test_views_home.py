"""The home page: what an IOP is, the two ways in, a quick search and crisis help."""

import re

import pytest
from django.urls import NoReverseMatch, reverse

pytestmark = pytest.mark.django_db


def matching_url() -> str | None:
    try:
        return reverse("matching:intake")
    except NoReverseMatch:
        return None


def test_home_explains_what_an_iop_is_in_plain_words(client):
    html = client.get(reverse("programs:home")).content.decode()
    assert "structured treatment for mental health or substance use" in html
    assert "while living at home" in html
    assert "3 to 5 days a week" in html
    assert "8 to 12 weeks" in html


def test_home_offers_both_ways_in(client):
    html = client.get("/").content.decode()
    assert re.search(r'<a class="button" href="/programs/">Browse programmes</a>', html)
    url = matching_url()
    assert url, "matching:intake should resolve: the home page links to it"
    assert f'href="{url}">Get matched</a>' in html


def test_home_quick_search_sends_near_and_condition_to_the_directory(client):
    html = client.get("/").content.decode()
    form = re.search(r'<form method="get" action="/programs/"[^>]*>(.*?)</form>', html, re.S)
    assert form, "a GET form pointing at the directory"
    assert 'name="near"' in form.group(1)
    assert 'name="condition"' in form.group(1)
    assert '<option value="depression">Depression</option>' in form.group(1)
    assert '<label for="home-near">' in form.group(1)
    assert '<label for="home-condition">' in form.group(1)


def test_home_quick_search_lands_on_matching_results(client, manhattan_program):
    html = client.get("/programs/", {"near": "10001", "condition": "depression"}).content.decode()
    assert "1 programme found" in html and "Midtown Evening IOP" in html


def test_home_says_plainly_what_to_do_in_a_crisis(client):
    html = client.get("/").content.decode()
    assert "If you are in crisis, an IOP is not the first step" in html
    assert '<a href="tel:988">call 988</a> or <a href="sms:988">text 988</a>' in html
    assert '<a href="tel:911">911</a>' in html


def test_every_page_shows_crisis_help(client, manhattan_program):
    urls = ["/", "/programs/", "/programs/?near=00000", manhattan_program.get_absolute_url()]
    urls.append("/programs/no-such-programme/")
    if matching_url():
        urls.append(matching_url())
    for url in urls:
        html = client.get(url).content.decode()
        assert "In crisis?" in html, url
        assert 'href="tel:988"' in html and 'href="tel:911"' in html, url


def test_pages_have_no_inline_scripts_styles_or_event_handlers(client, manhattan_program):
    for url in [
        "/",
        "/programs/?near=10001",
        "/programs/?near=00000&radius=abc",
        "/programs/?near=78701&condition=eating-disorders",
        manhattan_program.get_absolute_url(),
        "/programs/no-such-programme/",
    ]:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url
