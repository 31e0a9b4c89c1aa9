"""Presentation helpers for programme pages; they read prefetched relations only."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape as html_escape

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from programs import signs
from programs.attached import attached_schedule, related
from programs.forms import CheckboxOption
from programs.geo import Place, distance_miles
from programs.levels import levels_of
from programs.models import Location, Modality, Program, WeeklySession
from programs.schedule import TimeOfDay, session_band
from programs.search import schedule_days_and_bands
from programs.selectors import ProgramDetail
from programs.signs import ShownSign
from programs.translated import Translated

register = template.Library()

BAND_SHORT = {
    TimeOfDay.MORNING: gettext_lazy("Mornings"),
    TimeOfDay.AFTERNOON: gettext_lazy("Afternoons"),
    TimeOfDay.EVENING: gettext_lazy("Evenings"),
    TimeOfDay.WEEKEND: gettext_lazy("Weekends"),
}


@register.simple_tag
def schedule_summary(program: Program, words: Translated | None = None) -> str:
    """ "Evenings · Mon, Wed, Fri" from the programme's weekly sessions, or from their mask in
    the search table when the directory's page attached it (``attach_schedules``)."""
    schedule = attached_schedule(program)
    if schedule is not None:
        days, present = schedule_days_and_bands(schedule)
    else:
        sessions = related(program, "sessions")
        # Each session's band once (a result page summarises twenty programmes).
        present = {session_band(s.weekday, s.start_time) for s in sessions}
        days = sorted({s.weekday for s in sessions})
    if not days:
        return ""
    words = words or Translated()
    bands = [band for band in BAND_SHORT if band in present]
    day_names = ", ".join(words.choice(WeeklySession.Weekday, day)[:3] for day in days)
    return f"{' / '.join(words(BAND_SHORT[b]) for b in bands)} · {day_names}"


@register.simple_tag
def weekly_rows(sessions: Iterable[WeeklySession]) -> list[tuple[str, list[WeeklySession]]]:
    """One row per weekday a programme meets, with that day's sessions in order."""
    by_day: dict[int, list[WeeklySession]] = defaultdict(list)
    for session in sessions:
        by_day[session.weekday].append(session)
    return [
        (str(WeeklySession.Weekday(day).label), sorted(by_day[day], key=lambda s: s.start_time))
        for day in sorted(by_day)
    ]


@register.filter
def miles(value: float | None) -> str:
    if not isinstance(value, int | float):
        return ""
    if value < 0.1:
        return _("under 0.1 miles")
    return _("%(miles).1f miles") % {"miles": value}


@register.simple_tag
def card_location(program: Program, place: Place | None = None) -> Location | None:
    """The site to name on a result card: the one nearest the seeker when they gave a place.

    The distance on the card is to the nearest site, so the city beside it must be that site's.
    """
    locations = related(program, "locations")
    if not place:
        return locations[0] if locations else None
    located = [loc for loc in locations if loc.has_coordinates]
    if not located:
        return locations[0] if locations else None
    return min(
        located,
        key=lambda loc: distance_miles(
            place.latitude, place.longitude, loc.latitude, loc.longitude
        ),
    )


# A result card names this many conditions and insurers, then says "and more".
CARD_TERMS_SHOWN = 4


class KeyedForTemplates:
    """Answers ``facts[name]`` as ``facts.name``.

    A template looks each dotted name up as a key first; an object that cannot be indexed
    fails that with an exception on every lookup, some thirty a result card.
    """

    def __getitem__(self, name: str) -> object:
        return getattr(self, name)


@dataclass(frozen=True)
class SignLine(KeyedForTemplates):
    """A sign as a card or a programme's page prints it, every word already worked out."""

    label: str
    details: str  # which therapies or accreditors, or ""
    meaning: str
    source: str  # "Source: …." in the page's language


def sign_lines(shown: Iterable[ShownSign], source: str | None = None) -> list[SignLine]:
    """The signs as lines to print; ``source`` is "Source: %(sources)s." translated, when a
    page of cards has it already."""
    source = source or _("Source: %(sources)s.")
    return [
        SignLine(
            label=sign.label,
            details=", ".join(sign.details),
            meaning=sign.meaning,
            source=source % {"sources": "; ".join(sign.sources)},
        )
        for sign in shown
    ]


@dataclass(frozen=True)
class ProgramCard(KeyedForTemplates):
    """Everything a result card prints, worked out once."""

    program: Program
    name: str
    organization: str
    is_demo: bool
    accepting: bool | None  # accepting new patients (None: not known)
    number: int  # its place in the whole list of results
    heading_id: str  # the id of its heading, which names the card
    url: str
    location: Location | None
    city: str  # "City, ST" of that site
    distance: str
    other_sites: str  # "(and 2 more sites)" besides the one named, or ""
    levels: str
    delivery: str
    schedule: str
    conditions: str
    more_conditions: bool
    insurance: str
    more_insurance: bool
    signs: list[SignLine]


