"""The reviewed code table: every target exists, every code of the 2022 key was reviewed."""

from __future__ import annotations

import pytest

from programs import levels as care_levels
from programs.imports import samhsa
from programs.levels import Level
from programs.models import VOCABULARY_RELATIONS

pytestmark = pytest.mark.django_db

FLAGS = {"telehealth", "sliding_scale"}
FACILITY = dict(
    row=2,
    name1="Front Range Recovery",
    name2="",
    street1="1 Main Street",
    street2="",
    city="Denver",
    state="CO",
    zip_code="80202",
    phone="",
    intake1="",
    codes=(),
)


def test_every_mapped_vocabulary_slug_exists():
    missing = []
    for code, targets in samhsa.CODE_MAP.items():
        for target in targets:
            relation, _, slug = target.partition(":")
            if relation == "age":
                assert slug in samhsa.AGE_GROUPS, code
            elif relation == "level":
                assert slug in care_levels.CODES, f"{code} -> {target}"
            elif relation in VOCABULARY_RELATIONS:
                if not VOCABULARY_RELATIONS[relation].objects.filter(slug=slug).exists():
                    missing.append(f"{code} -> {target}")
            else:
                assert target in FLAGS, f"{code} -> {target}"
    assert missing == []


def test_no_code_is_both_mapped_and_ignored():
    assert set(samhsa.CODE_MAP) & samhsa.REVIEWED_UNMAPPED == set()


def test_every_code_in_the_2022_key_has_been_reviewed(samhsa_2022_file):
    directory = samhsa.read_directory(samhsa_2022_file)
    reviewed = set(samhsa.CODE_MAP) | samhsa.REVIEWED_UNMAPPED
    assert set(directory.code_names) - reviewed == set()


def test_day_treatment_not_outpatient_detox_means_php():
    # The 2022 key: OD is outpatient detoxification, ODT day treatment or partial hospital.
    assert samhsa.CODE_MAP["ODT"] == ("level:php",)
    assert samhsa.CODE_MAP["OD"] == ("level:withdrawal",)


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ("SA * OP OIT", Level.IOP),
        ("SA * OP ODT", Level.PHP),
        ("SA * OP ORT", Level.OUTPATIENT),
        ("SA DT * OD OP", Level.WITHDRAWAL),
        ("SA DT * RES RD RS", Level.RESIDENTIAL | Level.WITHDRAWAL),
        ("SA * RL", Level.RESIDENTIAL),
        ("SA DT * HI HID", Level.INPATIENT | Level.WITHDRAWAL),
        ("SA * HI HIT", Level.INPATIENT),
        ("SA * OP", Level.OUTPATIENT),  # the outpatient setting, nothing more specific
    ],
)
def test_each_service_setting_becomes_a_level_of_care(codes, expected):
    facility = samhsa.Facility(**{**FACILITY, "codes": tuple(codes.replace("*", " ").split())})
    mapped = samhsa.facility_to_record(facility, levels=frozenset(facility.codes))
    assert mapped.record.fields["levels"] == expected


def test_stable_key_ignores_case_and_spacing_but_not_the_address():
    base = FACILITY
    key = samhsa.Facility(**base).key
    assert samhsa.Facility(**{**base, "name1": "FRONT  RANGE recovery", "row": 9}).key == key
    assert samhsa.Facility(**{**base, "phone": "303-555-0100"}).key == key
    assert samhsa.Facility(**{**base, "street1": "2 Main Street"}).key != key
    assert len(key) <= 64
