"""The public-id migrations give every existing programme and site an id of its own."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def _programs_migrations(executor: MigrationExecutor) -> list[str]:
    return sorted(name for app, name in executor.loader.disk_migrations if app == "programs")


@pytest.mark.django_db(transaction=True)
def test_existing_programmes_and_sites_each_get_their_own_unique_public_id():
    executor = MigrationExecutor(connection)
    names = _programs_migrations(executor)
    added = next(name for name in names if name.endswith("_public_ids"))
    unique = next(name for name in names if name.endswith("_public_ids_unique"))
    before = names[names.index(added) - 1]
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("programs", before)])
        old = executor.loader.project_state([("programs", before)]).apps
        program_model = old.get_model("programs", "Program")
        location_model = old.get_model("programs", "Location")
        for number in range(3):
            program = program_model.objects.create(name=f"Old IOP {number}", slug=f"old-{number}")
            location_model.objects.create(
                program=program, city="Austin", state="TX", zip_code="78701"
            )
        executor = MigrationExecutor(connection)
        executor.migrate([("programs", unique)])
        new = executor.loader.project_state([("programs", unique)]).apps
        for model_name in ("Program", "Location"):
            ids = list(new.get_model("programs", model_name).objects.values_list("uuid", flat=True))
            assert len(ids) == 3 and None not in ids
            assert len(set(ids)) == 3
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
