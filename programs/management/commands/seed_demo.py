"""python manage.py seed_demo --programs N --seed S: deterministic demo programmes."""

from __future__ import annotations

import time
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from programs.models import Program
from programs.services import demo_programs_seed


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError as error:
        raise ArgumentTypeError(f"expected a whole number, got {value!r}") from error
    if number < 1:
        raise ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def whole_number(value: str) -> int:
    try:
        return int(value)
    except ValueError as error:
        raise ArgumentTypeError(f"expected a whole number, got {value!r}") from error


class Command(BaseCommand):
    help = "Create realistic, clearly labelled demo programmes (deterministic for a seed)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--programs", type=positive_int, default=300, help="How many (default 300)."
        )
        parser.add_argument("--seed", type=whole_number, default=1, help="Random seed (default 1).")
        parser.add_argument("--if-empty", action="store_true", help="Only seed an empty catalogue.")
        parser.add_argument(
            "--clear", action="store_true", help="Delete earlier demo programmes first."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Program.objects.exists():
            self.stdout.write("The catalogue already has programmes; no demo data added.")
            return
        started = time.perf_counter()
        try:
            created = demo_programs_seed(
                count=options["programs"], seed=options["seed"], clear=options["clear"]
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(f"Created {created} demo programmes in {elapsed:.1f} s.")
        )
