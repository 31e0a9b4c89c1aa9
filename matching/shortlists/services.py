"""Writes for clinician shortlists and patient share links."""

from __future__ import annotations

import datetime
import logging
import secrets
import smtplib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.clinicians.models import Clinician
from matching.shortlists.models import ShareLink, Shortlist, ShortlistItem
from programs.models import Program

logger = logging.getLogger(__name__)

TOKEN_BYTES = 32  # 256 bits; the issue asks for at least 128


EMAIL_FAILED = gettext_lazy(
    "We couldn't send the email just now. Copy the link and send it yourself, or try again later."
)


class ShareEmailFailed(Exception):
    """The mail server could not take the message; the clinician can copy the link instead."""


def _touch(shortlist: Shortlist) -> None:
    # The list page sorts by last change; item edits count as changes to the list.
    shortlist.save(update_fields=["updated_at"])


def shortlist_create(
    *, clinician: Clinician, title: str, patient_label: str = "", message: str = ""
) -> Shortlist:
    """Start a shortlist for an approved clinician."""
    if not clinician.is_approved:
        raise ValidationError(_("Your account must be approved before you can make shortlists."))
    shortlist = Shortlist(
        clinician=clinician, title=title, patient_label=patient_label, message=message
    )
    shortlist.full_clean()
    with transaction.atomic():
        shortlist.save()
    return shortlist


def shortlist_update(
    *,
    shortlist: Shortlist,
    title: str,
    patient_label: str,
    message: str,
    notes: dict[int, str] | None = None,
) -> Shortlist:
    """Rename the shortlist, change the label and message, and the notes given by item id."""
    shortlist.title = title
    shortlist.patient_label = patient_label
    shortlist.message = message
    shortlist.full_clean()
    with transaction.atomic():
        shortlist.save()
        items = {item.pk: item for item in shortlist.items.filter(pk__in=list(notes or {}))}
        for item_id, note in (notes or {}).items():
            item = items.get(item_id)
            if item is None or item.note == note:
                continue
            item.note = note
            item.full_clean()
            item.save(update_fields=["note"])
    return shortlist


def shortlist_delete(*, shortlist: Shortlist) -> None:
    """Delete a shortlist, its programmes and its share links."""
    with transaction.atomic():
        shortlist.delete()


def shortlist_item_add(*, shortlist: Shortlist, program: Program, note: str = "") -> ShortlistItem:
    """Put a published programme at the end of the shortlist."""
    if program.status != Program.Status.PUBLISHED:
        raise ValidationError({"program": _("This programme is not listed any more.")})
    with transaction.atomic():
        # Lock the list so two quick adds don't both take the same last position.
        Shortlist.objects.select_for_update().filter(pk=shortlist.pk).first()
        if shortlist.items.filter(program=program).exists():
            raise ValidationError(
                {"program": _("%(name)s is already on this shortlist.") % {"name": program.name}}
            )
        last = shortlist.items.aggregate(last=Max("position"))["last"]
        item = ShortlistItem(
            shortlist=shortlist,
            program=program,
            note=note,
            position=0 if last is None else last + 1,
        )
        item.full_clean()
        item.save()
        _touch(shortlist)
    return item


def shortlist_item_update(*, item: ShortlistItem, note: str) -> ShortlistItem:
    """Change the clinician's note on one programme."""
    item.note = note
    item.full_clean()
    with transaction.atomic():
        item.save(update_fields=["note"])
        _touch(item.shortlist)
    return item


def shortlist_item_remove(*, item: ShortlistItem) -> None:
    """Take a programme off its shortlist."""
    with transaction.atomic():
        shortlist = item.shortlist
        item.delete()
        _touch(shortlist)


def shortlist_reorder(*, shortlist: Shortlist, item_ids: list[int]) -> list[ShortlistItem]:
    """Put the programmes in the given order; the ids must be exactly the list's items."""
    with transaction.atomic():
        items = {item.pk: item for item in shortlist.items.select_for_update()}
        if len(item_ids) != len(set(item_ids)):
            raise ValidationError(
                {"item_ids": _("Give every programme on the shortlist exactly once.")}
            )
        if set(item_ids) != set(items):
            # Empty, or made before a programme was added or removed elsewhere (another tab).
            raise ValidationError(
                {
                    "item_ids": _(
                        "The list must hold every programme on the shortlist exactly once; "
                        "it has changed since it was loaded, so reload it and try again."
                    )
                }
            )
        ordered = [items[item_id] for item_id in item_ids]
        for position, item in enumerate(ordered):
            item.position = position
        ShortlistItem.objects.bulk_update(ordered, ["position"])
        _touch(shortlist)
    return ordered