def _other_sites_note(count: int) -> str:
    if not count:
        return ""
    return ngettext("(and %(counter)s more site)", "(and %(counter)s more sites)", count) % {
        "counter": count
    }


@register.simple_tag
def program_cards(
    programs: Iterable[Program], start: int = 1, place: Place | None = None
) -> list[ProgramCard]:
    """A page of result cards from the prefetched relations, so the template only prints
    them; the labels they share are translated once for the page, not once a card."""
    words = Translated()
    source = _("Source: %(sources)s.")
    cards = []
    for number, program in enumerate(programs, start=start):
        conditions = [term.name for term in related(program, "conditions")]
        insurance = [term.name for term in related(program, "insurance")]
        distance = getattr(program, "distance_miles", None)
        location = card_location(program, place)
        cards.append(
            ProgramCard(
                program=program,
                name=program.name,
                organization=program.organization,
                is_demo=program.is_demo,
                accepting=program.accepting_new_patients,
                number=number,
                heading_id=f"program-{program.pk}-name",
                url=program.get_absolute_url(),
                location=location,
                city=f"{location.city}, {location.state}" if location else "",
                distance=miles(distance) if place and distance is not None else "",
                other_sites=_other_sites_note(other_sites(program)),
                levels=", ".join(words(level.label) for level in levels_of(program.levels)),
                delivery=words.choice(Program.Delivery, program.delivery),
                schedule=schedule_summary(program, words),
                conditions=", ".join(conditions[:CARD_TERMS_SHOWN]),
                more_conditions=len(conditions) > CARD_TERMS_SHOWN,
                insurance=", ".join(insurance[:CARD_TERMS_SHOWN]),
                more_insurance=len(insurance) > CARD_TERMS_SHOWN,
                signs=sign_lines(signs.program_signs(program, words=words), source),
            )
        )
    return cards


@register.filter
def other_sites(program: Program) -> int:
    """How many more sites the programme has besides the one shown on its card."""
    return max(len(related(program, "locations")) - 1, 0)


@register.simple_tag
def program_signs(program: Program, related: ProgramDetail) -> list[SignLine]:
    """The signs of quality a programme's page shows (``programs.signs``), from its rows."""
    return sign_lines(
        signs.program_signs(program, terms=related.terms, records=related.directory_records)
    )


@register.filter
def therapies(modalities: Iterable[Modality]) -> list:
    return [m for m in modalities if m.kind == "therapy"]


@register.filter
def services(modalities: Iterable[Modality]) -> list:
    return [m for m in modalities if m.kind == "service"]


def _map_point(number: int, name: str, url: str, location: Location) -> dict[str, object]:
    return {
        "number": number,
        "name": name,
        "url": url,
        "lat": location.latitude,
        "lng": location.longitude,
    }


@register.simple_tag
def list_map_points(items: Iterable, start: int = 1, place: Place | None = None) -> list[dict]:
    """A map marker per listed programme with a located site, numbered as the list is.

    `items` are programmes or matches (anything with a `.program`). The marker stands on the site
    the card names (the nearest to the place searched), so marker and card agree.
    """
    points = []
    for number, item in enumerate(items, start=start):
        program = getattr(item, "program", item)
        location = card_location(program, place)
        if location is not None and location.has_coordinates:
            url = program.get_absolute_url()
            points.append(_map_point(number, program.name, url, location))
    return points


@register.simple_tag
def card_map_points(cards: Iterable[ProgramCard]) -> list[dict]:
    """``list_map_points`` for a page of result cards, from what the cards worked out."""
    return [
        _map_point(card.number, card.program.name, card.url, card.location)
        for card in cards
        if card.location is not None and card.location.has_coordinates
    ]


@register.simple_tag
def site_map_points(program: Program, locations: Iterable[Location]) -> list[dict]:
    """A map marker per located site of one programme, numbered as its list of addresses."""
    url = program.get_absolute_url()
    return [
        _map_point(number, location.name or program.name, url, location)
        for number, location in enumerate(locations, start=1)
        if location.has_coordinates
    ]


@register.filter
def as_json(value: object) -> str:
    """JSON for a data attribute; the template's autoescaping makes it safe there."""
    return json.dumps(value)


@dataclass(frozen=True)
class CheckboxGroup(KeyedForTemplates):
    """What a list of tick boxes shows about its field, read from the form once.

    A template asking a form field for ``label`` or ``errors`` first tries it as an index
    (a bound field is indexable), which fails with an exception each time.
    """

    label: str
    html_name: str
    auto_id: str
    errors: forms.utils.ErrorList
    chosen: int  # how many boxes the seeker ticked

    @property
    def open(self) -> bool:
        return bool(self.chosen or self.errors)


@register.simple_tag
def checkbox_group(field: forms.BoundField) -> CheckboxGroup:
    return CheckboxGroup(
        label=str(field.label),
        html_name=field.html_name,
        auto_id=field.auto_id,
        errors=field.errors,
        chosen=len(field.value() or ()),
    )


