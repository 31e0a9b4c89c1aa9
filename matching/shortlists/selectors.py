"""Reads for clinician shortlists and patient share links."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404

from matching.clinicians.models import Clinician
from matching.shortlists.models import ShareLink, Shortlist, ShortlistItem
from programs.models import Program


def shortlist_list(*, clinician: Clinician) -> QuerySet[Shortlist]:
    """A clinician's shortlists, most recently changed first, with how many programmes each has."""
    return clinician.shortlists.annotate(item_count=Count("items")).order_by("-updated_at", "-pk")


def shortlist_get(*, clinician: Clinician, shortlist_id: int, with_items: bool = True) -> Shortlist:
    """One of this clinician's shortlists (with its programmes' names); 404 for anyone else's.

    A 404 rather than a 403 so a clinician cannot learn which shortlist ids exist.
    """
    shortlists = Shortlist.objects.filter(clinician=clinician, pk=shortlist_id)
    if with_items:
        shortlists = shortlists.prefetch_related(
            Prefetch("items", queryset=ShortlistItem.objects.select_related("program"))
        )
    shortlist = shortlists.first()
    if shortlist is None:
        raise Http404
    return shortlist


def shortlist_item_get(*, shortlist: Shortlist, item_id: int) -> ShortlistItem:
    """One programme on the shortlist, or 404."""
    item = shortlist.items.select_related("program").filter(pk=item_id).first()
    if item is None:
        raise Http404
    return item


def share_link_current(*, shortlist: Shortlist) -> ShareLink | None:
    """The link a patient can open now, if there is one (the newest live link)."""
    return shortlist.share_links.live().order_by("-created_at", "-pk").first()


# A programme's relations the patient page (shortlists/share_page.html) and PDF show.
SHARED_RELATIONS = ("locations", "sessions", "insurance", "licensed_states")


def share_link_get_live(*, token: str) -> ShareLink | None:
    """A live link by its token with everything the patient page shows, or None.

    Unknown, expired and revoked tokens, and links of a clinician whose approval was
    withdrawn, all give None: the page must not reveal which it was.
    """
    if not token or len(token) > ShareLink._meta.get_field("token").max_length:
        return None
    link = (
        ShareLink.objects.live()
        .filter(token=token, shortlist__clinician__is_approved=True)
        .select_related("shortlist__clinician")
        .first()
    )
    if link is None:
        return None
    # What the patient page and PDF show of each programme (its sites, sessions, insurers and
    # the states its virtual care reaches), in a fixed number of queries however many
    # programmes the list holds; not the rest of its page (six more queries).
    items = ShortlistItem.objects.prefetch_related(
        Prefetch("program", queryset=Program.objects.prefetch_related(*SHARED_RELATIONS))
    )
    prefetch_related_objects([link.shortlist], Prefetch("items", queryset=items))
    return link
