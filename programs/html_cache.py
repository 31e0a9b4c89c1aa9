"""Catalogue HTML that every worker shares until the catalogue changes.

Anonymous visitors who ask for the same directory search or programme page get the same
HTML, so it is rendered once and kept in the shared cache: the whole page for a visitor
who has no messages waiting (``catalogue_page``), the main part alone for a results list
changed in place (``catalogue_html``).

Only what the catalogue says is shared, never what a search says about the person: a
search is shared only when every parameter it carries is one of the directory's catalogue
filters (``SHARED_PARAMETERS``: place, radius, format, level, concern, therapy, insurer,
times, signs, language, openings, sort, page) and its form is valid. A search with free
text, an age or a population, an unknown parameter (``utm_…``) or a mistake is rendered for
that visitor alone and never stored, so nobody can fill the cache with junk either. Keys are
an HMAC of what was asked (keyed with the site's secret), and pages live in their own cache
(``CACHES["pages"]``: in production a Redis with ``maxmemory`` and ``allkeys-lru``, so the
limits' counters are never evicted to make room for pages).

For a visitor who is not signed in and has no messages waiting, the whole page is kept: the
frame around the catalogue's part (header, language switcher, footer) is the same for all
of them but for the CSRF token in the language switcher's form, so the page is stored with
a placeholder there (an HMAC of the site's secret, never in any content) and each visitor
gets their own token put in (``catalogue_page``). A results list changed in place (htmx)
keeps only its part (``catalogue_html``).

A token in the shared cache names the catalogue's current state. Every write to a
programme, its sites, sessions, links or vocabularies replaces it (the signals in
``programs.apps`` and ``program_search_refresh``, which imports and seeding call), at once
and again on commit, so nobody is shown a page older than the last change; entries also
expire after ``CATALOGUE_HTML_SECONDS``. Signed-in users (clinicians see their own
shortlist controls) are never served from it, and a part whose rendering asked for a CSRF
token is never stored. Without a shared cache (Redis down) every page is rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language

from programs.tokens import current_token, replace_token

TOKEN_KEY = "programs:catalogue-token"  # noqa: S105 (a cache key, not a secret)
HtmlParts = dict[str, str]
# A render may say its parts belong to this visitor alone (a search with a mistake).
PRIVATE = "private"
# The directory's parameters that describe the catalogue asked for, not the person asking.
SHARED_PARAMETERS = frozenset(
    ("near", "radius", "format", "accepting", "sort", "page")  # where, how and which page
    + ("level", "condition", "modality", "insurance", "time", "sign", "language")  # what
)


def catalogue_token() -> str | None:
    """The shared token of the catalogue's current state (None: no shared cache)."""
    return current_token(TOKEN_KEY)


def catalogue_changed(**_signal: Any) -> None:
    """No page cached before this write is served again (see ``programs.tokens``)."""
    replace_token(TOKEN_KEY)


def _cacheable(request: HttpRequest, parameters: frozenset[str]) -> bool:
    return (
        settings.CATALOGUE_HTML_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and set(request.GET) <= parameters
        and not request.user.is_authenticated
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _key(request: HttpRequest, kind: str, token: str) -> str:
    # The exact path and query string asked for: the page's links repeat them as given.
    asked = "\n".join(
        (
            kind,
            get_language() or "",
            "htmx" if getattr(request, "htmx", False) else "page",
            request.path,
            request.META.get("QUERY_STRING", ""),
        )
    )
    digest = salted_hmac("programs.html_cache", asked, algorithm="sha256").hexdigest()
    return f"programs:html:{token}:{digest}"


def catalogue_html(
    request: HttpRequest,
    kind: str,
    render: Callable[[], HtmlParts],
    *,
    parameters: frozenset[str] = frozenset(),
) -> HtmlParts:
    """``render()``'s parts for this request, from the shared cache when another anonymous
    visitor has asked for the same page since the catalogue last changed. Only a request
    whose query parameters are all among ``parameters`` is shared."""
    if not _cacheable(request, parameters):
        return render()
    token = catalogue_token()
    if token is None:
        return render()
    pages = caches["pages"]
    key = _key(request, kind, token)
    parts = pages.get(key)
    if parts is not None:
        return parts
    parts = render()
    # A part that holds a CSRF token, or that its render keeps private, is this visitor's.
    if PRIVATE not in parts and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        pages.set(key, parts, timeout=settings.CATALOGUE_HTML_SECONDS)
    return parts


def _csrf_placeholder(token: str) -> str:
    """Where a visitor's CSRF token goes in a stored page: unguessable (an HMAC of the site's
    secret) and new with every catalogue change, so no content can carry it."""
    return "csrf-" + salted_hmac("programs.html_cache.csrf", token).hexdigest()


def _csrf_field(value: str) -> str:
    """The CSRF field exactly as ``{% csrf_token %}`` writes it: only there is a token put."""
    return f'name="csrfmiddlewaretoken" value="{value}"'


def _with_token(request: HttpRequest, body: str, placeholder: str) -> HttpResponse:
    return HttpResponse(body.replace(_csrf_field(placeholder), _csrf_field(get_token(request))))


def frame_version() -> str:
    """What the page around the catalogue's part is built from: the static files' manifest
    (hashed file names), so a deploy never serves pages naming the previous files."""
    return getattr(staticfiles_storage, "manifest_hash", "") or ""


def catalogue_page(
    request: HttpRequest,
    kind: str,
    render: Callable[[], HtmlParts],
    template: str,
    *,
    parameters: frozenset[str] = frozenset(),
) -> HttpResponse:
    """``template`` around ``render()``'s parts (as ``{"html": parts}``), the whole page from
    the shared cache when another anonymous visitor has asked for it since the catalogue last
    changed, with this visitor's CSRF token put in. Someone signed in, a request the parts
    cannot be shared for (see ``catalogue_html``) or one with messages to show gets the page
    rendered for them alone."""
    token = None
    if _cacheable(request, parameters) and not len(get_messages(request)):
        token = catalogue_token()
    if token is None:
        html = catalogue_html(request, kind, render, parameters=parameters)
        return HttpResponse(render_to_string(template, {"html": html}, request))
    pages = caches["pages"]
    key = _key(request, f"{kind}:page:{frame_version()}", token)
    placeholder = _csrf_placeholder(token)
    body = pages.get(key)
    if body is None:
        parts = render()
        body = render_to_string(template, {"html": parts, "csrf_token": placeholder}, request)
        # A part that holds a CSRF token, or that its render keeps private, is this visitor's.
        if PRIVATE not in parts and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            pages.set(key, body, timeout=settings.CATALOGUE_HTML_SECONDS)
    return _with_token(request, body, placeholder)
