"""A person's own training, from their account: an enrolment with its sessions, joining
instructions and waiting-list position; cancelling it; answering an offer of a place; the
certificate of completion.

Each page shows only the signed-in person's own enrolment or offer: anyone else's, or
none, is not found (404), so nobody learns whether it exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.errors import DomainError
from localdigital.forms import posted
from localdigital.http import require_safe_or_post

from .. import selectors
from ..forms import OfferAnswerForm
from ..links import calendar_path
from ..models import OfferStatus
from ..selectors import EnrolmentRow
from ..services.enrolment_changes import enrolment_cancel
from ..services.offers import offer_accept, offer_decline


def _row_or_404(request: AuthenticatedHttpRequest, pk: int) -> EnrolmentRow:
    row = selectors.enrolment_row_for_user_get(user=request.user, pk=pk)
    if row is None:
        raise Http404("No such enrolment.")
    return row


def _detail_url(pk: int) -> str:
    return reverse("training:enrolment-detail", args=[pk])


@login_required
@require_safe
def enrolment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show one of the person's enrolments: where they stand, the sessions, and what they
    can do (answer an offer, cancel, print the certificate)."""
    row = _row_or_404(request, pk)
    return render(
        request,
        "training/enrolment_detail.html",
        {
            "row": row,
            "cancel_url": reverse("training:enrolment-cancel", args=[pk]),
            "calendar_url": calendar_path(pk) if row.can_add_to_calendar else "",
        },
    )


@login_required
@require_safe_or_post
def enrolment_cancel_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask the person to confirm, then cancel their place or offer, or take them off the
    waiting list. A place they free is offered to the next person waiting."""
    row = _row_or_404(request, pk)
    if not row.can_cancel:
        messages.error(request, f"You can no longer {row.cancel_action.lower()}.")
        return redirect(_detail_url(pk))
    if request.method != "POST":
        return render(
            request, "training/enrolment_cancel.html", {"row": row, "detail_url": _detail_url(pk)}
        )
    enrolment = selectors.enrolment_for_user_get(user=request.user, pk=pk)
    if enrolment is None:
        raise Http404("No such enrolment.")
    try:
        enrolment_cancel(enrolment=enrolment, cancelled_by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(_detail_url(pk))
    messages.success(request, f"{row.cancelled_message} {row.course_title}")
    return redirect("pages:account")


def _offer_state(status: str, expired: bool) -> str:
    """Return what the offer page says: it can be answered, it has expired, or it was
    answered (or withdrawn) already."""
    if status == OfferStatus.PENDING:
        return "expired" if expired else "open"
    if status == OfferStatus.EXPIRED:
        return "expired"
    return "answered"


@login_required
@require_safe_or_post
def offer_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show an offer of a place from the waiting list, and take the answer: accept (the
    person is enrolled) or decline (the place goes to the next person waiting)."""
    offer = selectors.offer_for_user_get(user=request.user, offer_id=pk)
    if offer is None:
        raise Http404("No such offer.")
    row = _row_or_404(request, offer.enrolment_id)
    now = timezone.now()
    state = _offer_state(offer.status, expired=now >= offer.expires_at)
    form = OfferAnswerForm(posted(request))
    context = {
        "offer": offer,
        "row": row,
        "state": state,
        "form": form,
        "detail_url": _detail_url(row.pk),
        "offer_status_label": offer.get_status_display(),
    }
    if request.method == "POST" and state == "open" and form.is_valid():
        try:
            if form.is_accepted:
                offer_accept(offer=offer, accepted_by=request.user, now=now)
            else:
                offer_decline(offer=offer, declined_by=request.user, now=now)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            if form.is_accepted:
                messages.success(request, f"You have accepted your place on {row.course_title}")
                return redirect(_detail_url(row.pk))
            messages.success(request, f"You have declined the place on {row.course_title}")
            return redirect("pages:account")
    return render(request, "training/offer.html", context)


@login_required
@require_safe
def certificate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show the printable certificate of the person's own completed enrolment."""
    found = selectors.certificate_get(user=request.user, enrolment_id=pk)
    if found is None:
        raise Http404("No such certificate.")
    return render(
        request,
        "training/certificate.html",
        {"certificate": found, "detail_url": _detail_url(pk)},
    )
