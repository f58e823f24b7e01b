"""Enrolling on a cohort, signed in: who may (``enrolment_eligibility``), the form, check
your answers, and the confirmation.

Each step says what enrolling will give the person (a place, or the waiting list at its
number: ``selectors.places_for_you``), decided as the service decides it. Every step that
succeeds redirects (Post/Redirect/Get): the answers are kept in the session between the
form and check your answers, so Back and reloading never send a form again.

Anyone who may not enrol is told why, and how their organisation can sign. A rule the
service refuses (enrolment closed, already on the cohort, the organisation's maximum
reached) is shown as a GOV.UK error on the form, with everything typed kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from declaration.models import Organisation
from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.errors import DomainError
from localdigital.http import require_safe_or_post

from .. import selectors
from ..errors import NotEligible
from ..forms import EnrolmentForm
from ..links import calendar_path, course_path
from ..models import Cohort, EnrolmentStatus
from ..selectors import CohortRow
from ..services.enrolments import enrolment_create


def _cohort_or_404(slug: str, pk: int) -> Cohort:
    cohort = selectors.cohort_get_public(pk=pk)
    if cohort is None or cohort.course.slug != slug:
        raise Http404("No such cohort.")
    return cohort


def _answers_key(cohort: Cohort) -> str:
    """Where the session keeps the person's answers between the form and checking them."""
    return f"training.enrol.{cohort.pk}"


@dataclass
class _Step:
    """What every step of enrolling shows: the cohort, its sessions and places with those
    the person can take (``row``), and the organisations they may enrol for."""

    cohort: Cohort
    row: CohortRow | None
    organisations: list[Organisation]
    context: dict[str, object]


def _step(request: AuthenticatedHttpRequest, slug: str, pk: int) -> _Step | HttpResponse:
    """Return the step's cohort and context, or the page that stops the person at any
    step: they may not enrol, the cohort takes nobody now, or they are on it already."""
    cohort = _cohort_or_404(slug, pk)
    row = selectors.cohort_row_for(cohort=cohort, user=request.user)
    context: dict[str, object] = {
        "cohort": cohort,
        "course": cohort.course,
        "course_url": course_path(cohort.course.slug),
        "enrol_url": reverse("training:enrol", args=[cohort.course.slug, cohort.pk]),
        "row": row,
        "account_url": reverse("pages:account"),
    }
    eligibility = selectors.enrolment_eligibility(user=request.user)
    if not eligibility.is_eligible:
        context.update(reason=eligibility.reason, sign_url=eligibility.sign_url)
        return render(request, "training/enrol_not_eligible.html", context)
    if row is None or (request.method != "POST" and not row.places.is_taking_enrolments):
        return render(request, "training/enrol_closed.html", context)
    if row.you is not None and row.you.already:
        return render(request, "training/enrol_already.html", context)
    return _Step(cohort, row, eligibility.organisations, context)


@login_required
@require_safe_or_post
def enrol(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask what enrolling needs; once it is valid, keep the answers and go on to check
    them. The form is filled in with the answers kept, when the person comes back to
    change them."""
    step = _step(request, slug, pk)
    if isinstance(step, HttpResponse):
        return step
    key = _answers_key(step.cohort)
    if request.method == "POST":
        form = EnrolmentForm(request.POST, organisations=step.organisations)
        if form.is_valid():
            request.session[key] = form.answers()
            return redirect("training:enrol-check", slug=slug, pk=pk)
    else:
        form = EnrolmentForm(initial=request.session.get(key), organisations=step.organisations)
    return render(request, "training/enrol.html", {**step.context, "form": form})


@login_required
@require_safe_or_post
def enrol_check(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Show the answers kept and what enrolling will give the person; on confirming, enrol
    them and go to the confirmation. Without answers kept, go back to the form."""
    step = _step(request, slug, pk)
    if isinstance(step, HttpResponse):
        return step
    key = _answers_key(step.cohort)
    answers = request.session.get(key)
    form = EnrolmentForm(answers, organisations=step.organisations)
    if not answers or not form.is_valid():
        return redirect("training:enrol", slug=slug, pk=pk)
    organisation = form.get_organisation()
    you = step.row.you if step.row is not None else None
    context = {
        **step.context,
        "form": form,
        "organisation": organisation,
        "place": you.for_organisation(organisation.pk) if you is not None else None,
    }
    if request.method != "POST":
        return render(request, "training/enrol_check.html", context)
    try:
        enrolment = enrolment_create(
            cohort=step.cohort,
            user=request.user,
            organisation=organisation,
            job_title=form.cleaned_data["job_title"],
            line_manager_email=form.cleaned_data["line_manager_email"],
            needs=form.cleaned_data["needs"],
            consent=form.cleaned_data["consent"],
        )
    except DomainError as error:
        form.add_error(None, str(error))
        if isinstance(error, NotEligible):
            context["sign_url"] = error.sign_url
        return render(request, "training/enrol.html", context)
    del request.session[key]
    return redirect("training:enrolment-confirmation", pk=enrolment.pk)


@login_required
@require_safe
def enrolment_confirmation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Say the person is enrolled, or on the waiting list and at which number."""
    row = selectors.enrolment_row_for_user_get(user=request.user, pk=pk)
    if row is None:
        raise Http404("No such enrolment.")
    return render(
        request,
        "training/enrolment_confirmation.html",
        {
            "row": row,
            "is_enrolled": row.status == EnrolmentStatus.ENROLLED,
            "detail_url": reverse("training:enrolment-detail", args=[row.pk]),
            "calendar_url": calendar_path(row.pk) if row.can_add_to_calendar else "",
        },
    )
