"""Offline geocoding and distances."""

import pytest

from programs.geo import GeocodingError, bounding_box, distance_miles, geocode


@pytest.mark.parametrize(
    ("text", "state", "lat"),
    [("10001", "NY", 40.7484), ("10001-1234", "NY", 40.7484), (" 78701 ", "TX", 30.27)],
)
def test_zip_codes_are_placed_at_their_centroid(text, state, lat):
    place = geocode(text)
    assert place.state == state
    assert place.latitude == pytest.approx(lat, abs=0.01)


@pytest.mark.parametrize("text", ["Austin, TX", "austin,tx", "  AUSTIN ,  tx "])
def test_city_and_state_are_placed_whatever_the_spelling(text):
    place = geocode(text)
    assert place.state == "TX"
    assert place.latitude == pytest.approx(30.3, abs=0.2)


def test_saint_and_st_are_the_same_city():
    assert geocode("St. Louis, MO") == geocode("Saint Louis, MO")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("00000", "couldn't find the ZIP code 00000"),
        ("Atlantis, ZZ", "couldn't find Atlantis, ZZ"),
        ("hello", "five-digit ZIP code"),
        ("", "Enter a ZIP code"),
    ],
)
def test_unknown_places_raise_a_clear_error(text, message):
    with pytest.raises(GeocodingError, match=message):
        geocode(text)


def test_distance_new_york_to_los_angeles_is_about_2445_miles():
    assert distance_miles(40.7128, -74.0060, 34.0522, -118.2437) == pytest.approx(2445, rel=0.01)


def test_bounding_box_contains_the_whole_circle():
    lat, lng, miles = 40.75, -73.99, 25
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, miles)
    for point in [(max_lat, lng), (min_lat, lng), (lat, max_lng), (lat, min_lng)]:
        assert distance_miles(lat, lng, *point) >= miles * 0.99
