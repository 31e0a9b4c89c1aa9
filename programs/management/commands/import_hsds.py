"""python manage.py import_hsds IN: read an HSDS export back (idempotent by service id)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from programs.hsds.mapping import HsdsFormatError
from programs.hsds.services import hsds_import


class Command(BaseCommand):
    help = (
        "Import the services of an HSDS export folder (IN/services/*.json). A service already "
        "here (same id) is updated; a bad file stops the import with nothing written."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="The export folder.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = hsds_import(in_dir=options["path"])
        except HsdsFormatError as error:
            raise CommandError(str(error).splitlines()[0] if str(error) else repr(error)) from None
        self.stdout.write(f"Imported: {result.created} created, {result.updated} updated.")