def _escaped(value: object) -> str:
    """``conditional_escape(value)`` without its check for lazy arguments: the same text."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html_escape(str(value))


@register.simple_tag
def checkbox_inputs(options: list[CheckboxOption], name: str, invalid: object) -> SafeString:
    """The options of a checkbox list, in the markup of Django's CheckboxSelectMultiple.

    Built in one pass here rather than a template loop: the directory's filters have about
    a hundred options, and the loop's eight nodes an option were a fifth of its rendering.
    ``test_checkboxes_are_the_markup_djangos_widget_renders`` proves the markup is the same.
    """
    # Each value escaped once and the pieces joined (format_html an option was half the cost).
    after_value = (' aria-invalid="true"' if invalid else "") + " id="
    name = _escaped(name)
    html = []
    for option in options:
        option_id = _escaped(option.id)
        html.append(
            f'<div>\n    <label for="{option_id}"><input type="checkbox" name="{name}" '
            f'value="{_escaped(option.value)}"{after_value}"{option_id}"'
            f"{' checked' if option.checked else ''}>\n {_escaped(option.label)}"
            "</label></div>"
        )
    return SafeString("".join(html))


def _attributes(attrs: dict[str, object]) -> str:
    """Django's ``django/forms/widgets/attrs.html``: `` name="value"``, a bare name for True."""
    return "".join(
        f" {_escaped(name)}" if value is True else f' {_escaped(name)}="{_escaped(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _widget_html(widget: dict) -> SafeString:
    """An input's or a select's markup, as Django's widget templates write it."""
    if "optgroups" not in widget:
        value = "" if widget["value"] is None else f' value="{_escaped(widget["value"])}"'
        return SafeString(
            f'<input type="{_escaped(widget["type"])}" '
            f'name="{_escaped(widget["name"])}"{value}{_attributes(widget["attrs"])}>'
        )
    options = "".join(
        f'\n  <option value="{_escaped(option["value"])}"{_attributes(option["attrs"])}>'
        f"{_escaped(option['label'])}</option>\n"
        for _name, group, _index in widget["optgroups"]
        for option in group
    )
    return SafeString(
        f'<select name="{_escaped(widget["name"])}"{_attributes(widget["attrs"])}>'
        f"{options}\n</select>"
    )


# The widgets (and their templates) field_widget writes itself; others Django renders.
PLAIN_TEMPLATES = {
    forms.TextInput: (forms.TextInput.template_name,),
    forms.NumberInput: (forms.NumberInput.template_name,),
    forms.CheckboxInput: (forms.CheckboxInput.template_name,),
    forms.Select: (forms.Select.template_name, forms.Select.option_template_name),
}


def _plain(widget: forms.Widget) -> bool:
    for kind, templates in PLAIN_TEMPLATES.items():
        if isinstance(widget, kind):
            used = (widget.template_name, getattr(widget, "option_template_name", None))
            return used[: len(templates)] == templates
    return False


@register.simple_tag
def field_widget(field: forms.BoundField) -> SafeString:
    """What ``{{ field }}`` renders for a text, number, select or tick box, in one pass.

    Django renders a template for the widget, one for its attributes and two for each
    option of a select; the directory's seven plain fields cost it some 4 ms a page.
    tests/programs/test_views_program_list.py proves the markup is the same.
    """
    widget = field.field.widget
    if not _plain(widget):
        return SafeString(field.as_widget())
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if any(name for name, _group, _index in context.get("optgroups", ())):
        return SafeString(field.as_widget())
    return _widget_html(context)


@register.simple_tag
def field_errors(field: forms.BoundField) -> SafeString:
    """What ``{{ field.errors }}`` renders (nothing, or Django's error list), in one pass."""
    errors = field.errors
    if not errors:
        return SafeString("")
    field_id = getattr(errors, "field_id", None)
    return format_html(
        '<ul class="{}"{}>{}</ul>',
        errors.error_class,
        format_html(' id="{}_error"', field_id) if field_id else "",
        format_html_join("", "<li>{}</li>", ((error,) for error in errors)),
    )


@register.simple_tag
def field_group(field: forms.BoundField) -> SafeString:
    """What ``field.as_field_group()`` renders for the directory's plain fields, in one pass:
    the label, the help text, the errors and the widget (``field_widget``)."""
    form = field.form
    if field.use_fieldset or form.label_suffix or getattr(form, "required_css_class", None):
        return SafeString(field.as_field_group())
    help_text = (
        format_html(
            '<div class="helptext"{}>{}</div>',
            format_html(' id="{}_helptext"', field.auto_id) if field.auto_id else "",
            SafeString(field.help_text),  # Django prints help text unescaped (|safe)
        )
        if field.help_text
        else ""
    )
    label = ""
    if field.label:
        label = (
            format_html('<label for="{}">{}</label>', field.id_for_label, field.label)
            if field.id_for_label
            else format_html("<label>{}</label>", field.label)
        )
    return format_html(
        "{}\n\n{}\n{}\n{}", label, help_text, field_errors(field), field_widget(field)
    )
