"""Reads for clinician shortlists and patient share links."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from matching.models import Clinician, ShareLink, Shortlist, ShortlistItem
from programs.models import Program


def shortlist_list(*, clinician: Clinician) -> QuerySet[Shortlist]:
    """A clinician's shortlists, most recently changed first, with how many programmes each has."""
    return clinician.shortlists.annotate(item_count=Count("items")).order_by("-updated_at", "-pk")


def _items_with_programs(*, detail: bool) -> Prefetch:
    programs = Program.objects.for_detail() if detail else Program.objects.for_listing()
    return Prefetch(
        "items",
        queryset=ShortlistItem.objects.prefetch_related(Prefetch("program", queryset=programs)),
    )


def shortlist_get(*, clinician: Clinician, shortlist_id: int, detail: bool = False) -> Shortlist:
    """One of this clinician's shortlists with its programmes; 404 for anyone else's.

    A 404 rather than a 403 so a clinician cannot learn which shortlist ids exist.
    """
    shortlist = (
        Shortlist.objects.filter(clinician=clinician, pk=shortlist_id)
        .prefetch_related(_items_with_programs(detail=detail))
        .first()
    )
    if shortlist is None:
        raise Http404
    return shortlist


def shortlist_get_for_update(*, clinician: Clinician, shortlist_id: int) -> Shortlist:
    """One of this clinician's shortlists without its programmes, for a quick write; or 404."""
    shortlist = Shortlist.objects.filter(clinician=clinician, pk=shortlist_id).first()
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
    # Fetch the programmes separately so the token lookup stays a single indexed query.
    link.shortlist = (
        Shortlist.objects.prefetch_related(_items_with_programs(detail=True))
        .select_related("clinician")
        .get(pk=link.shortlist_id)
    )
    return link
