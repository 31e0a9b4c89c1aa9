import pytest
from django.http import QueryDict

from programs.selectors import program_filterset
from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory

pytestmark = pytest.mark.django_db


def test_directory_filters_combine_near_condition_insurance_and_time(manhattan_program):
    far = ProgramFactory(name="Austin IOP", conditions=["depression"], insurance=["aetna"])
    LocationFactory(
        program=far,
        city="Austin",
        state="TX",
        zip_code="78701",
        latitude=30.2672,
        longitude=-97.7431,
    )
    WeeklySessionFactory(program=far)
    fs = program_filterset(
        params=QueryDict(
            "near=10001&radius=25&condition=depression&insurance=aetna&time=evening&q=midtown"
        )
    )
    assert fs.is_valid(), fs.errors
    results = list(fs.qs)
    assert [p.name for p in results] == ["Midtown Evening IOP"]
    assert results[0].distance_miles < 1


def test_unknown_zip_is_a_clear_error(db):
    fs = program_filterset(params=QueryDict("near=00000"))
    assert not fs.is_valid()
    assert "00000" in fs.errors["near"][0]
