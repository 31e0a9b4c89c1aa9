"""Reads from the catalogue."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, QuerySet, Window
from django.http import QueryDict
from django.shortcuts import get_object_or_404

from programs.attached import (
    PlainTerm,
    attach_rows,
    attach_schedules,
    attach_terms,
    plain_terms,
)
from programs.filters import ProgramFilterSet
from programs.models import (
    VOCABULARY_RELATIONS,
    DirectoryRecord,
    Location,
    Program,
    State,
    Vocabulary,
    WeeklySession,
)
from programs.search import bits_by_rank
from programs.vocabulary_cache import vocabulary_cached


def program_listing() -> QuerySet[Program]:
    """Published programmes with what a list shows, before the directory's filters."""
    return Program.objects.published().for_listing()


def program_filterset(*, params: QueryDict) -> ProgramFilterSet:
    """The directory's FilterSet over published programmes, ready for a list page or the API."""
    return ProgramFilterSet(data=params, queryset=program_listing())


def program_get_published(*, slug: str) -> Program:
    """One published programme (its own row: ``program_detail_read`` reads the rest), or 404."""
    return get_object_or_404(Program.objects.published(), slug=slug)


def vocabulary_terms_read() -> dict[str, dict[int, Vocabulary]]:
    """Every term of every vocabulary, by relation and id, in each vocabulary's order."""
    return {
        relation: {term.pk: term for term in model.objects.all()}
        for relation, model in VOCABULARY_RELATIONS.items()
    }


def vocabulary_terms() -> dict[str, dict[int, Vocabulary]]:
    """``vocabulary_terms_read()``, read once per process and language and again after any
    change to a vocabulary (``programs.vocabulary_cache``). Shared: read, never change."""
    return vocabulary_cached("terms", vocabulary_terms_read)


@dataclass(frozen=True)
class ProgramDetail:
    """A programme with everything its page shows: what the API and the page read.

    Its relations are plain lists in the order ``.all()`` gives them (each model's ordering).
    """

    program: Program
    locations: list[Location]
    sessions: list[WeeklySession]
    directory_records: list[DirectoryRecord]
    terms: dict[str, list[Vocabulary]]  # by relation (``VOCABULARY_RELATIONS``)
    licensed_states: list[State]


@functools.cache
def _program_links_sql(vendor: str) -> str:
    """The SQL of ``_program_links`` (``vendor``: the database's, whose quoting it uses).

    Written once per process from the models' tables: compiling the same UNION of seven
    querysets with the ORM cost more CPU per read (2.3 ms) than the rest of the read.
    """
    quote = connection.ops.quote_name
    parts = []
    for relation in (*VOCABULARY_RELATIONS, "licensed_states"):
        field = Program._meta.get_field(relation)
        through = field.remote_field.through._meta
        program_id = quote(through.get_field("program").column)
        target_id = quote(through.get_field(field.related_model._meta.model_name).column)
        link = f"{quote(through.db_table)} link"
        if relation == "licensed_states":
            state = field.related_model._meta
            name = f"state.{quote(state.get_field('name').column)}"
            code = f"state.{quote(state.pk.column)}"
            select = f"link.{target_id}, ROW_NUMBER() OVER (ORDER BY {name}), {name}"
            link += f" JOIN {quote(state.db_table)} state ON {code} = link.{target_id}"
        else:
            select = f"CAST(link.{target_id} AS VARCHAR(20)), 0, ''"
        # Quoted table and column names from the models; the programme's id is a parameter.
        parts.append(f"SELECT '{relation}', {select} FROM {link} WHERE link.{program_id} = %s")  # noqa: S608
    return " UNION ALL ".join(parts)


def _program_links(program: Program) -> list[tuple[str, str, int, str]]:
    """(relation, term id or state code, position, state name): every vocabulary term and
    state linked to ``program``, from the link tables only, in one UNION ALL query.

    A state's position is its place by name as the database sorts them (``State`` ordering);
    terms come without name or position: the per-process copy of the vocabularies has both.
    """
    sql = _program_links_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [program.pk] * sql.count("%s"))
        return cursor.fetchall()