def shortlist_item_move(*, item: ShortlistItem, offset: int) -> None:
    """Move a programme one place up (-1) or down (+1); at either end nothing changes."""
    if offset not in (-1, 1):
        raise ValidationError(_("A programme moves one place up or down."))
    shortlist = item.shortlist
    ids = list(shortlist.items.values_list("pk", flat=True))
    index = ids.index(item.pk)
    target = index + offset
    if 0 <= target < len(ids):
        ids[index], ids[target] = ids[target], ids[index]
        shortlist_reorder(shortlist=shortlist, item_ids=ids)


def shortlist_answers_attach(*, shortlist: Shortlist, answers: list[list[str]]) -> Shortlist:
    """Keep the match answers the clinician chose to attach (question, answer pairs)."""
    if not all(isinstance(pair, list | tuple) and len(pair) == 2 for pair in answers):
        raise ValidationError(_("Answers are pairs of a question and an answer."))
    shortlist.match_answers = [[str(question), str(answer)] for question, answer in answers]
    with transaction.atomic():
        shortlist.save(update_fields=["match_answers", "updated_at"])
    return shortlist


def shortlist_answers_detach(*, shortlist: Shortlist) -> Shortlist:
    """Forget the attached match answers."""
    shortlist.match_answers = []
    with transaction.atomic():
        shortlist.save(update_fields=["match_answers", "updated_at"])
    return shortlist


def share_link_create(
    *, shortlist: Shortlist, days: int | None = None, now: datetime.datetime | None = None
) -> ShareLink:
    """A new patient link; any link still live for this shortlist stops working."""
    days = settings.SHORTLIST_SHARE_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.SHORTLIST_SHARE_MAX_DAYS:
        raise ValidationError(
            {
                "days": _("Choose between 1 and %(max)d days.")
                % {"max": settings.SHORTLIST_SHARE_MAX_DAYS}
            }
        )
    if not shortlist.clinician.is_approved:
        raise ValidationError(_("Your account must be approved before you can share."))
    now = now or timezone.now()
    with transaction.atomic():
        shortlist.share_links.live(now=now).update(revoked_at=now)
        link = ShareLink(
            shortlist=shortlist,
            token=secrets.token_urlsafe(TOKEN_BYTES),
            expires_at=now + datetime.timedelta(days=days),
        )
        link.full_clean()
        link.save()
    return link


def share_link_revoke(*, link: ShareLink, now: datetime.datetime | None = None) -> ShareLink:
    """Stop a link working at once; revoking twice keeps the first time."""
    if link.revoked_at is None:
        link.revoked_at = now or timezone.now()
        with transaction.atomic():
            link.save(update_fields=["revoked_at"])
    return link


# Clinicians see when a link was last opened to the minute: a page reloaded or printed
# within a minute of the last recorded opening writes nothing.
OPENING_RECORDED_EVERY = datetime.timedelta(minutes=1)


def share_link_record_open(*, link: ShareLink, now: datetime.datetime | None = None) -> None:
    """Note when the patient page was last opened; nothing about who opened it."""
    now = now or timezone.now()
    if link.last_opened_at is not None and now - link.last_opened_at < OPENING_RECORDED_EVERY:
        return
    # A single UPDATE: two patients' tabs opening at once must not race on a read-modify-write.
    ShareLink.objects.filter(pk=link.pk).update(last_opened_at=now)
    link.last_opened_at = now


def share_link_email(*, link: ShareLink, to_email: str, url: str) -> None:
    """Email the patient link from the app, in the clinician's name."""
    if not link.is_live():
        raise ValidationError(_("This link is no longer active. Make a new one first."))
    clinician = link.shortlist.clinician
    context = {"clinician": clinician, "url": url, "link": link}
    subject = render_to_string("shortlists/share_email_subject.txt", context)
    body = render_to_string("shortlists/share_email.txt", context)
    try:
        send_mail(
            " ".join(subject.split()),
            body,
            settings.DEFAULT_FROM_EMAIL,
            [to_email],
            fail_silently=False,
        )
    except (smtplib.SMTPException, OSError) as error:
        # The mail server's error names the recipient: log its type only.
        logger.warning("Share link email failed: %s", type(error).__name__)
        raise ShareEmailFailed from error
