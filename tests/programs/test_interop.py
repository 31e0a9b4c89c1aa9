"""What the HSDS and FHIR mappings share: ids, organisations, levels of care, wording."""

from __future__ import annotations

import datetime
import uuid

import pytest

from programs.fhir.mapping import available_times, healthcare_service
from programs.hsds.mapping import program_from_service, service_dict
from programs.interop import (
    NAMESPACE,
    derived_uuid,
    eligibility_description,
    interop_attach,
    organization_key,
    organization_name,
    organization_uuid,
    program_levels_of_care,
    related,
)
from programs.levels import Level
from programs.models import VOCABULARY_RELATIONS, Program
from tests.factories import ProgramFactory, WeeklySessionFactory

pytestmark = pytest.mark.django_db


def test_derived_ids_are_the_same_every_time_and_differ_by_part():
    assert derived_uuid("taxonomy", "conditions") == str(
        uuid.uuid5(NAMESPACE, "taxonomy:conditions")
    )
    assert derived_uuid("a", 1) == derived_uuid("a", 1)
    assert derived_uuid("a", 1) != derived_uuid("a", 2)


def test_an_organisation_is_its_normalised_provider_name_or_the_programme_itself():
    assert organization_key("  Harbor   LIGHT ") == "harbor light"
    assert organization_uuid("Harbor Light") == organization_uuid("harbor  light")
    assert organization_name(Program(name="Solo IOP", organization="")) == "Solo IOP"
    assert organization_name(Program(name="Solo IOP", organization="Acme ")) == "Acme"


def test_levels_of_care_are_iop_plus_whatever_else_the_provider_offers():
    only_iop = Program(levels=Level.IOP)
    assert [level.code for level in program_levels_of_care(only_iop)] == ["iop"]
    several = Program(levels=Level.IOP | Level.PHP | Level.OUTPATIENT | Level.WITHDRAWAL)
    assert [level.code for level in program_levels_of_care(several)] == [
        "outpatient",
        "iop",
        "php",
        "withdrawal",
    ]
    assert [level.name for level in program_levels_of_care(several)][:2] == [
        "Outpatient (ASAM 1)",
        "Intensive outpatient (IOP) (ASAM 2.1)",
    ]


def test_eligibility_says_the_ages_and_who_is_served():
    program = ProgramFactory(min_age=13, max_age=17, populations=["veterans"])
    assert eligibility_description(program) == "Ages 13 to 17. Serves: Veterans."


def test_sessions_at_the_same_times_share_one_fhir_available_time_earliest_first():
    program = ProgramFactory()
    for weekday in (0, 2):
        WeeklySessionFactory(program=program, weekday=weekday)
    WeeklySessionFactory(
        program=program, weekday=5, start_time=datetime.time(9), end_time=datetime.time(12)
    )
    assert available_times(program) == [
        {"daysOfWeek": ["sat"], "availableStartTime": "09:00:00", "availableEndTime": "12:00:00"},
        {
            "daysOfWeek": ["mon", "wed"],
            "availableStartTime": "18:00:00",
            "availableEndTime": "21:00:00",
        },
    ]


def test_a_hybrid_programme_is_delivered_physically_and_virtually_in_fhir():
    program = ProgramFactory(delivery=Program.Delivery.HYBRID, accepting_new_patients=False)
    resource = healthcare_service(program)
    codes = [
        extension["extension"][0]["valueCodeableConcept"]["coding"][0]["code"]
        for extension in resource["extension"]
    ]
    assert codes == ["nopt", "physical", "virtual"]


def test_a_service_reads_back_into_the_same_programme_values():
    program = ProgramFactory(
        levels=Level.IOP | Level.OUTPATIENT,
        typical_wait_days=10,
        hours_per_day="3.5",
        conditions=["depression"],
        languages=["es"],
    )
    WeeklySessionFactory(program=program, weekday=3, label="Evening track")
    imported = program_from_service(service_dict(program))
    assert imported.uuid == str(program.uuid)
    assert imported.fields["levels"] == Level.IOP | Level.OUTPATIENT
    assert imported.fields["typical_wait_days"] == 10
    assert str(imported.fields["hours_per_day"]) == "3.5"
    assert imported.terms["conditions"] == {"depression"}
    assert imported.terms["languages"] == {"es"}
    assert imported.sessions == [
        {
            "weekday": 3,
            "start_time": datetime.time(18),
            "end_time": datetime.time(21),
            "label": "Evening track",
        }
    ]


def test_what_interop_attach_loads_is_what_each_programme_lists_in_the_same_order(
    django_assert_max_num_queries,
):
    # The APIs and exports read a page's relations from interop_attach, not one query each:
    # a service must publish the same sites, sessions, states and terms in the same order.
    programs = [
        ProgramFactory(
            conditions=["ptsd-trauma", "depression", "anxiety"],
            insurance=["aetna", "medicaid"],
            languages=["es", "en"],
            licensed_states=["NY", "CA", "TX"],
            delivery=Program.Delivery.VIRTUAL,
        ),
        ProgramFactory(conditions=["anxiety"]),
        ProgramFactory(),
    ]
    WeeklySessionFactory(program=programs[0], weekday=2)
    WeeklySessionFactory(program=programs[0], weekday=0)
    loaded = list(Program.objects.filter(pk__in=[p.pk for p in programs]).order_by("pk"))
    with django_assert_max_num_queries(2 + 2 * 7):
        interop_attach(loaded)
    for program in loaded:
        fresh = Program.objects.get(pk=program.pk)
        for relation in ("locations", "sessions", "licensed_states", *VOCABULARY_RELATIONS):
            expected = list(getattr(fresh, relation).all())
            got = related(program, relation)
            assert [item.pk for item in got] == [item.pk for item in expected], relation
        assert service_dict(program) == service_dict(fresh)
        assert healthcare_service(program) == healthcare_service(fresh)
