"""A page of programmes' related rows and terms, attached without Django's prefetching.

``prefetch_related`` builds a queryset per programme and relation and, for a vocabulary, a
new term object per link: for a page of 25 results that was ~600 objects and most of a
match's Python time. Here each programme carries plain lists: its sites and sessions (one
query each) and its terms of every vocabulary (one query of link ids for all of them; the
term objects come from the per-process vocabulary copy). ``related`` reads them back, or
asks the database for a programme loaded elsewhere, so every caller works either way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from programs.models import Program

# The attribute a programme carries its attached lists in: {relation: [row or term, ...]}.
ATTRIBUTE = "attached_related"
# The attribute a programme carries its session times in, as the search table's mask.
SCHEDULE_ATTRIBUTE = "attached_schedule"


@dataclass(frozen=True)
class PlainTerm:
    """A vocabulary term's fields, read once: its name in the language it was read in.

    A term model's ``name`` is looked up per language on every read (django-modeltranslation);
    a page of results reads ~300 names. What a vocabulary lacks is blank (a condition has no
    ``kind``, an insurer no ``category``).
    """

    pk: int
    slug: str
    name: str
    description: str = ""
    category: str = ""
    kind: str = ""
    abbreviation: str = ""

    @classmethod
    def of(cls, term: Any) -> PlainTerm:
        return cls(
            pk=term.pk,
            slug=term.slug,
            name=term.name,
            description=term.description,
            category=getattr(term, "category", ""),
            kind=getattr(term, "kind", ""),
            abbreviation=getattr(term, "abbreviation", ""),
        )

    @property
    def id(self) -> int:
        return self.pk

    def __str__(self) -> str:
        return self.name


def plain_terms(terms: Mapping[str, Mapping[int, Any]]) -> dict[str, dict[int, PlainTerm]]:
    """Every term of ``terms`` (by relation and id, in order) as a ``PlainTerm``."""
    return {
        relation: {pk: PlainTerm.of(term) for pk, term in by_pk.items()}
        for relation, by_pk in terms.items()
    }


def related(program: Program, relation: str) -> list[Any]:
    """The programme's ``relation`` (sites, sessions, a vocabulary) as ``.all()`` orders it."""
    attached = getattr(program, ATTRIBUTE, None)
    if attached is not None and relation in attached:
        return attached[relation]
    return list(getattr(program, relation).all())


def _attached(program: Program) -> dict[str, list[Any]]:
    attached = getattr(program, ATTRIBUTE, None)
    if attached is None:
        attached = {}
        setattr(program, ATTRIBUTE, attached)
    return attached


def _own_order(model: type[Any]) -> list[str]:
    """The model's ordering with its programme by id: each programme's rows come in the same
    order, and the query needs no join to order them by the programmes' names."""
    return ["program_id" if field == "program" else field for field in model._meta.ordering]


@functools.lru_cache(maxsize=256)
def _rows_sql(model: type[Any], field: str, count: int, order: tuple[str, ...], vendor: str) -> str:
    """The ORM's own SQL for ``model`` rows whose ``field`` is one of ``count`` values, in
    ``order``: compiled once per process (and database kind), then only bound. Compiling
    took longer than the query: 0.3-0.5 ms each, two a page of results. Empty when the
    compiled query has parameters other than those values (then compiled every time)."""
    made_up = list(range(1, count + 1))
    queryset = model._default_manager.filter(**{f"{field}__in": made_up}).order_by(*order)
    sql, params = queryset.query.sql_with_params()
    return sql if list(params) == made_up else ""


def rows_by(model: type[Any], field: str, values: Sequence[Any], order: Sequence[str] = ()) -> list:
    """``model`` rows whose ``field`` is one of ``values`` (distinct), as
    ``filter(field__in=values).order_by(*order)`` gives them, the SQL compiled once."""
    if not values:
        return []
    sql = _rows_sql(model, field, len(values), tuple(order), connection.vendor)
    manager = model._default_manager
    if not sql:
        return list(manager.filter(**{f"{field}__in": values}).order_by(*order))
    return list(manager.raw(sql, list(values)))


def attach_rows(programs: Sequence[Program], *, relations: Iterable[str]) -> None:
    """Give each programme its rows of every one of ``relations`` (sites, sessions): one
    query per relation, in the related model's own order, each row's programme set."""
    by_pk = {program.pk: program for program in programs}
    for relation in relations:
        for program in programs:
            _attached(program)[relation] = []
        if not programs:
            continue
        model = Program._meta.get_field(relation).related_model
        for row in rows_by(model, "program_id", list(by_pk), _own_order(model)):
            row.program = by_pk[row.program_id]  # in hand already: no query per row
            _attached(row.program)[relation].append(row)


