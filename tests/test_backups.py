"""The curated catalogue survives a dumpdata / loaddata round trip (the README's backup recipe)."""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from programs.models import Program
from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory

pytestmark = pytest.mark.django_db


def catalogue() -> dict[str, list[dict]]:
    return {
        model._meta.label: sorted(
            model.objects.values(), key=lambda row: str(row[model._meta.pk.attname])
        )
        for model in apps.get_app_config("programs").get_models()
    }


def test_a_dump_of_the_catalogue_loads_into_an_empty_database_unchanged(tmp_path, settings):
    program = ProgramFactory(
        name="Dumped Evening IOP", conditions=["depression"], insurance=["aetna"]
    )
    LocationFactory(program=program)
    WeeklySessionFactory(program=program, weekday=1)
    ProgramFactory(name="Second IOP", status="draft")
    before = catalogue()
    # XML keeps timestamps to the microsecond (JSON would round them to milliseconds).
    dump = tmp_path / "catalogue.xml"
    call_command(
        "dumpdata",
        "programs",
        format="xml",
        natural_foreign=True,
        natural_primary=True,
        output=str(dump),
    )

    # An empty database, as on a new server (delete() would write history rows). PostgreSQL
    # truncates only once the test transaction's deferred constraint checks have run.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert not Program.objects.exists()

    settings.SIMPLE_HISTORY_ENABLED = False  # IOPFINDER_RECORD_HISTORY=false, as the README says
    call_command("loaddata", str(dump), verbosity=0)
    assert catalogue() == before
    assert Program.objects.get(name="Dumped Evening IOP").locations.count() == 1
