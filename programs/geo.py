"""Offline geocoding of US ZIP codes and "City, ST" places, and distances in miles.

The ``zipcodes`` package ships the USPS ZIP list with centroids; we index it once
per process so lookups are dictionary reads.
"""

from __future__ import annotations

import gc
import math
import re
from dataclasses import dataclass
from functools import lru_cache

import zipcodes

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LATITUDE = 69.0

# Where a US place can be: (min_lat, max_lat, min_lng, max_lng) boxes covering the 50 states,
# DC and the territories (PR, VI, GU, MP, AS, and the freely associated states USPS serves).
# The second box holds the western Aleutians and the Pacific islands east of the date line.
US_BOUNDS: tuple[tuple[float, float, float, float], ...] = (
    (-15.0, 72.0, -180.0, -64.0),
    (-15.0, 72.0, 130.0, 180.0),
)

_ZIP_RE = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")
_CITY_STATE_RE = re.compile(r"^\s*(?P<city>[^,]+?)\s*,\s*(?P<state>[A-Za-z]{2})\s*$")


@dataclass(frozen=True)
class Place:
    """A geocoded place: a ZIP centroid or the centre of a city's ZIPs."""

    label: str
    latitude: float
    longitude: float
    state: str
    zip_code: str = ""
    city: str = ""


class GeocodingError(ValueError):
    """The text could not be placed; the message says why, for the person who typed it."""


def plausible_coordinates(latitude: float, longitude: float) -> bool:
    """Whether a point can be a US place: inside ``US_BOUNDS`` and not the 0,0 placeholder."""
    if latitude == 0 and longitude == 0:
        return False
    return any(
        min_lat <= latitude <= max_lat and min_lng <= longitude <= max_lng
        for min_lat, max_lat, min_lng, max_lng in US_BOUNDS
    )


def _normalise_city(city: str) -> str:
    city = city.strip().lower().replace(".", "")
    city = re.sub(r"\bsaint\b", "st", city)
    city = re.sub(r"\bfort\b", "ft", city)
    return re.sub(r"\s+", " ", city)


@lru_cache(maxsize=1)
def _indexes() -> tuple[dict[str, Place], dict[tuple[str, str], Place], frozenset[str]]:
    by_zip: dict[str, Place] = {}
    # Real ZIPs without a usable centroid: the package gives 872 of them (mostly military
    # APO/FPO codes) as 0,0, which would put them off the coast of Africa.
    unplaceable: set[str] = set()
    city_points: dict[tuple[str, str], list[tuple[float, float, str]]] = {}
    city_names: dict[tuple[str, str], str] = {}
    for row in zipcodes.list_all():
        lat, lng = float(row.get("lat") or 0), float(row.get("long") or 0)
        if not plausible_coordinates(lat, lng):
            unplaceable.add(row["zip_code"])
            continue
        city, state = row["city"], row["state"]
        by_zip[row["zip_code"]] = Place(
            label=f"{city}, {state} {row['zip_code']}",
            latitude=lat,
            longitude=lng,
            state=state,
            zip_code=row["zip_code"],
            city=city,
        )
        # Only residential ZIPs define where a city is; PO boxes and single-building
        # ZIPs would pull the centre towards the post office.
        if row["zip_code_type"] == "STANDARD":
            key = (_normalise_city(city), state)
            city_points.setdefault(key, []).append((lat, lng, row["zip_code"]))
            city_names.setdefault(key, city)
    by_city: dict[tuple[str, str], Place] = {}
    for key, points in city_points.items():
        lat = sum(p[0] for p in points) / len(points)
        lng = sum(p[1] for p in points) / len(points)
        name = city_names[key]
        by_city[key] = Place(
            label=f"{name}, {key[1]}", latitude=lat, longitude=lng, state=key[1], city=name
        )
    # The ZIP tables (ours and the package's) are about a million objects that never change.
    # Without this, every full garbage collection walks them all: pauses of 100-300 ms in
    # the middle of requests that allocate many model instances.
    gc.freeze()
    return by_zip, by_city, frozenset(unplaceable)


def zip_place(zip_code: str) -> Place | None:
    """The centroid of a five-digit ZIP code, or None when the ZIP is unknown."""
    return _indexes()[0].get(zip_code.strip()[:5])


def unplaceable_zip_codes() -> frozenset[str]:
    """Real ZIP codes the package gives no plausible position for (0,0 or outside the US)."""
    return _indexes()[2]


def city_place(city: str, state: str) -> Place | None:
    """The centre of a city's residential ZIP codes, or None when unknown."""
    return _indexes()[1].get((_normalise_city(city), state.strip().upper()))


def all_zip_places() -> list[Place]:
    """Every ZIP with a centroid (for generating realistic demo data)."""
    return list(_indexes()[0].values())


def geocode(text: str) -> Place:
    """Place a ZIP code ("10001") or a "City, ST" ("Austin, TX"); raise GeocodingError."""
    from django.utils.translation import gettext as _

    text = (text or "").strip()
    if not text:
        raise GeocodingError(_("Enter a ZIP code or a city and state, like 10001 or Austin, TX."))
    if match := _ZIP_RE.match(text):
        place = zip_place(match.group(1))
        if place is None and match.group(1) in unplaceable_zip_codes():
            raise GeocodingError(
                _(
                    "We can't place the ZIP code %(zip)s on a map (it may be a PO box or a "
                    "military or overseas address). Enter the ZIP code or the city and state "
                    "where you would attend, like 10001 or Austin, TX."
                )
                % {"zip": match.group(1)}
            )
        if place is None:
            raise GeocodingError(
                _(
                    "We couldn't find the ZIP code %(zip)s. Check the number, or try a city and state."
                )
                % {"zip": match.group(1)}
            )
        return place
    if match := _CITY_STATE_RE.match(text):
        place = city_place(match.group("city"), match.group("state"))
        if place is None:
            raise GeocodingError(
                _("We couldn't find %(place)s. Check the spelling, or try a ZIP code.")
                % {"place": text}
            )
        return place
    raise GeocodingError(
        _("Enter a five-digit ZIP code or a city and two-letter state, like 10001 or Austin, TX.")
    )


def distance_miles(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance in miles."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lng: float, miles: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lng, max_lng) enclosing a circle; used to hit the index first."""
    dlat = miles / MILES_PER_DEGREE_LATITUDE
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    dlng = miles / (MILES_PER_DEGREE_LATITUDE * cos_lat)
    return lat - dlat, lat + dlat, max(lng - dlng, -180.0), min(lng + dlng, 180.0)
