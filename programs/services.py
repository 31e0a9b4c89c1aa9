"""Writes to the catalogue."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import transaction

from programs.demo import DemoProgram, generate_demo_programs
from programs.models import (
    Accreditation,
    Condition,
    Insurance,
    Language,
    Location,
    Modality,
    Population,
    Program,
    WeeklySession,
)

VOCABULARY_RELATIONS = {
    "conditions": Condition,
    "modalities": Modality,
    "insurance": Insurance,
    "populations": Population,
    "languages": Language,
    "accreditations": Accreditation,
}
BATCH_SIZE = 2000


def demo_programs_seed(
    *,
    count: int,
    seed: int,
    today: datetime.date | None = None,
    clear: bool = False,
    skip: int = 0,
) -> int:
    """Create ``count`` deterministic demo programmes in bulk; returns how many were created.

    ``skip`` leaves out the first programmes of the sequence, so a catalogue can grow in
    stages (1k, then 9k more…) and still equal one seeded in a single run.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    today = today or datetime.date.today()
    with transaction.atomic():
        if clear:
            Program.objects.filter(source=Program.Source.DEMO).delete()
        batch: list[DemoProgram] = []
        created = 0
        for index, demo in enumerate(generate_demo_programs(count, seed, today)):
            if index < skip:
                continue
            batch.append(demo)
            if len(batch) >= BATCH_SIZE:
                created += _write_batch(batch)
                batch = []
        if batch:
            created += _write_batch(batch)
    return created


def _write_batch(batch: Iterable[DemoProgram]) -> int:
    batch = list(batch)
    programs = Program.objects.bulk_create([demo.program for demo in batch])
    if programs and programs[0].pk is None:
        # Backends without RETURNING: read the keys back by their unique slugs.
        ids = dict(
            Program.objects.filter(slug__in=[p.slug for p in programs]).values_list("slug", "pk")
        )
        for program in programs:
            program.pk = ids[program.slug]
    locations, sessions = [], []
    for demo in batch:
        for location in demo.locations:
            location.program = demo.program
            locations.append(location)
        for session in demo.sessions:
            session.program = demo.program
            sessions.append(session)
    Location.objects.bulk_create(locations)
    WeeklySession.objects.bulk_create(sessions)

    for relation, model in VOCABULARY_RELATIONS.items():
        ids = dict(model.objects.values_list("slug", "pk"))
        through = getattr(Program, relation).through
        target = f"{model._meta.model_name}_id"
        through.objects.bulk_create(
            [
                through(program_id=demo.program.pk, **{target: ids[slug]})
                for demo in batch
                for slug in demo.terms.get(relation, [])
            ]
        )
    state_through = Program.licensed_states.through
    state_through.objects.bulk_create(
        [
            state_through(program_id=demo.program.pk, state_id=code)
            for demo in batch
            for code in demo.licensed_states
        ]
    )
    return len(programs)
