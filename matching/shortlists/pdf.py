"""A shortlist as a PDF a patient can keep or print (reportlab, pure Python)."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from matching.shortlists.models import Shortlist
from programs.levels import plain_words
from programs.models import Program
from programs.templatetags.programs_tags import schedule_summary

STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontSize=10.5, leading=14)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=9, leading=12, textColor=colors.grey)
NOTE = ParagraphStyle(
    "note", parent=BODY, backColor=colors.HexColor("#f1f5f4"), borderPadding=6, spaceBefore=4
)
CRISIS = ParagraphStyle(
    "crisis",
    parent=BODY,
    borderColor=colors.HexColor("#b42318"),
    borderWidth=1,
    borderPadding=6,
    spaceBefore=6,
    spaceAfter=10,
)


def _text(value: object) -> str:
    # Paragraph parses a small XML markup: every value from the database is escaped.
    return escape(str(value)).replace("\n", "<br/>")


def _fact(label: str, value: str) -> Paragraph:
    return Paragraph(f"<b>{_text(label)}:</b> {_text(value)}", BODY)


def _schedule(program: Program) -> str:
    parts = []
    if program.days_per_week:
        parts.append(_("%(days)d days a week") % {"days": program.days_per_week})
    if program.hours_per_week:
        parts.append(_("%(hours)s hours a week") % {"hours": f"{program.hours_per_week:g}"})
    if program.length_weeks_min:
        high = program.length_weeks_max or program.length_weeks_min
        parts.append(
            _("%(low)d to %(high)d weeks") % {"low": program.length_weeks_min, "high": high}
            if high != program.length_weeks_min
            else _("%(weeks)d weeks") % {"weeks": high}
        )
    summary = schedule_summary(program)
    if summary:
        parts.append(summary)
    return "; ".join(parts)


def _program_block(program: Program, note: str, number: int) -> list[Flowable]:
    flow: list[Flowable] = [
        Paragraph(f"{number}. {_text(program.name)}", STYLES["Heading3"]),
    ]
    if program.organization:
        flow.append(Paragraph(_text(program.organization), SMALL))
    if program.status != Program.Status.PUBLISHED:
        flow.append(Paragraph(_text(_("This programme is no longer listed on IOPfinder.")), SMALL))
    if note:
        flow.append(
            Paragraph(f"<b>{_text(_('Note from your clinician'))}:</b> {_text(note)}", NOTE)
        )
    facts = [
        (_("Level of care"), plain_words(program.levels)),
        (_("Intake phone"), program.intake_phone),
        (_("Phone"), program.phone),
        (_("Email"), program.email),
        (_("Website"), program.website),
        (_("Format"), program.get_delivery_display()),
        (_("Schedule"), _schedule(program)),
        (
            _("Where"),
            "; ".join(
                ", ".join(
                    part
                    for part in (
                        loc.address_line1,
                        loc.city,
                        f"{loc.state} {loc.zip_code}",
                    )
                    if part
                )
                for loc in program.locations.all()
            ),
        ),
        (_("Insurance"), ", ".join(term.name for term in program.insurance.all())),
        (_("How to start"), program.intake_notes),
    ]
    flow.extend(_fact(label, value) for label, value in facts if value)
    flow.append(Spacer(1, 0.15 * inch))
    return [KeepTogether(flow)]


def _crisis() -> Paragraph:
    return Paragraph(
        _text(
            _(
                "In crisis? Call or text %(line)s (Suicide & Crisis Lifeline), any time. "
                "In an emergency, call %(emergency)s."
            )
            % {"line": settings.CRISIS_LINE, "emergency": settings.EMERGENCY_NUMBER}
        ),
        CRISIS,
    )


def shortlist_pdf(*, shortlist: Shortlist) -> bytes:
    """The patient's shortlist: message, programmes with contact details and notes, crisis lines."""
    buffer = io.BytesIO()
    clinician = shortlist.clinician
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=shortlist.title,
        author="IOPfinder",
        leftMargin=0.8 * inch,
        rightMargin=0.8 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
    )
    flow: list[Flowable] = [
        Paragraph(_text(shortlist.title), STYLES["Title"]),
        Paragraph(
            _text(
                _(
                    "Intensive outpatient programmes suggested by %(name)s, %(credentials)s (%(org)s)"
                )
                % {
                    "name": clinician.name,
                    "credentials": clinician.credentials,
                    "org": clinician.organisation,
                }
            ),
            BODY,
        ),
        _crisis(),
    ]
    if shortlist.message:
        flow += [
            Paragraph(_text(_("Message from your clinician")), STYLES["Heading2"]),
            Paragraph(_text(shortlist.message), BODY),
        ]
    flow.append(Paragraph(_text(_("Programmes")), STYLES["Heading2"]))
    for number, item in enumerate(shortlist.items.all(), start=1):
        flow += _program_block(item.program, item.note, number)
    if shortlist.match_answers:
        flow.append(Paragraph(_text(_("Your answers used for the match")), STYLES["Heading2"]))
        flow += [_fact(question, answer) for question, answer in shortlist.match_answers]
    flow += [
        Spacer(1, 0.2 * inch),
        Paragraph(
            _text(
                _(
                    "Call the programme to check insurance, schedule and waitlist before you go. "
                    "This list is guidance from your clinician, not a diagnosis."
                )
            ),
            SMALL,
        ),
        _crisis(),
    ]
    document.build(flow)
    return buffer.getvalue()
