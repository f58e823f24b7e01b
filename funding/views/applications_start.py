"""Starting an application: the round's start page, and the first section that makes the draft."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from funding.services import applications_start as start_services
from funding.views.applications import _detail_url
from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.errors import DomainError
from localdigital.forms import posted
from localdigital.http import require_safe_or_post

from .. import formats
from ..forms.applications import (
    FollowOnForm,
    ProblemForm,
)
from ..models import SECTION_FIELDS, Section
from ..rules import follow_on_awards as follow_on_awards_for
from ..selectors import rounds as round_selectors
from .common import (
    LeadChoice,
    chosen_lead,
    form_add_refusal,
    new_bid_url,
    sign_in_url,
)


@require_safe_or_post
def application_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Explain what an application asks for, in a round with no EOI stage, and ask which of
    the person's organisations leads it (and, in a round only for projects funded in an
    earlier one, which of them it follows on from).

    Choosing checks that the organisation may start one, then goes on to the first
    section: no draft is made until its answers are saved. An organisation that already
    leads as many applications as the round allows is told so, with links to them.
    """
    round = round_selectors.round_get_open_for_bids(slug=slug)
    if round is None or round.has_eoi_stage:
        raise Http404("No such round takes applications directly.")
    now = timezone.now()
    choice = LeadChoice.asked(request)
    organisations = choice.organisations
    data = posted(request)
    # A round only for projects funded in an earlier one asks which of them this follows.
    follow_on_awards = (
        sorted(
            {
                award.pk: award
                for organisation in organisations
                for award in follow_on_awards_for(round=round, organisation=organisation)
            }.values(),
            key=lambda award: award.title,
        )
        if round.restricted_to_round_id is not None
        else []
    )
    follow_on = (
        FollowOnForm(data, awards=follow_on_awards)
        if round.restricted_to_round_id is not None
        else None
    )
    forms_valid = choice.form.is_valid() if data is not None else False
    if follow_on is not None and data is not None:
        forms_valid = follow_on.is_valid() and forms_valid
    if request.method == "POST" and request.user.is_authenticated and forms_valid:
        person = request.user
        award = follow_on.chosen() if follow_on is not None else None
        lead = choice.allowed_lead(
            round,
            lambda lead: start_services.application_start_check(
                round=round, lead_organisation=lead, started_by=person, follow_on_award=award
            ),
        )
        if lead is not None:
            extra = {"project": award.slug} if award is not None else {}
            return redirect(
                new_bid_url("funding:application-new", round=round, organisation=lead, **extra)
            )
    return render(
        request,
        "funding/application/start.html",
        {
            "round": round,
            **choice.context(),
            "is_open": round.is_applications_open_at(now),
            "opens_at": formats.date_and_time(round.applications_open_at),
            "closes_at": formats.date_and_time(round.applications_close_at),
            "sign_in_url": sign_in_url(request.path),
            "round_url": round.get_absolute_url(),
            "sections": [section.label for section in Section],
            "follow_on": follow_on,
            "bids_kind": "applications",
            "refusal": (
                f"{round.name} is only for projects funded in {round.restricted_to_round.name}. "
                "None of your organisations led or partnered on one, so you cannot apply to "
                "this round."
                if follow_on is not None
                and round.restricted_to_round is not None
                and not follow_on_awards
                else ""
            ),
        },
    )


@login_required
@require_safe_or_post
def application_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Ask the first section of a new application; saving it starts the draft.

    The lead organisation (and the funded project it follows on from, where the round asks)
    chosen on the start page are in the address. Until the answers are saved there is no
    draft, so leaving this page leaves nothing behind. Someone who may not start one is
    sent back to the start page, which says why.
    """
    round = round_selectors.round_get_open_for_bids(slug=slug)
    if round is None or round.has_eoi_stage:
        raise Http404("No such round takes applications directly.")
    start_url = reverse("funding:application-start", args=[round.slug])
    lead = chosen_lead(request, user=request.user)
    if lead is None:
        return redirect(start_url)
    award = None
    if round.restricted_to_round_id is not None:
        project = request.GET.get("project", "")
        award = next(
            (a for a in follow_on_awards_for(round=round, organisation=lead) if a.slug == project),
            None,
        )
        if award is None:
            return redirect(start_url)
    if request.method != "POST":
        try:
            start_services.application_start_check(
                round=round, lead_organisation=lead, started_by=request.user, follow_on_award=award
            )
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(start_url)
    section = Section.PROBLEM
    form = ProblemForm(posted(request), initial={"version": 0}, is_new=True)
    if request.method == "POST" and form.is_valid():
        try:
            application = start_services.application_start(
                round=round,
                lead_organisation=lead,
                started_by=request.user,
                follow_on_award=award,
                first_answers={name: form.cleaned_data[name] for name in SECTION_FIELDS[section]},
                first_completed=form.is_completed,
            )
        except DomainError as error:
            form_add_refusal(form, error)
        else:
            messages.success(
                request,
                f"Your application {application.reference} is started, and “{section.label}” "
                "has been saved.",
            )
            return redirect(_detail_url(application))
    return render(
        request,
        "funding/application/section_problem.html",
        {
            "form": form,
            "application": None,
            "lead": lead,
            "round": round,
            "section": section,
            "title": section.label,
            "back_url": start_url,
        },
    )
