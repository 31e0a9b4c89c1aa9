"""PDFs a person can keep or print, made on the spot (reportlab, pure Python).

The pieces here are shared by the seeker's results and the clinician's shortlist. Nothing
is stored: each PDF is built in memory from what the request carried and sent back once.
Reportlab's built-in Helvetica covers Western European text, so Spanish accents render.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from matching.services import MatchResult, ProgramMatch
from programs.attached import related
from programs.levels import plain_words
from programs.models import Program
from programs.templatetags.programs_tags import miles, schedule_summary

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


def pdf_text(value: object) -> str:
    # Paragraph parses a small XML markup: every value from the database is escaped.
    return escape(str(value)).replace("\n", "<br/>")


def pdf_fact(label: str, value: str) -> Paragraph:
    return Paragraph(f"<b>{pdf_text(label)}:</b> {pdf_text(value)}", BODY)


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


def program_block(
    program: Program, *, number: int, note: str = "", extra: Sequence[Flowable] = ()
) -> list[Flowable]:
    """One programme: name, contact details and facts, with a note or reasons under its name."""
    flow: list[Flowable] = [
        Paragraph(f"{number}. {pdf_text(program.name)}", STYLES["Heading3"]),
    ]
    if program.organization:
        flow.append(Paragraph(pdf_text(program.organization), SMALL))
    if program.status != Program.Status.PUBLISHED:
        flow.append(
            Paragraph(pdf_text(_("This programme is no longer listed on IOPfinder.")), SMALL)
        )
    flow.extend(extra)
    if note:
        flow.append(
            Paragraph(f"<b>{pdf_text(_('Note from your clinician'))}:</b> {pdf_text(note)}", NOTE)
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
                for loc in related(program, "locations")
            ),
        ),
        (_("Insurance"), ", ".join(term.name for term in related(program, "insurance"))),
        (_("How to start"), program.intake_notes),
    ]
    flow.extend(pdf_fact(label, value) for label, value in facts if value)
    flow.append(Spacer(1, 0.15 * inch))
    return [KeepTogether(flow)]


def crisis_paragraph() -> Paragraph:
    """The crisis lines, boxed: at the top and the foot of every PDF we make."""
    return Paragraph(
        pdf_text(
            _(
                "In crisis? Call or text %(line)s (Suicide & Crisis Lifeline), any time. "
                "In an emergency, call %(emergency)s."
            )
            % {"line": settings.CRISIS_LINE, "emergency": settings.EMERGENCY_NUMBER}
        ),
        CRISIS,
    )


def build_pdf(*, title: str, flow: list[Flowable]) -> bytes:
    """A letter-size PDF of ``flow``, built in memory."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=title,
        author="IOPfinder",
        leftMargin=0.8 * inch,
        rightMargin=0.8 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
    )
    document.build(flow)
    return buffer.getvalue()


def _match_lines(match: ProgramMatch) -> list[Flowable]:
    """The score, distance and the reasons for one match, as on the results page."""
    where = _("Virtual") if match.distance_miles is None else miles(match.distance_miles)
    lines = [
        Paragraph(
            f"<b>{pdf_text(_('%(score)s%% match') % {'score': match.score})}</b> · {pdf_text(where)}",
            BODY,
        )
    ]
    for reasons, label in (
        (match.matched, _("Matches:")),
        (match.unmatched, _("Doesn't match:")),
        (match.unknown, _("To check:")),
    ):
        lines += [
            Paragraph(f"{pdf_text(label)} {pdf_text(reason.text)}", SMALL) for reason in reasons
        ]
    return lines


def results_pdf(*, result: MatchResult) -> bytes:
    """The seeker's results to keep: guidance, crisis lines and programmes, no answers."""
    title = _("Programmes that may fit you")
    level = result.level_of_care
    flow: list[Flowable] = [
        Paragraph(pdf_text(title), STYLES["Title"]),
        Paragraph(pdf_text(level.message), BODY),
        crisis_paragraph(),
    ]
    if result.results:
        flow.append(
            Paragraph(
                pdf_text(
                    _("The %(shown)d best fits of %(total)d, best fit first")
                    % {"shown": len(result.results), "total": result.total}
                ),
                STYLES["Heading2"],
            )
        )
    else:
        flow.append(
            Paragraph(pdf_text(_("No programmes fit every answer yet")), STYLES["Heading2"])
        )
    for number, match in enumerate(result.results, start=result.first_shown):
        flow += program_block(match.program, number=number, extra=_match_lines(match))
    flow += [
        Spacer(1, 0.2 * inch),
        Paragraph(
            pdf_text(
                _(
                    "Call the programme to check insurance, schedule and waitlist before you go. "
                    "This is guidance to discuss with a clinician, not a diagnosis."
                )
            ),
            SMALL,
        ),
        crisis_paragraph(),
    ]
    return build_pdf(title=str(title), flow=flow)