def program_detail_read(*, program: Program) -> ProgramDetail:
    """Everything ``program``'s page shows in four queries, however many terms it lists.

    Sites, sessions and directory records are a query each; the terms of every vocabulary
    and the licensed states one more (``_program_links``), each term taken from the
    vocabularies' per-process copy (``vocabulary_terms``) instead of a query per vocabulary
    (six queries more on the read that fills the copy, after any change to a vocabulary).
    """
    links = _program_links(program)
    linked: dict[str, set[int]] = {relation: set() for relation in VOCABULARY_RELATIONS}
    states = []
    for relation, key, position, name in links:
        if relation == "licensed_states":
            states.append((position, State(code=key, name=name)))
        else:
            linked[relation].add(int(key))
    vocabularies = vocabulary_terms()
    if any(ids - vocabularies[relation].keys() for relation, ids in linked.items()):
        vocabularies = vocabulary_terms_read()  # a term newer than this process's copy
    terms = {
        relation: [term for pk, term in vocabularies[relation].items() if pk in ids]
        for relation, ids in linked.items()
    }
    states.sort(key=lambda ranked: ranked[0])
    return ProgramDetail(
        program=program,
        locations=list(Location.objects.filter(program=program)),
        sessions=list(WeeklySession.objects.filter(program=program)),
        directory_records=list(DirectoryRecord.objects.filter(program=program)),
        terms=terms,
        licensed_states=[state for _position, state in states],
    )


@dataclass(frozen=True)
class DirectoryPage:
    """One page of results, the page actually shown, and why it differs from the one asked."""

    page: Page
    notice: str = ""  # "", "not_a_number" or "past_the_end"


def _page_number(page: str | int | None) -> tuple[int, str]:
    """The page number asked for, or 1 and why (``DirectoryPage.notice``)."""
    try:
        number = int(page or 1)
    except (TypeError, ValueError):
        return 1, "not_a_number"
    if number < 1:
        return 1, "not_a_number"
    return number, ""


def _counted_rows(
    queryset: QuerySet,
    page: str | int | None,
    per_page: int,
    *,
    count_with_page: bool = True,
    counted: str = "pk",
) -> tuple[list[Any], int, str, Paginator]:
    """The rows of the page asked for (model instances, or dicts from ``values()``), its
    number and notice (``DirectoryPage``), and a paginator that knows the total; past the
    last page, the last page. The total as ``program_page`` says; ``counted``: a column the
    query groups by (a grouped query can count only those in its window)."""
    number, notice = _page_number(page)
    offset = (number - 1) * per_page
    paginator = Paginator(queryset, per_page)
    if count_with_page:
        rows = list(
            queryset.annotate(total_count=Window(Count(counted)))[offset : offset + per_page]
        )
        if not rows:
            total = queryset.count()
        else:
            total = rows[0]["total_count"] if isinstance(rows[0], dict) else rows[0].total_count
    else:
        total = queryset.count()
        rows = list(queryset[offset : offset + per_page]) if offset < total else []
    paginator.count = total  # cached_property: reuse the total we already have
    if not rows and total:
        number, notice = paginator.num_pages, "past_the_end"
        offset = (number - 1) * per_page
        rows = list(queryset[offset : offset + per_page])
    return rows, number, notice, paginator


def program_page(
    *,
    queryset: QuerySet,
    page: str | int | None,
    per_page: int,
    count_with_page: bool = True,
) -> DirectoryPage:
    """A page of programmes and the total.

    With ``count_with_page`` the total comes from ``COUNT(*) OVER ()`` on the page's own
    query: right when the database must find and sort every match anyway (nearest first),
    so it finds them once instead of once for the count and once for the page. Without it
    the total is its own ``COUNT(*)`` and the page can stop after ``per_page`` rows read in
    index order (the whole directory by name: a window count there read all 100k rows).
    """
    rows, number, notice, paginator = _counted_rows(
        queryset, page, per_page, count_with_page=count_with_page
    )
    return DirectoryPage(page=Page(rows, number, paginator), notice=notice)


