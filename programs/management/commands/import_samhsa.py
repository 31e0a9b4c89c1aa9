"""python manage.py import_samhsa PATH.xlsx [--dry-run] [--levels OIT,ODT]: the SAMHSA directory."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from programs.imports import samhsa
from programs.imports.services import samhsa_import
from programs.management.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Import SAMHSA's National Directory of treatment facilities (xlsx). Facilities "
        "offering intensive outpatient care (OIT) become published programmes; running the "
        "same file again changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="The directory workbook (.xlsx).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )
        parser.add_argument(
            "--levels",
            default=samhsa.IOP_CODE,
            help=(
                "Comma-separated setting codes a facility must list to be imported "
                f"(default {samhsa.IOP_CODE}, intensive outpatient; e.g. OIT,ODT)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        levels = [code.strip().upper() for code in options["levels"].split(",") if code.strip()]
        if not levels:
            raise CommandError("--levels needs at least one setting code, e.g. OIT.")
        try:
            summary = samhsa_import(
                path=options["path"],
                dry_run=options["dry_run"],
                levels=levels,
                progress=progress_bar,
            )
        except samhsa.SamhsaFileError as error:
            raise CommandError(str(error)) from error
        for line in summary.lines():
            self.stdout.write(line)
