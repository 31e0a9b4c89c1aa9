"""Lazy labels made text once for a page, not once each time a card prints them."""

from __future__ import annotations

from django.db.models import Choices
from django.utils.functional import Promise


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
