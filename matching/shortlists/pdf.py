"""A shortlist as a PDF a patient can keep or print (the pieces are in matching.pdf)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Paragraph, Spacer

from matching.pdf import (
    BODY,
    SMALL,
    STYLES,
    build_pdf,
    crisis_paragraph,
    pdf_fact,
    pdf_text,
    program_block,
)
from matching.shortlists.models import Shortlist


def shortlist_pdf(*, shortlist: Shortlist) -> bytes:
    """The patient's shortlist: message, programmes with contact details and notes, crisis lines."""
    clinician = shortlist.clinician
    flow: list[Flowable] = [
        Paragraph(pdf_text(shortlist.title), STYLES["Title"]),
        Paragraph(
            pdf_text(
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
        crisis_paragraph(),
    ]
    if shortlist.message:
        flow += [
            Paragraph(pdf_text(_("Message from your clinician")), STYLES["Heading2"]),
            Paragraph(pdf_text(shortlist.message), BODY),
        ]
    flow.append(Paragraph(pdf_text(_("Programmes")), STYLES["Heading2"]))
    for number, item in enumerate(shortlist.items.all(), start=1):
        flow += program_block(item.program, number=number, note=item.note)
    if shortlist.match_answers:
        flow.append(Paragraph(pdf_text(_("Your answers used for the match")), STYLES["Heading2"]))
        flow += [pdf_fact(question, answer) for question, answer in shortlist.match_answers]
    flow += [
        Spacer(1, 0.2 * inch),
        Paragraph(
            pdf_text(
                _(
                    "Call the programme to check insurance, schedule and waitlist before you go. "
                    "This list is guidance from your clinician, not a diagnosis."
                )
            ),
            SMALL,
        ),
        crisis_paragraph(),
    ]
    return build_pdf(title=shortlist.title, flow=flow)
