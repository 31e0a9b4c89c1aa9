"""Deterministic, realistic, clearly labelled demo programmes.

Pure generation: ``generate_demo_programs`` returns unsaved model instances and the
vocabulary links; ``programs.services.demo_programs_seed`` writes them in bulk.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.text import slugify

from programs.geo import Place, all_zip_places
from programs.levels import Level
from programs.models import Location, Program, WeeklySession

DEMO_DESCRIPTION_PREFIX = "Demo listing: not a real programme."

# The most populous metros get the most programmes, as in the real directory.
METROS: list[tuple[str, str, int]] = [
    ("New York", "NY", 30),
    ("Los Angeles", "CA", 24),
    ("Chicago", "IL", 18),
    ("Houston", "TX", 14),
    ("Phoenix", "AZ", 11),
    ("Philadelphia", "PA", 11),
    ("San Antonio", "TX", 8),
    ("San Diego", "CA", 9),
    ("Dallas", "TX", 10),
    ("Austin", "TX", 7),
    ("Jacksonville", "FL", 6),
    ("Columbus", "OH", 6),
    ("Charlotte", "NC", 6),
    ("Indianapolis", "IN", 6),
    ("San Francisco", "CA", 7),
    ("Seattle", "WA", 8),
    ("Denver", "CO", 8),
    ("Washington", "DC", 7),
    ("Boston", "MA", 9),
    ("Nashville", "TN", 6),
    ("Detroit", "MI", 7),
    ("Portland", "OR", 6),
    ("Las Vegas", "NV", 5),
    ("Baltimore", "MD", 6),
    ("Milwaukee", "WI", 4),
    ("Albuquerque", "NM", 4),
    ("Atlanta", "GA", 9),
    ("Miami", "FL", 8),
    ("Minneapolis", "MN", 6),
    ("Kansas City", "MO", 4),
    ("Cleveland", "OH", 4),
    ("Pittsburgh", "PA", 5),
    ("Saint Louis", "MO", 5),
    ("Salt Lake City", "UT", 4),
    ("Raleigh", "NC", 4),
    ("Tampa", "FL", 5),
    ("Orlando", "FL", 5),
    ("New Orleans", "LA", 4),
    ("Sacramento", "CA", 4),
    ("Omaha", "NE", 3),
    ("Louisville", "KY", 3),
    ("Richmond", "VA", 3),
    ("Providence", "RI", 3),
    ("Hartford", "CT", 3),
    ("Buffalo", "NY", 3),
    ("Birmingham", "AL", 3),
    ("Boise", "ID", 2),
    ("Anchorage", "AK", 2),
    ("Honolulu", "HI", 2),
    ("Burlington", "VT", 2),
    ("Portland", "ME", 2),
    ("Des Moines", "IA", 2),
    ("Little Rock", "AR", 2),
    ("Jackson", "MS", 2),
    ("Billings", "MT", 1),
    ("Cheyenne", "WY", 1),
    ("Fargo", "ND", 1),
    ("Sioux Falls", "SD", 2),
    ("Charleston", "WV", 2),
    ("Wilmington", "DE", 2),
    ("Manchester", "NH", 2),
    ("Oklahoma City", "OK", 3),
    ("Tucson", "AZ", 3),
    ("Spokane", "WA", 2),
    ("Madison", "WI", 2),
    ("Columbia", "SC", 2),
    ("Lexington", "KY", 2),
    ("Wichita", "KS", 2),
    ("San Juan", "PR", 2),
]

NAME_STEMS = [
    "Harbor",
    "Cedar",
    "Willow",
    "Summit",
    "Riverbend",
    "Lighthouse",
    "Northstar",
    "Evergreen",
    "Bridgeway",
    "Clearwater",
    "Meadow",
    "Pathways",
    "Beacon",
    "Horizon",
    "Oakridge",
    "Stillwater",
    "Brightside",
    "Compass",
    "Haven",
    "Juniper",
    "Lakeside",
    "Maple",
    "New Leaf",
    "Open Door",
    "Pinecrest",
    "Redwood",
    "Sage",
    "Silver Lining",
    "Springhill",
    "Tidewater",
    "True North",
    "Valley",
    "Wellspring",
    "Aspen",
    "Birchwood",
    "Cornerstone",
    "Driftwood",
    "Fairview",
]
NAME_KINDS = [
    "Intensive Outpatient Program",
    "IOP",
    "Behavioral Health IOP",
    "Recovery IOP",
    "Mental Health IOP",
    "Evening IOP",
    "Adolescent IOP",
    "Dual Diagnosis IOP",
    "Wellness Center IOP",
    "Counseling IOP",
]
ORG_KINDS = [
    "Behavioral Health",
    "Health System",
    "Counseling Center",
    "Recovery Services",
    "Psychiatric Associates",
    "Community Mental Health Center",
    "Wellness Group",
]

MENTAL_HEALTH = [
    "depression",
    "anxiety",
    "ocd",
    "ptsd-trauma",
    "bipolar",
    "eating-disorders",
    "personality-disorders",
    "self-harm",
    "psychosis",
    "adhd",
    "grief",
    "stress-burnout",
]
SUBSTANCE = ["alcohol-use", "opioid-use", "substance-use"]
THERAPIES = [
    "cbt",
    "dbt",
    "emdr",
    "motivational-interviewing",
    "act",
    "erp",
    "psychodynamic",
    "somatic",
    "mindfulness",
    "trauma-focused-cbt",
    "contingency-management",
    "twelve-step",
]
CORE_SERVICES = ["group-therapy", "individual-therapy", "psychoeducation"]
OTHER_SERVICES = [
    "family-therapy",
    "medication-management",
    "psychiatric-evaluation",
    "case-management",
    "relapse-prevention",
    "vocational-support",
    "aftercare-planning",
    "peer-support",
    "crisis-planning",
]
SUD_SERVICES = ["drug-testing", "moud", "relapse-prevention"]
CARRIERS = [
    "aetna",
    "anthem",
    "blue-cross-blue-shield",
    "cigna",
    "humana",
    "kaiser-permanente",
    "unitedhealthcare",
    "magellan",
    "carelon",
]
OTHER_LANGUAGES = ["zh", "vi", "ko", "tl", "ar", "ru", "fr", "ht", "pt", "pl", "hi", "asl"]
ACCREDITATIONS = ["joint-commission", "carf", "ncqa", "coa", "achc"]

# (start, end) times of typical tracks.
TRACKS = {
    "morning": [
        (datetime.time(9, 0), datetime.time(12, 0)),
        (datetime.time(8, 30), datetime.time(11, 30)),
        (datetime.time(9, 30), datetime.time(13, 0)),
    ],
    "afternoon": [
        (datetime.time(13, 0), datetime.time(16, 0)),
        (datetime.time(12, 30), datetime.time(15, 30)),
    ],
    "evening": [
        (datetime.time(18, 0), datetime.time(21, 0)),
        (datetime.time(17, 30), datetime.time(20, 30)),
        (datetime.time(17, 0), datetime.time(20, 0)),
    ],
}
DAY_PATTERNS = {
    3: [[0, 2, 4], [1, 3, 5], [0, 1, 3]],
    4: [[0, 1, 2, 3], [0, 1, 3, 4]],
    5: [[0, 1, 2, 3, 4]],
}

STREETS = [
    "Main St",
    "Oak Ave",
    "Maple St",
    "Park Ave",
    "Washington Blvd",
    "Lake St",
    "Hillside Dr",
    "Elm St",
    "Center St",
    "Pine St",
    "Cedar Ln",
    "Market St",
]


@dataclass
class DemoProgram:
    """One generated programme with its children and vocabulary slugs, unsaved."""

    program: Program
    locations: list[Location]
    sessions: list[WeeklySession]
    terms: dict[str, list[str]] = field(default_factory=dict)
    licensed_states: list[str] = field(default_factory=list)


def _metro_places() -> list[tuple[list[Place], int]]:
    by_city: dict[tuple[str, str], list[Place]] = {}
    for place in all_zip_places():
        by_city.setdefault((place.city.lower(), place.state), []).append(place)
    metros = []
    for city, state, weight in METROS:
        places = sorted(by_city.get((city.lower(), state), []), key=lambda p: p.zip_code)
        if places:
            metros.append((places, weight))
    return metros


def demo_levels(kind: float, extra: float) -> int:
    """A realistic mix from two draws: mostly IOPs (some also PHP or outpatient), then
    day programmes, residential and hospital care (often with detox), detox on its own and
    outpatient clinics."""
    if kind < 0.72:
        extras = (
            (0.2, Level.PHP | Level.OUTPATIENT),
            (0.3, Level.PHP),
            (0.75, Level.OUTPATIENT),
            (1.0, Level(0)),
        )
        return int(Level.IOP | next(bits for upper, bits in extras if extra < upper))
    if kind < 0.78:
        return int(Level.PHP)
    if kind < 0.84:
        return int(Level.RESIDENTIAL | (Level.WITHDRAWAL if extra < 0.5 else Level(0)))
    if kind < 0.88:
        return int(Level.INPATIENT | (Level.WITHDRAWAL if extra < 0.6 else Level(0)))
    if kind < 0.92:
        return int(Level.WITHDRAWAL)
    return int(Level.OUTPATIENT)


def demo_accepting(draw: float) -> bool | None:
    """Most say they take new patients, some do not say, a few have a waitlist."""
    if draw < 0.65:
        return True
    return None if draw < 0.8 else False


def generate_demo_programs(count: int, seed: int, today: datetime.date) -> Iterator[DemoProgram]:
    """Yield ``count`` programmes; the same seed always gives the same programmes."""
    rng = random.Random(seed)
    metros = _metro_places()
    weights = [w for _, w in metros]
    used_slugs: set[str] = set()
    for index in range(count):
        places, _weight = rng.choices(metros, weights=weights)[0]
        home = rng.choice(places)
        stem = rng.choice(NAME_STEMS)
        kind = rng.choice(NAME_KINDS)
        name = f"{stem} {kind} – {home.city}"
        slug = slugify(f"demo {stem} {kind} {home.city} {home.state}")[:200]
        if slug in used_slugs:
            slug = f"{slug}-{index + 1}"
        used_slugs.add(slug)

        adolescent = "Adolescent" in kind or rng.random() < 0.08
        dual = "Dual" in kind or "Recovery" in kind or rng.random() < 0.3
        delivery = rng.choices(
            [Program.Delivery.IN_PERSON, Program.Delivery.VIRTUAL, Program.Delivery.HYBRID],
            weights=[60, 15, 25],
        )[0]

        conditions = rng.sample(MENTAL_HEALTH[:4], rng.randint(1, 3))
        conditions += rng.sample(MENTAL_HEALTH[4:], rng.randint(0, 3))
        if dual:
            conditions += rng.sample(SUBSTANCE, rng.randint(1, 3)) + ["co-occurring"]
        elif "Recovery" in kind:
            conditions = rng.sample(SUBSTANCE, rng.randint(1, 3))

        therapies = rng.sample(THERAPIES[:4], rng.randint(1, 3)) + rng.sample(
            THERAPIES[4:], rng.randint(0, 3)
        )
        services = CORE_SERVICES[: rng.randint(1, 3)] + rng.sample(
            OTHER_SERVICES, rng.randint(1, 5)
        )
        if dual:
            services += rng.sample(SUD_SERVICES, rng.randint(1, 3))
        insurance = rng.sample(CARRIERS, rng.randint(1, 6))
        for public, chance in (
            ("medicaid", 0.55),
            ("medicare", 0.4),
            ("tricare", 0.25),
            ("va-community-care", 0.1),
            ("state-funded", 0.15),
        ):
            if rng.random() < chance:
                insurance.append(public)
        if rng.random() < 0.85:
            insurance.append("self-pay")

        if adolescent:
            min_age, max_age = 13, 17
            populations = ["adolescents"]
        else:
            min_age, max_age = rng.choices(
                [(18, None), (18, 26), (55, None), (18, 64)], weights=[75, 12, 6, 7]
            )[0]
            populations = ["adults"] if max_age != 26 else ["young-adults"]
            if min_age >= 55:
                populations = ["older-adults"]
            populations += rng.sample(
                [
                    "lgbtq",
                    "veterans",
                    "women",
                    "men",
                    "professionals",
                    "first-responders",
                    "pregnant-postpartum",
                    "justice-involved",
                    "active-military",
                ],
                rng.randint(0, 2),
            )
        languages = ["en"]
        if rng.random() < 0.45 or home.state in ("PR", "TX", "CA", "FL", "NM", "AZ"):
            languages.append("es")
        if rng.random() < 0.15:
            languages += rng.sample(OTHER_LANGUAGES, rng.randint(1, 2))
        if home.state == "PR":
            languages = ["es", "en"]
        accreditations = rng.sample(ACCREDITATIONS, rng.choices([0, 1, 2], weights=[30, 55, 15])[0])
        accreditations.append("state-licensed")

        days = rng.choices([3, 4, 5], weights=[55, 25, 20])[0]
        track = rng.choices(["morning", "afternoon", "evening"], weights=[40, 20, 40])[0]
        start, end = rng.choice(TRACKS[track])
        pattern = list(rng.choice(DAY_PATTERNS[days]))
        sessions = [
            WeeklySession(
                weekday=day, start_time=start, end_time=end, label=f"{track.title()} group"
            )
            for day in pattern
        ]
        if rng.random() < 0.15:
            sessions.append(
                WeeklySession(
                    weekday=5,
                    start_time=datetime.time(10, 0),
                    end_time=datetime.time(13, 0),
                    label="Weekend group",
                )
            )
        if rng.random() < 0.2 and track != "evening":
            e_start, e_end = rng.choice(TRACKS["evening"])
            sessions += [
                WeeklySession(
                    weekday=day, start_time=e_start, end_time=e_end, label="Evening track"
                )
                for day in pattern
            ]
        hours_per_day = Decimal(
            str(
                round(
                    (
                        datetime.datetime.combine(today, end)
                        - datetime.datetime.combine(today, start)
                    ).seconds
                    / 3600,
                    1,
                )
            )
        )
        length_min = rng.choice([6, 8, 8, 10])
        length_max = length_min + rng.choice([0, 2, 4, 4])

        verified = None
        if rng.random() < 0.85:
            verified = today - datetime.timedelta(days=rng.randint(0, 540))
        status = rng.choices(
            [Program.Status.PUBLISHED, Program.Status.DRAFT, Program.Status.ARCHIVED],
            weights=[94, 4, 2],
        )[0]
        phone_tail = 100 + (index % 100)
        org = f"{stem} {rng.choice(ORG_KINDS)}"
        program = Program(
            name=name,
            slug=slug,
            organization=org,
            description=(
                f"{DEMO_DESCRIPTION_PREFIX} {days} days a week, {track}s, in {home.city}. "
                f"Group and individual therapy with a focus on "
                f"{', '.join(c.replace('-', ' ') for c in conditions[:3])}."
            ),
            levels=demo_levels(rng.random(), rng.random()),
            status=status,
            accepting_new_patients=demo_accepting(rng.random()),
            typical_wait_days=rng.choice([None, 0, 2, 5, 7, 14, 21]),
            phone=f"({rng.randint(201, 989)}) 555-0{phone_tail:03d}",
            intake_phone=f"({rng.randint(201, 989)}) 555-0{(phone_tail + 1) % 200 + 100:03d}",
            website=f"https://{slugify(stem)}.example.org/iop",
            email=f"intake@{slugify(stem)}.example.org",
            intake_notes="Call the intake line for a free assessment; no referral needed.",
            days_per_week=days,
            hours_per_day=hours_per_day,
            hours_per_week=hours_per_day * days,
            length_weeks_min=length_min,
            length_weeks_max=length_max,
            delivery=delivery,
            min_age=min_age,
            max_age=max_age,
            self_pay_cost_usd=rng.randrange(5000, 10001, 250),
            sliding_scale=rng.random() < 0.35,
            payment_plans=rng.random() < 0.5,
            source=Program.Source.DEMO,
            source_id=f"demo-{seed}-{index}",
            last_verified_on=verified,
        )
        site_count = (
            0
            if delivery == Program.Delivery.VIRTUAL and rng.random() < 0.5
            else rng.choices([1, 2, 3], weights=[75, 20, 5])[0]
        )
        locations = []
        for site in range(site_count):
            place = home if site == 0 else rng.choice(places)
            locations.append(
                Location(
                    name=f"{stem} {place.city} site" if site else "",
                    address_line1=f"{rng.randint(10, 9999)} {rng.choice(STREETS)}",
                    city=place.city,
                    state=place.state,
                    zip_code=place.zip_code,
                    latitude=place.latitude,
                    longitude=place.longitude,
                )
            )
        licensed: list[str] = []
        if delivery != Program.Delivery.IN_PERSON:
            licensed = [home.state] + rng.sample(
                ["NY", "NJ", "CT", "PA", "CA", "TX", "FL", "IL", "MA", "WA", "CO", "GA"],
                rng.randint(0, 5),
            )
        yield DemoProgram(
            program=program,
            locations=locations,
            sessions=sessions,
            terms={
                "conditions": sorted(set(conditions)),
                "modalities": sorted(set(therapies + services)),
                "insurance": sorted(set(insurance)),
                "populations": sorted(set(populations)),
                "languages": sorted(set(languages)),
                "accreditations": sorted(set(accreditations)),
            },
            licensed_states=sorted(set(licensed)),
        )
