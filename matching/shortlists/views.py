"""Clinician shortlist pages and the patient's share page: thin views over services."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from iopfinder.limits import limit_posts
from matching.clinicians.access import approved_clinician_required
from matching.clinicians.models import Clinician
from matching.forms import LAST_STEP, IntakeForm
from matching.screening import Level
from matching.services import match_programs
from matching.shortlists.answers import match_answers_summary
from matching.shortlists.forms import (
    NEW_SHORTLIST,
    AddProgramForm,
    ShareEmailForm,
    ShareForm,
    ShortlistEditForm,
    ShortlistForm,
)
from matching.shortlists.models import ShareLink, Shortlist, ShortlistItem
from matching.shortlists.pdf import shortlist_pdf
from matching.shortlists.selectors import (
    share_link_current,
    share_link_get_live,
    shortlist_get,
    shortlist_list,
)
from matching.shortlists.services import (
    EMAIL_FAILED,
    ShareEmailFailed,
    share_link_create,
    share_link_email,
    share_link_record_open,
    share_link_revoke,
    shortlist_answers_attach,
    shortlist_answers_detach,
    shortlist_create,
    shortlist_delete,
    shortlist_item_add,
    shortlist_item_move,
    shortlist_item_remove,
    shortlist_update,
)
from matching.views import render_match, render_step


def _error_messages(error: ValidationError) -> list[str]:
    return [str(message) for message in error.messages]


# --- The clinician's own pages ---------------------------------------------------------------


@approved_clinician_required
def shortlist_index(request: HttpRequest, *, clinician: Clinician) -> HttpResponse:
    """GET lists the clinician's shortlists; POST starts a new one."""
    form = ShortlistForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            shortlist = shortlist_create(clinician=clinician, **form.cleaned_data)
            messages.success(request, _("Shortlist created."))
            return redirect("shortlists:detail", shortlist_id=shortlist.pk)
        status = 400
    context = {"shortlists": shortlist_list(clinician=clinician), "form": form}
    return render(request, "shortlists/shortlist_list.html", context, status=status)


def _item_action(
    request: HttpRequest, items: list[ShortlistItem]
) -> tuple[str, ShortlistItem | None]:
    """Which up/down/remove button was pressed, and on which programme (404 if not ours)."""
    for action in ("move_up", "move_down", "remove"):
        if action in request.POST:
            by_id = {str(item.pk): item for item in items}
            item = by_id.get(request.POST[action])
            if item is None:
                raise Http404
            return action, item
    return "", None


@approved_clinician_required
def shortlist_detail(
    request: HttpRequest, shortlist_id: int, *, clinician: Clinician
) -> HttpResponse:
    """The shortlist with its notes; one form saves the text and applies any button pressed."""
    shortlist = shortlist_get(clinician=clinician, shortlist_id=shortlist_id)
    items = list(shortlist.items.all())
    form = ShortlistEditForm(request.POST or None, instance=shortlist, items=items)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            shortlist_update(
                shortlist=shortlist,
                title=data["title"],
                patient_label=data["patient_label"],
                message=data["message"],
                notes=form.notes(),
            )
            action, item = _item_action(request, items)
            if action == "remove" and item is not None:
                shortlist_item_remove(item=item)
                messages.success(request, _("%(name)s was removed.") % {"name": item.program.name})
            elif action and item is not None:
                shortlist_item_move(item=item, offset=-1 if action == "move_up" else 1)
                messages.success(request, _("Order saved."))
            elif "detach_answers" in request.POST:
                shortlist_answers_detach(shortlist=shortlist)
                messages.success(request, _("The match answers were removed from this shortlist."))
            else:
                messages.success(request, _("Shortlist saved."))
            return redirect("shortlists:detail", shortlist_id=shortlist.pk)
        status = 400
    context = {
        "shortlist": shortlist,
        "form": form,
        "share_link": share_link_current(shortlist=shortlist),
    }
    return render(request, "shortlists/shortlist_detail.html", context, status=status)


@approved_clinician_required
def shortlist_remove(
    request: HttpRequest, shortlist_id: int, *, clinician: Clinician
) -> HttpResponse:
    """GET asks to confirm; POST deletes the shortlist and its links."""
    shortlist = shortlist_get(clinician=clinician, shortlist_id=shortlist_id, with_items=False)
    if request.method == "POST":
        shortlist_delete(shortlist=shortlist)
        messages.success(request, _("Shortlist deleted. Its patient link no longer works."))
        return redirect("shortlists:list")
    return render(request, "shortlists/shortlist_confirm_delete.html", {"shortlist": shortlist})


