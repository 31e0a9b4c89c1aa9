"""Offline geocoding and distances."""

import pytest
from django import forms

from programs.filters import PlaceField
from programs.geo import (
    GeocodingError,
    all_zip_places,
    bounding_box,
    distance_miles,
    geocode,
    plausible_coordinates,
    unplaceable_zip_codes,
    zip_place,
)


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


@pytest.mark.parametrize("zip_code", ["09001", "96201", "34002", "90085"])
def test_zip_codes_at_0_0_are_not_placed_and_the_seeker_is_told_why(zip_code):
    assert zip_place(zip_code) is None
    with pytest.raises(GeocodingError, match=f"can't place the ZIP code {zip_code} on a map"):
        geocode(zip_code)


def test_the_shared_location_field_shows_the_unplaced_zip_message():
    with pytest.raises(forms.ValidationError) as raised:
        PlaceField().clean("09001")
    assert "can't place the ZIP code 09001" in raised.value.messages[0]
    assert "Austin, TX" in raised.value.messages[0]


def test_every_placed_zip_is_a_plausible_us_place():
    places = all_zip_places()
    assert len(places) > 41_000
    assert all(plausible_coordinates(p.latitude, p.longitude) for p in places)
    assert len(unplaceable_zip_codes()) >= 872
    assert not {p.zip_code for p in places} & unplaceable_zip_codes()


@pytest.mark.parametrize(
    ("latitude", "longitude", "plausible"),
    [
        (40.75, -73.99, True),  # New York
        (21.3, -157.85, True),  # Honolulu
        (71.29, -156.79, True),  # Utqiagvik, AK
        (52.83, 173.18, True),  # Attu, AK: west of the date line
        (13.47, 144.75, True),  # Guam
        (-14.27, -170.70, True),  # American Samoa
        (18.40, -66.06, True),  # San Juan, PR
        (0.0, 0.0, False),  # the package's placeholder
        (51.5, -0.12, False),  # London
        (-33.9, 151.2, False),  # Sydney
        (40.75, 73.99, False),  # a sign lost: Kyrgyzstan
    ],
)
def test_plausible_coordinates_cover_the_states_and_territories_only(
    latitude, longitude, plausible
):
    assert plausible_coordinates(latitude, longitude) is plausible


def test_distance_new_york_to_los_angeles_is_about_2445_miles():
    assert distance_miles(40.7128, -74.0060, 34.0522, -118.2437) == pytest.approx(2445, rel=0.01)


def test_bounding_box_contains_the_whole_circle():
    lat, lng, miles = 40.75, -73.99, 25
    min_lat, max_lat, min_lng, max_lng = bounding_box(lat, lng, miles)
    for point in [(max_lat, lng), (min_lat, lng), (lat, max_lng), (lat, min_lng)]:
        assert distance_miles(lat, lng, *point) >= miles * 0.99
