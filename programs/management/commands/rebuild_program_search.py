"""Rebuild the search table from the catalogue."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from programs.services import program_search_rebuild


class Command(BaseCommand):
    help = "Rebuild the search table (programs.ProgramSearch) from the whole catalogue."

    def handle(self, *args: Any, **options: Any) -> None:
        rows = program_search_rebuild()
        self.stdout.write(f"Search table rebuilt: {rows} rows.")