def _target_shortlist(
    *, clinician: Clinician, choice: str, shortlists: list[Shortlist]
) -> Shortlist:
    if choice == NEW_SHORTLIST:
        return shortlist_create(clinician=clinician, title=_("New shortlist"))
    return next(s for s in shortlists if str(s.pk) == choice)


def _add_program(
    request: HttpRequest, *, clinician: Clinician, form: AddProgramForm, shortlists: list[Shortlist]
) -> Shortlist | None:
    """Add the form's programme; say what happened in a message. None if nothing was added."""
    program = form.cleaned_data["program"]
    shortlist = _target_shortlist(
        clinician=clinician, choice=form.cleaned_data["shortlist"], shortlists=shortlists
    )
    try:
        shortlist_item_add(shortlist=shortlist, program=program)
    except ValidationError as error:
        for message in _error_messages(error):
            messages.info(request, message)
        return None
    messages.success(
        request,
        _("%(program)s was added to “%(shortlist)s”.")
        % {"program": program.name, "shortlist": shortlist.title},
    )
    return shortlist


def _clinician_shortlists(clinician: Clinician) -> list[Shortlist]:
    return list(shortlist_list(clinician=clinician))


@require_POST
@approved_clinician_required
def item_add(request: HttpRequest, *, clinician: Clinician) -> HttpResponse:
    """Add a programme from the directory or a programme page, then go back there."""
    shortlists = _clinician_shortlists(clinician)
    form = AddProgramForm(request.POST, shortlists=shortlists)
    if not form.is_valid():
        return render(request, "shortlists/add_error.html", {"form": form}, status=400)
    _add_program(request, clinician=clinician, form=form, shortlists=shortlists)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = form.cleaned_data["program"].get_absolute_url()
    return HttpResponseRedirect(next_url)


def _no_store(response: HttpResponse) -> HttpResponse:
    # Same rule as the questionnaire: answers must not linger in caches or history.
    add_never_cache_headers(response)
    return response


@require_POST
@sensitive_post_parameters()
@approved_clinician_required
def item_add_from_match(request: HttpRequest, *, clinician: Clinician) -> HttpResponse:
    """Add a programme from match results and show the same results again.

    The results page posts every answer back here (as hidden fields), so nothing about the
    seeker goes in a URL; answers are stored only if the clinician ticked "attach".
    """
    intake_form = IntakeForm(request.POST)
    shortlists = _clinician_shortlists(clinician)
    add_form = AddProgramForm(request.POST, shortlists=shortlists)
    intake = intake_form.screened_intake()
    if intake is None:
        to_fix = intake_form.first_step_with_errors(through=LAST_STEP)
        return render_step(
            request, form=intake_form, step=to_fix.number if to_fix else 1, status=400
        )
    result = match_programs(intake=intake)
    if result.level_of_care.level == Level.CRISIS:
        # Crisis help only: nothing is added to a shortlist and no answer is attached.
        return render_match(request, form=intake_form, result=result)
    status = 200
    if add_form.is_valid():
        shortlist = _add_program(request, clinician=clinician, form=add_form, shortlists=shortlists)
        if shortlist is not None and add_form.cleaned_data["attach_answers"]:
            shortlist_answers_attach(
                shortlist=shortlist, answers=match_answers_summary(form=intake_form)
            )
    else:
        status = 400
        for errors in add_form.errors.values():
            for message in errors:
                messages.error(request, message)
    return render_match(request, form=intake_form, result=result, status=status)


# --- Sharing -----------------------------------------------------------------------------------


def _share_url(request: HttpRequest, link: ShareLink) -> str:
    return request.build_absolute_uri(reverse("share:page", kwargs={"token": link.token}))


def _share_page(
    request: HttpRequest,
    shortlist: Shortlist,
    *,
    share_form: ShareForm | None = None,
    email_form: ShareEmailForm | None = None,
    status: int = 200,
) -> HttpResponse:
    link = share_link_current(shortlist=shortlist)
    context = {
        "shortlist": shortlist,
        "share_link": link,
        "share_url": _share_url(request, link) if link else "",
        "share_form": share_form or ShareForm(),
        "email_form": email_form or ShareEmailForm(),
    }
    return render(request, "shortlists/shortlist_share.html", context, status=status)


