"""python manage.py export_programs [PATH.csv] [--status published]: our CSV format."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from programs.imports.services import programs_export_csv
from programs.models import Program


class Command(BaseCommand):
    help = (
        "Export programmes, with their locations and weekly sessions, as CSV in IOPfinder's "
        "format (docs/csv-format.md). Writes to standard output without a path."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", nargs="?", type=Path, help="Where to write (default: stdout).")
        parser.add_argument(
            "--status",
            action="append",
            choices=Program.Status.values,
            help="Only programmes with this status (repeatable; default: all).",
        )
        parser.add_argument(
            "--source",
            action="append",
            choices=Program.Source.values,
            help="Only programmes from this source (repeatable; default: all).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        queryset = Program.objects.all()
        if options["status"]:
            queryset = queryset.filter(status__in=options["status"])
        if options["source"]:
            queryset = queryset.filter(source__in=options["source"])
        path: Path | None = options["path"]
        if path is None:
            rows = programs_export_csv(queryset=queryset, stream=sys.stdout)
            self.stderr.write(f"Exported {rows} programmes.")
            return
        if not path.parent.is_dir():
            raise CommandError(f"No such folder: {path.parent}")
        with path.open("w", encoding="utf-8", newline="") as stream:
            rows = programs_export_csv(queryset=queryset, stream=stream)
        self.stdout.write(f"Exported {rows} programmes to {path}.")
