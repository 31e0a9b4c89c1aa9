"""python manage.py export_hsds OUT: the published catalogue as Open Referral HSDS 3.0."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from programs.hsds.services import hsds_export


class Command(BaseCommand):
    help = (
        "Export published programmes as HSDS 3.0: OUT/services/<id>.json (one service each) "
        "and a tabular package (OUT/datapackage.json with one CSV per table)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("out", type=Path, help="The folder to write (created if missing).")

    def handle(self, *args: Any, **options: Any) -> None:
        count = hsds_export(out_dir=options["out"])
        self.stdout.write(f"Exported {count} services to {options['out']}.")
