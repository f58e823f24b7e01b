"""Enrolling on a cohort, signed in: who may (``enrolment_eligibility``), the form, check
your answers, and the confirmation.

Anyone who may not enrol is told why, and how their organisation can sign. A rule the
service refuses (enrolment closed, already on the cohort, the organisation's maximum
reached) is shown as a GOV.UK error on the form, with everything typed kept.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.http import require_safe_or_post

from .. import selectors
from ..errors import NotEligible, TrainingError
from ..forms import EnrolmentForm
from ..links import course_path
from ..models import Cohort, EnrolmentStatus
from ..selectors import CohortRow
from ..services.enrolments import enrolment_create


def _cohort_or_404(slug: str, pk: int) -> Cohort:
    cohort = selectors.cohort_get_public(pk=pk)
    if cohort is None or cohort.course.slug != slug:
        raise Http404("No such cohort.")
    return cohort


def _upcoming_row(cohort: Cohort) -> CohortRow | None:
    """Return the cohort's sessions and places, or None once it has started."""
    rows = selectors.upcoming_cohorts(course_ids=[cohort.course_id], now=timezone.now())
    return next((row for row in rows.get(cohort.course_id, []) if row.pk == cohort.pk), None)


@login_required
@require_safe_or_post
def enrol(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask what enrolling needs, check the answers, then enrol: in a place, or on the
    waiting list when the cohort is full."""
    cohort = _cohort_or_404(slug, pk)
    row = _upcoming_row(cohort)
    context: dict[str, object] = {
        "cohort": cohort,
        "course": cohort.course,
        "course_url": course_path(cohort.course.slug),
        "row": row,
        "account_url": reverse("pages:account"),
    }
    eligibility = selectors.enrolment_eligibility(user=request.user)
    if not eligibility.is_eligible:
        context.update(reason=eligibility.reason, sign_url=eligibility.sign_url)
        return render(request, "training/enrol_not_eligible.html", context)
    if row is None or (request.method != "POST" and not row.places.is_taking_enrolments):
        return render(request, "training/enrol_closed.html", context)
    form = EnrolmentForm(
        request.POST if request.method == "POST" else None,
        organisations=eligibility.organisations,
    )
    context["form"] = form
    if request.method != "POST" or not form.is_valid() or "change" in request.POST:
        return render(request, "training/enrol.html", context)
    if request.POST.get("confirm") != "yes":
        context["organisation"] = form.get_organisation()
        return render(request, "training/enrol_check.html", context)
    try:
        enrolment = enrolment_create(
            cohort=cohort,
            user=request.user,
            organisation=form.get_organisation(),
            job_title=form.cleaned_data["job_title"],
            line_manager_email=form.cleaned_data["line_manager_email"],
            needs=form.cleaned_data["needs"],
            consent=form.cleaned_data["consent"],
        )
    except NotEligible as error:
        form.add_error(None, str(error))
        context["sign_url"] = error.sign_url
        return render(request, "training/enrol.html", context)
    except TrainingError as error:
        form.add_error(None, str(error))
        return render(request, "training/enrol.html", context)
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
        },
    )