def attach_schedules(programs: Sequence[Program], *, schedules: Mapping[int, int]) -> None:
    """Give each programme its session times as the search table's mask (``programs.search``,
    by programme id), read with the page instead of a query for the sessions themselves."""
    for program in programs:
        setattr(program, SCHEDULE_ATTRIBUTE, schedules.get(program.pk, 0))


def attached_schedule(program: Program) -> int | None:
    """The programme's attached schedule mask (``attach_schedules``), or None."""
    return getattr(program, SCHEDULE_ATTRIBUTE, None)


def attach_terms(
    programs: Sequence[Program],
    *,
    relations: Iterable[str],
    known: Mapping[str, Mapping[int, Any]],
    reread: Callable[[], Mapping[str, Mapping[int, Any]]],
) -> None:
    """Give each programme its terms of every one of ``relations`` (one query for all).

    ``known`` holds every term by relation and id, in each vocabulary's own order (the
    per-process copy); ``reread()`` reads them from the database, used only when a link
    names a term the copy does not hold (added since it was read).
    """
    relations = list(relations)
    for program in programs:
        _attached(program).update({relation: [] for relation in relations})
    if not programs or not relations:
        return
    ids = [program.pk for program in programs]
    marks = ", ".join(["%s"] * len(ids))
    parts = []
    for index, relation in enumerate(relations):
        field = Program._meta.get_field(relation)
        through = field.remote_field.through._meta
        source = through.get_field(field.m2m_field_name()).column
        target = through.get_field(field.m2m_reverse_field_name()).column
        quote = connection.ops.quote_name
        # Only the model's own table and column names and a number are formatted in; the
        # programme ids stay parameters. Written out rather than built with the ORM: its
        # five-part union took longer to compile than to run.
        parts.append(
            f"SELECT {index}, {quote(source)}, {quote(target)} "  # noqa: S608
            f"FROM {quote(through.db_table)} WHERE {quote(source)} IN ({marks})"
        )
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), ids * len(parts))
        links = cursor.fetchall()
    if any(term not in known.get(relations[index], {}) for index, _, term in links):
        known = reread()
    by_pk = {program.pk: _attached(program) for program in programs}
    for index, relation in enumerate(relations):
        position = {pk: place for place, pk in enumerate(known.get(relation, {}))}
        chosen = sorted(
            ((program_id, term) for at, program_id, term in links if at == index),
            key=lambda link: position.get(link[1], len(position)),
        )
        terms_of = known.get(relation, {})
        for program_id, term in chosen:
            if term in terms_of:  # else deleted since: its links go with it
                by_pk[program_id][relation].append(terms_of[term])


def attach_masked_terms(
    programs: Sequence[Program],
    *,
    relations: Iterable[str],
    masks: Mapping[int, Mapping[str, int]],
    bits: Mapping[str, Mapping[int, int]],
    known: Mapping[str, Mapping[int, Any]],
    reread: Callable[[], Mapping[str, Mapping[int, Any]]],
) -> None:
    """``attach_terms`` without a query: each programme's terms read off its search row's masks.

    ``masks`` holds each programme's mask of every one of ``relations`` (by id; the search
    table's columns, ``programs.search.SEARCH_RELATIONS``), ``bits`` each term's bit by
    relation and id (its rank, ``search.bits_by_rank``): the same terms the links give,
    kept in step with them by every write. A mask naming a term the copy does not hold
    (added since it was read) reads the links instead.
    """
    relations = list(relations)
    pairs: dict[str, list[tuple[int, Any]]] = {}
    for relation in relations:
        of_relation = bits.get(relation, {})
        pairs[relation] = [
            (1 << of_relation[pk], term)
            for pk, term in known.get(relation, {}).items()
            if pk in of_relation
        ]
        covered = 0
        for bit, _term in pairs[relation]:
            covered |= bit
        if any(masks[program.pk].get(relation, 0) & ~covered for program in programs):
            attach_terms(programs, relations=relations, known=known, reread=reread)
            return
    for program in programs:
        attached, of_program = _attached(program), masks[program.pk]
        for relation in relations:
            held = of_program.get(relation, 0)
            attached[relation] = [term for bit, term in pairs[relation] if held & bit]
