"""Labels translated once for a page say exactly what the lazy labels say, in its language."""

import pytest
from django.utils import translation

from programs.models import Program, WeeklySession
from programs.signs import DEFINITIONS, Sign
from programs.translated import Translated


@pytest.mark.parametrize("language", ["en", "es"])
def test_words_are_the_labels_in_the_language_of_the_page(language):
    with translation.override(language):
        words = Translated()
        for sign, definition in DEFINITIONS.items():
            assert words(Sign(sign).label) == str(Sign(sign).label)
            assert words(definition.meaning) == str(definition.meaning)
            assert words(definition.meaning) == str(definition.meaning)  # asked again


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_choice_reads_as_get_display_does(language, db):
    with translation.override(language):
        words = Translated()
        for delivery in Program.Delivery:
            assert words.choice(Program.Delivery, delivery) == str(
                Program(delivery=delivery).get_delivery_display()
            )
        assert words.choice(WeeklySession.Weekday, 2) == str(WeeklySession.Weekday(2).label)
        assert words.choice(Program.Source, "retired") == "retired"


def test_spanish_words_are_spanish():
    with translation.override("es"):
        assert Translated().choice(WeeklySession.Weekday, 0) == "Lunes"


def test_said_follows_the_active_language_and_a_recompiled_catalogue(settings):
    from pathlib import Path

    from django.utils import translation
    from django.utils.autoreload import file_changed

    from programs.translated import _catalogue, said, said_plural

    with translation.override("es"):
        assert said("Accepting new patients") == translation.gettext("Accepting new patients")
        assert said("Accepting new patients") != "Accepting new patients"
        assert said_plural("Fits your goal: %(goals)s", "Fits your goals: %(goals)s", 2) == (
            translation.ngettext("Fits your goal: %(goals)s", "Fits your goals: %(goals)s", 2)
        )
    with translation.override("en"):
        assert said("Accepting new patients") == "Accepting new patients"
    # The development server reloads a recompiled catalogue: the remembered texts go too.
    with translation.override("es"):
        said("Accepting new patients")
        file_changed.send(sender=None, file_path=Path("locale/es/LC_MESSAGES/django.mo"))
        assert _catalogue.cache_info().currsize == 0
        assert said("Accepting new patients") == translation.gettext("Accepting new patients")


def test_one_language_says_everything_in_the_language_active_on_entry():
    from django.utils import translation

    from programs.translated import one_language, said

    with translation.override("es"):
        spanish = translation.gettext("Accepting new patients")
        with one_language():
            assert said("Accepting new patients") == spanish
    with translation.override("en"):
        assert said("Accepting new patients") == "Accepting new patients"
        try:
            with one_language():
                raise RuntimeError
        except RuntimeError:
            pass
    with translation.override("es"):
        assert said("Accepting new patients") == spanish
