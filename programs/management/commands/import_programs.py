"""python manage.py import_programs PATH.csv [--dry-run]: programmes in our CSV format."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from programs.imports.csv_format import CsvFormatError
from programs.imports.services import programs_import_csv
from programs.management.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Import programmes from a CSV file in IOPfinder's format (docs/csv-format.md). "
        "Rows are matched by slug: new slugs are created, known ones updated. Nothing is "
        "written unless every row is valid."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="The CSV file (UTF-8).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            # utf-8-sig: spreadsheets often start their CSV files with a byte-order mark.
            with path.open(encoding="utf-8-sig", newline="") as stream:
                summary = programs_import_csv(
                    stream=stream,
                    file_name=path.name,
                    dry_run=options["dry_run"],
                    progress=progress_bar,
                )
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{path.name} is not UTF-8 text (byte {error.start}); save it as CSV UTF-8."
            ) from error
        except CsvFormatError as error:
            for message in error.errors:
                self.stderr.write(message)
            raise CommandError(str(error)) from error
        for line in summary.lines():
            self.stdout.write(line)