def program_ranked_rows(
    *, filterset: ProgramFilterSet, vocabulary: Mapping[str, Mapping[int, Any]] | None = None
) -> QuerySet | None:
    """``ProgramFilterSet.ranked_rows`` for a valid search, with the term bits of the page's
    vocabulary copy when it has one (no second read of the shared token)."""
    bits = None
    if vocabulary is not None:
        bits = {
            model._meta.label: bits_by_rank(vocabulary[relation])
            for relation, model in VOCABULARY_RELATIONS.items()
        }
    return filterset.ranked_rows(bits)


def _ranked_page(
    *, rows: QuerySet, programs: QuerySet[Program], page: str | int | None, per_page: int
) -> tuple[DirectoryPage, dict[int, int]]:
    """``program_page`` for ``program_ranked_rows``: the page's rows and the total in one
    query, its programmes by id in a second, in the rows' order with their distances; and
    each one's schedule mask, by id."""
    shown, number, notice, paginator = _counted_rows(rows, page, per_page, counted="program_id")
    # In any order (the rows give it): sorting them by name was a third of reading them.
    by_pk = programs.order_by().in_bulk([row["program_id"] for row in shown])
    found = []
    for row in shown:
        program = by_pk.get(row["program_id"])
        if program is None:  # unpublished since its rows were read: left out, not an error
            continue
        program.distance_miles = row["distance"]
        found.append(program)
    schedules = {row["program_id"]: row["schedule_mask"] for row in shown}
    return DirectoryPage(page=Page(found, number, paginator), notice=notice), schedules


def vocabulary_plain_terms() -> dict[str, dict[int, PlainTerm]]:
    """Every term as a ``PlainTerm`` with its name in the active language, kept like
    ``vocabulary_terms`` (once per process and language, again after any change)."""
    return vocabulary_cached("plain-terms", lambda: plain_terms(vocabulary_terms_read()))


# What a result card shows (its sites, sessions, terms and signs of quality; ``for_listing``).
CARD_ROWS = ("locations", "sessions", "directory_records")
CARD_TERMS = ("conditions", "insurance", "modalities", "accreditations")


def program_cards_attach(
    programs: Sequence[Program],
    *,
    schedules: Mapping[int, int] | None = None,
    known: Mapping[str, Mapping[int, PlainTerm]] | None = None,
) -> None:
    """Give a page of programmes what their cards show, as plain lists (``attached.related``):
    a query per kind of row and one for the terms of every vocabulary, whose objects come
    from the per-process copy, instead of a queryset and a term object per link.

    With ``schedules`` (each programme's session mask from its search rows, by id) the
    cards summarise the sessions from those, and the sessions are not read. ``known``: the
    terms' per-process copy (``vocabulary_plain_terms``), when the caller has read it.
    """
    if schedules is None:
        attach_rows(programs, relations=CARD_ROWS)
    else:
        attach_rows(programs, relations=[row for row in CARD_ROWS if row != "sessions"])
        attach_schedules(programs, schedules=schedules)
    attach_terms(
        programs,
        relations=CARD_TERMS,
        known=vocabulary_plain_terms() if known is None else known,
        reread=lambda: plain_terms(vocabulary_terms_read()),
    )


def program_directory_page(
    *, filterset: ProgramFilterSet, page: str | int | None, per_page: int
) -> DirectoryPage:
    """The directory's page for a valid FilterSet (the HTML page; the benchmark times it).

    With a place the page and its total are ranked on the search rows alone, then the
    page's programmes read by id (``program_ranked_rows``). Otherwise nearest first sorts
    every match anyway, so the total comes with the page; without a place it is counted
    apart and the page read in index order (see ``program_page``). The page's programmes
    get what their cards show attached (``program_cards_attach``).
    """
    vocabulary = vocabulary_plain_terms()
    rows = program_ranked_rows(filterset=filterset, vocabulary=vocabulary)
    if rows is not None:
        ranked, schedules = _ranked_page(
            rows=rows,
            programs=filterset.queryset.prefetch_related(None),
            page=page,
            per_page=per_page,
        )
        program_cards_attach(ranked.page.object_list, schedules=schedules, known=vocabulary)
        return ranked
    result = program_page(
        queryset=filterset.qs.prefetch_related(None),
        page=page,
        per_page=per_page,
        count_with_page=filterset.place is not None,
    )
    program_cards_attach(result.page.object_list, known=vocabulary)
    return result
