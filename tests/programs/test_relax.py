"""Widening a directory search that found nothing: only the ways that make sense."""

from django.http import QueryDict

from programs.relax import relax_links


def labels(query: str, radius: float = 25) -> list[str]:
    return [label for label, _query in relax_links(params=QueryDict(query), radius=radius)]


def test_a_virtual_search_is_never_told_to_search_further():
    found = labels("near=10001&format=virtual&condition=depression")
    assert not any("miles" in label for label in found)
    assert "Include in-person programmes nearby" in found


def test_a_nearby_search_can_go_further_or_virtual_and_keeps_its_place():
    links = dict(relax_links(params=QueryDict("near=10001&radius=25&insurance=aetna"), radius=25))
    assert links["Search within 50 miles"] == "near=10001&radius=50&insurance=aetna"
    assert "format=virtual" in links["Show virtual programmes for your state"]
    assert links["Keep the place, clear the other filters"] == "near=10001&radius=25"


def test_the_longest_distance_is_not_offered_again():
    assert not any("miles" in label for label in labels("near=10001&radius=500", radius=500))


def test_without_a_place_only_clearing_the_filters_is_offered():
    assert labels("condition=depression") == ["Clear the filters"]
    assert labels("") == []