@approved_clinician_required
def share_manage(request: HttpRequest, shortlist_id: int, *, clinician: Clinician) -> HttpResponse:
    """The current patient link, when it expires and was last opened, and what to do with it."""
    shortlist = shortlist_get(clinician=clinician, shortlist_id=shortlist_id, with_items=False)
    return _share_page(request, shortlist)


@require_POST
@approved_clinician_required
def share_create(request: HttpRequest, shortlist_id: int, *, clinician: Clinician) -> HttpResponse:
    """Make a new patient link; an older live link stops working."""
    shortlist = shortlist_get(clinician=clinician, shortlist_id=shortlist_id, with_items=False)
    form = ShareForm(request.POST)
    if not form.is_valid():
        return _share_page(request, shortlist, share_form=form, status=400)
    replaced = share_link_current(shortlist=shortlist) is not None
    share_link_create(shortlist=shortlist, days=form.cleaned_data["days"])
    messages.success(
        request,
        _("A new link was made. The old link no longer works.")
        if replaced
        else _("The link is ready to share."),
    )
    return redirect("shortlists:share", shortlist_id=shortlist.pk)


@require_POST
@approved_clinician_required
def share_revoke(request: HttpRequest, shortlist_id: int, *, clinician: Clinician) -> HttpResponse:
    """Stop the current patient link working."""
    shortlist = shortlist_get(clinician=clinician, shortlist_id=shortlist_id, with_items=False)
    link = share_link_current(shortlist=shortlist)
    if link is None:
        messages.info(request, _("There is no active link to turn off."))
    else:
        share_link_revoke(link=link)
        messages.success(request, _("The link no longer works."))
    return redirect("shortlists:share", shortlist_id=shortlist.pk)


@require_POST
@approved_clinician_required
@limit_posts(
    group="share-email",
    key="user",
    rate=lambda: settings.SHARE_EMAIL_RATE_LIMIT,
    message=_lazy("You have e-mailed several links already."),
)
def share_send(request: HttpRequest, shortlist_id: int, *, clinician: Clinician) -> HttpResponse:
    """Email the current patient link; the address is used once and not stored."""
    shortlist = shortlist_get(clinician=clinician, shortlist_id=shortlist_id, with_items=False)
    form = ShareEmailForm(request.POST)
    link = share_link_current(shortlist=shortlist)
    if link is None:
        form.add_error(None, _("Make a link first, then send it."))
    if not form.is_valid():
        return _share_page(request, shortlist, email_form=form, status=400)
    try:
        share_link_email(
            link=link, to_email=form.cleaned_data["email"], url=_share_url(request, link)
        )
    except ShareEmailFailed:
        form.add_error(None, EMAIL_FAILED)
        return _share_page(request, shortlist, email_form=form, status=503)
    messages.success(request, _("The link was emailed."))
    return redirect("shortlists:share", shortlist_id=shortlist.pk)


# --- The patient's page (no account) -------------------------------------------------------------


def share_headers(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Keep share pages out of search engines, referrers and shared caches."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "no-store, private"
        return response

    return wrapper


def _inactive(request: HttpRequest) -> HttpResponse:
    # One page, one status for unknown, expired and revoked: it must not reveal which.
    return render(request, "shortlists/share_inactive.html", status=404)


def _open(request: HttpRequest, token: str) -> ShareLink | None:
    link = share_link_get_live(token=token)
    # The clinician checking their own link is not the patient opening it.
    if link is not None and link.shortlist.clinician.user_id != request.user.pk:
        share_link_record_open(link=link)
    return link


@share_headers
def share_page(request: HttpRequest, token: str) -> HttpResponse:
    """The patient's calm, printable page of programmes, notes and crisis lines."""
    link = _open(request, token)
    if link is None:
        return _inactive(request)
    return render(
        request,
        "shortlists/share_page.html",
        {"link": link, "shortlist": link.shortlist, "clinician": link.shortlist.clinician},
    )


@share_headers
def share_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The same list as a PDF download."""
    link = _open(request, token)
    if link is None:
        return _inactive(request)
    response = HttpResponse(shortlist_pdf(shortlist=link.shortlist), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="iop-shortlist.pdf"'
    return response
