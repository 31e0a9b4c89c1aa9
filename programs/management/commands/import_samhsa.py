"""manage.py import_samhsa PATH.xlsx [--edition mh-2022] [--dry-run] [--levels OIT,ODT]."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from programs.imports import editions, samhsa
from programs.imports.services import samhsa_import
from programs.management.progress import progress_bar


class Command(BaseCommand):
    help = (
        "Import an edition of SAMHSA's National Directory of treatment facilities (xlsx): "
        "the substance-use edition's intensive outpatient facilities (OIT), the mental-health "
        "edition's facilities of every setting (PHDT, OP, RES, HI). Each edition is its own "
        "source; running the same file again changes nothing."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("path", type=Path, help="The directory workbook (.xlsx).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would happen; write nothing."
        )
        parser.add_argument(
            "--edition",
            default="",
            help=(
                f"The directory edition ({', '.join(editions.BY_SLUG)}); by default it is "
                "recognised from the workbook's title, file name and code key."
            ),
        )
        parser.add_argument(
            "--levels",
            default=None,
            help=(
                "Comma-separated setting codes a facility must list to be imported (default: "
                + "; ".join(f"{e.slug} {','.join(e.default_levels)}" for e in editions.EDITIONS)
                + ")."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        levels = None
        if options["levels"] is not None:
            levels = [code.strip().upper() for code in options["levels"].split(",") if code.strip()]
            if not levels:
                raise CommandError("--levels needs at least one setting code, e.g. OIT.")
        try:
            summary = samhsa_import(
                path=options["path"],
                dry_run=options["dry_run"],
                levels=levels,
                edition=options["edition"],
                progress=progress_bar,
            )
        except samhsa.SamhsaFileError as error:
            raise CommandError(str(error)) from error
        for line in summary.lines():
            self.stdout.write(line)
