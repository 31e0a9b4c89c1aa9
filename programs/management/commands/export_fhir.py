"""python manage.py export_fhir OUT.ndjson: FHIR R4 bulk data, one resource a line."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from programs.fhir.services import fhir_export_ndjson


class Command(BaseCommand):
    help = (
        "Export published programmes as FHIR R4 NDJSON: each HealthcareService, its Locations "
        "and its Organization, one resource a line."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="The .ndjson file to write.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.parent.is_dir():
            raise CommandError(f"No such folder: {path.parent}")
        with path.open("w", encoding="utf-8") as stream:
            count = fhir_export_ndjson(stream=stream)
        self.stdout.write(f"Exported {count} resources to {path}.")
