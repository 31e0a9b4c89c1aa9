"""Lazy labels made text once for a page, not once each time a card prints them."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from django.core.signals import setting_changed
from django.db.models import Choices
from django.utils.autoreload import file_changed
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext, ngettext


class Translated:
    """``str()`` of lazy labels, each looked up in the catalogue once while this lives.

    A lazy label asks the translation catalogue every time it is printed or hashed: twenty
    cards print the same few dozen labels some thousand times. Make one for a page (in the
    language it is rendered in) and ask it instead.
    """

    def __init__(self) -> None:
        # id() of the label: hashing a lazy label would translate it; keeping the label
        # itself alive beside its text keeps its id from being reused.
        self._texts: dict[int, tuple[Promise | str, str]] = {}
        self._choices: dict[type[Choices], dict[object, str]] = {}

    def __call__(self, label: Promise | str) -> str:
        seen = self._texts.get(id(label))
        if seen is None:
            seen = self._texts[id(label)] = (label, str(label))
        return seen[1]

    def choice(self, choices: type[Choices], value: object) -> str:
        """What ``get_FOO_display()`` says for ``value`` (the value itself if not a choice)."""
        texts = self._choices.get(choices)
        if texts is None:
            texts = self._choices[choices] = {member.value: str(member.label) for member in choices}
        return texts[value] if value in texts else str(value)


@functools.lru_cache(maxsize=4096)
def _catalogue(language: str | None, singular: str, plural: str | None, number: int) -> str:
    # ``language`` is only the key: the text comes from the language active when it is asked.
    return gettext(singular) if plural is None else ngettext(singular, plural, number)


# The language a page is being explained in, set by ``one_language`` (asking Django which
# language is active costs ~1.4 µs, more than the remembered look-up itself).
_PAGE_LANGUAGE: ContextVar[str | None] = ContextVar("said_language", default=None)


@contextmanager
def one_language() -> Iterator[None]:
    """Inside, ``said`` uses the language active on entry without asking for it each time:
    for explaining a page of results, all in one language (switch none inside)."""
    token = _PAGE_LANGUAGE.set(get_language() or "")
    try:
        yield
    finally:
        _PAGE_LANGUAGE.reset(token)


def _language() -> str | None:
    language = _PAGE_LANGUAGE.get()
    return get_language() if language is None else language or None


def said(message: str) -> str:
    """``gettext(message)``, looked up in the catalogue once per language in this process.

    A look-up costs a few microseconds (English falls back through every catalogue); the
    match explains 25 results with some 300 of them. For messages written in the code
    (``said("…")`` is not extracted: import it as ``_``, or mark the text with
    ``gettext_noop``), never for text from a request or the database.
    """
    return _catalogue(_language(), message, None, 0)


def said_plural(singular: str, plural: str, number: int) -> str:
    """``ngettext`` remembered as ``said`` is (import it as ``ngettext``)."""
    return _catalogue(_language(), singular, plural, number)


def _forget(*, setting: str, **kwargs: object) -> None:
    # Tests that change the languages or the catalogues' folders get them read again.
    if setting in {"LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS", "USE_I18N"}:
        _catalogue.cache_clear()


def _catalogue_file_changed(*, file_path: Path, **kwargs: object) -> None:
    # The development server reads a recompiled catalogue without restarting: so do we.
    if file_path.suffix == ".mo":
        _catalogue.cache_clear()


setting_changed.connect(_forget)
file_changed.connect(_catalogue_file_changed)
