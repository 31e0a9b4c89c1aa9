"""A programme's path, reversed once, is what reverse() gives, under any script prefix."""

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from programs.paths import program_path


@pytest.mark.parametrize("slug", ["calm-waters-iop", "a", "x_1-2", "IOP-2024"])
def test_the_path_is_what_reverse_gives(slug):
    assert program_path(slug) == reverse("programs:detail", kwargs={"slug": slug})


def test_the_path_follows_the_script_prefix():
    set_script_prefix("/directory/")
    try:
        assert program_path("calm-waters-iop") == "/directory/programs/calm-waters-iop/"
        assert program_path("calm-waters-iop") == reverse(
            "programs:detail", kwargs={"slug": "calm-waters-iop"}
        )
    finally:
        clear_script_prefix()
    assert program_path("calm-waters-iop") == "/programs/calm-waters-iop/"


@pytest.mark.parametrize("slug", ["", "two words", "a/b", "café"])
def test_a_slug_the_pattern_refuses_is_refused_as_reverse_does(slug):
    with pytest.raises(NoReverseMatch):
        program_path(slug)
