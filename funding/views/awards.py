"""Pages for applicants once their round's decisions are announced, and for the teams of
funded projects.

- An application's outcome: approved, with the amount and conditions, or rejected, with
  feedback. Before the announcement there is no such page (404), whatever staff have
  recorded: applicants see nothing of a decision until then.
- The grant offer: an approved admin of the lead organisation accepts it, or declines it
  with a reason after a confirmation page. Each answer posted redirects (Post/Redirect/Get).
- A project's team (members of the lead and partner organisations) posts progress updates
  and adds and removes outputs.

Domain errors become GOV.UK error messages, never a server error.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.errors import DomainError
from localdigital.forms import posted
from localdigital.http import require_safe_or_post

from ..forms.awards import DeclineForm, ProgressUpdateForm, ProjectOutputForm
from ..selectors import awards as selectors
from ..selectors.applications import ApplicationAccess
from ..selectors.awards import ApplicationOutcome, ProjectTeamAccess
from ..services import awards as services
from .applications import member_application


def _outcome_or_404(
    request: AuthenticatedHttpRequest, access: ApplicationAccess
) -> ApplicationOutcome:
    outcome = selectors.application_outcome_get(application=access.application, user=request.user)
    if outcome is None:
        raise Http404("This application has no announced outcome.")
    return outcome


def _outcome_url(access: ApplicationAccess) -> str:
    return reverse("funding:application-outcome", args=[access.application.reference])


def _context(access: ApplicationAccess, outcome: ApplicationOutcome, **extra: object) -> dict:
    application = access.application
    return {
        "application": application,
        "round": application.round,
        "outcome": outcome,
        "outcome_url": _outcome_url(access),
        "back_url": reverse("funding:application-detail", args=[application.reference]),
        **extra,
    }


@require_safe
@member_application
def application_outcome(
    request: AuthenticatedHttpRequest, access: ApplicationAccess
) -> HttpResponse:
    """The announced outcome of an application, and its grant offer."""
    outcome = _outcome_or_404(request, access)
    return render(request, "funding/award/outcome.html", _context(access, outcome))


def _refuse_answer(
    request: AuthenticatedHttpRequest, access: ApplicationAccess, outcome: ApplicationOutcome
) -> HttpResponse | None:
    """Send back to the outcome, saying why, anyone who may not answer the offer now."""
    if outcome.can_answer:
        return None
    if outcome.is_offered:
        messages.error(
            request,
            f"Only an organisation admin of {access.application.lead_organisation.name} can "
            "accept or decline the grant offer.",
        )
    elif outcome.award is not None:
        messages.error(
            request, f"The grant offer has been {outcome.award_status_label.lower()} already."
        )
    return redirect(_outcome_url(access))


@require_safe_or_post
@member_application
def application_offer_accept(
    request: AuthenticatedHttpRequest, access: ApplicationAccess
) -> HttpResponse:
    """Confirm, then accept the grant offer (an organisation admin of the lead)."""
    outcome = _outcome_or_404(request, access)
    refused = _refuse_answer(request, access, outcome)
    if refused is not None:
        return refused
    assert outcome.award is not None  # an offer has its award
    if request.method == "POST":
        try:
            services.award_offer_accept(award=outcome.award, accepted_by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"You have accepted the grant for {outcome.award.title}")
        return redirect(_outcome_url(access))
    return render(request, "funding/award/accept.html", _context(access, outcome))


def _decline_reason_key(outcome: ApplicationOutcome) -> str:
    """Return the session key keeping the reason given for declining this award's offer,
    between the question and the confirmation page."""
    assert outcome.award is not None
    return f"funding.offer_decline_reason.{outcome.award.pk}"


@require_safe_or_post
@member_application
def application_offer_decline(
    request: AuthenticatedHttpRequest, access: ApplicationAccess
) -> HttpResponse:
    """Ask why the lead declines the grant offer (an organisation admin of the lead).

    Continue keeps the reason in the session and goes to the confirmation page; coming
    back here to change it shows it again.
    """
    outcome = _outcome_or_404(request, access)
    refused = _refuse_answer(request, access, outcome)
    if refused is not None:
        return refused
    key = _decline_reason_key(outcome)
    form = DeclineForm(posted(request), initial={"reason": request.session.get(key, "")})
    if request.method == "POST" and form.is_valid():
        request.session[key] = form.cleaned_data["reason"]
        return redirect("funding:application-offer-decline-check", access.application.reference)
    return render(request, "funding/award/decline.html", _context(access, outcome, form=form))


@require_safe_or_post
@member_application
def application_offer_decline_check(
    request: AuthenticatedHttpRequest, access: ApplicationAccess
) -> HttpResponse:
    """Show the reason given and ask to confirm, then decline the grant offer.

    Without a reason given first (a new session, or the offer declined already) it sends
    back to the question.
    """
    outcome = _outcome_or_404(request, access)
    refused = _refuse_answer(request, access, outcome)
    if refused is not None:
        return refused
    assert outcome.award is not None
    key = _decline_reason_key(outcome)
    reason = request.session.get(key, "")
    if not reason:
        return redirect("funding:application-offer-decline", access.application.reference)
    if request.method == "POST":
        try:
            services.award_offer_decline(
                award=outcome.award, declined_by=request.user, reason=reason
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            del request.session[key]
            messages.success(request, f"You have declined the grant for {outcome.award.title}")
        return redirect(_outcome_url(access))
    return render(
        request,
        "funding/award/decline_confirm.html",
        _context(
            access,
            outcome,
            reason=reason,
            change_url=reverse(
                "funding:application-offer-decline", args=[access.application.reference]
            ),
        ),
    )


def _team_or_404(request: AuthenticatedHttpRequest, slug: str) -> ProjectTeamAccess:
    team = selectors.project_for_team_get(slug=slug, user=request.user)
    if team is None:
        raise Http404("No such funded project.")
    return team


@login_required
@require_safe_or_post
def project_update_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Post a progress update on a funded project (its team); it is public at once."""
    team = _team_or_404(request, slug)
    form = ProgressUpdateForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            update = services.progress_update_post(
                award=team.award,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                posted_by=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your update has been posted")
            return redirect(f"{team.public_url}#update-{update.pk}")
    return render(request, "funding/award/update_new.html", {"form": form, "team": team})


@login_required
@require_safe_or_post
def project_outputs(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """List a funded project's outputs, and add one (its team)."""
    team = _team_or_404(request, slug)
    form = ProjectOutputForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            output = services.project_output_add(
                award=team.award,
                title=form.cleaned_data["title"],
                url=form.cleaned_data["url"],
                output_type=form.cleaned_data["output_type"],
                added_by=request.user,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"“{output.title}” has been added to the project")
            return redirect("funding:project-outputs", slug=team.slug)
    return render(
        request,
        "funding/award/outputs.html",
        {"form": form, "team": team, "outputs": selectors.project_outputs(award=team.award)},
    )


@login_required
@require_safe_or_post
def project_output_remove(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Ask to confirm, then take an output off a funded project (its team)."""
    team = _team_or_404(request, slug)
    output = selectors.project_output_get(award=team.award, pk=pk)
    if output is None:
        raise Http404("No such output.")
    if request.method == "POST":
        try:
            services.project_output_remove(output=output, removed_by=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"“{output.title}” has been removed from the project")
        return redirect("funding:project-outputs", slug=team.slug)
    return render(
        request,
        "funding/award/output_remove.html",
        {
            "team": team,
            "output": output,
            "back_url": reverse("funding:project-outputs", args=[team.slug]),
        },
    )
