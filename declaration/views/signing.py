"""The signing journey (/declaration/sign/): a GOV.UK question page for each answer, check
your answers, a confirmation panel; withdrawing a pending signing; and asking to join an
organisation that has already signed.

Each page validates a form, calls one service and redirects, or shows the form again with
its errors. Domain errors become error messages or pages, never a server error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from declaration.errors import AlreadySigned, TransitionNotAllowed
from declaration.forms.signing import (
    DigitalLeadForm,
    OrganisationDetailsForm,
    OrganisationForm,
    ProjectForm,
    RoleForm,
    SeniorLeaderForm,
)
from declaration.models import Organisation, Principle, Signing, SigningStatus
from declaration.selectors import signing as selectors
from declaration.selectors.signing import (
    STEP_CHECK,
    STEP_DIGITAL_LEAD,
    STEP_ORGANISATION,
    STEP_ORGANISATION_DETAILS,
    STEP_PROJECT,
    STEP_ROLE,
    STEP_SENIOR_LEADER,
)
from declaration.services import signing as services
from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.forms import posted
from localdigital.http import require_safe_or_post

from ..errors import OrganisationClosed

# A question page opened from "Check your answers" carries ?from=check, and goes back there.
FROM_CHECK = "check"
DraftView = Callable[[AuthenticatedHttpRequest, Signing], HttpResponse]


def _step_url(step: str, signing: Signing, *, from_check: bool = False) -> str:
    url = reverse(f"declaration:sign-{step}", args=[signing.reference])
    return f"{url}?{urlencode({'from': FROM_CHECK})}" if from_check else url


def _is_from_check(request: HttpRequest) -> bool:
    return request.GET.get("from") == FROM_CHECK


def signer_draft(view: DraftView) -> Callable[..., HttpResponse]:
    """Give the view the signed-in signer's draft named by the URL's reference.

    Anyone else's signing, or none, is not found (404). The signer's own signing that is
    no longer a draft cannot be changed: they go to their account, where it is listed.
    """

    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
        signing = selectors.signing_for_signer_get(
            reference=reference, signer=request.user, status=SigningStatus.DRAFT
        )
        if signing is not None:
            return view(request, signing)
        if selectors.signing_for_signer_get(reference=reference, signer=request.user):
            return redirect("pages:account")
        raise Http404("No such signing.")

    return login_required(wrapped)


@require_safe
def sign_start(request: HttpRequest) -> HttpResponse:
    """Say what signing commits an organisation to, what it gets, and what the signer needs.

    Start now asks the first question; someone not signed in signs in first, and the link
    in their email brings them to it.
    """
    start_url = reverse("declaration:sign-new")
    if not request.user.is_authenticated:
        start_url = f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': start_url})}"
    return render(
        request,
        "declaration/signing/start.html",
        {
            "principles": Principle.labels,
            "start_url": start_url,
            "needs_sign_in": not request.user.is_authenticated,
        },
    )


@dataclass(frozen=True)
class Question:
    """One question page of the journey."""

    form_class: type[forms.Form]
    template: str
    title: str


def _question_page(
    request: AuthenticatedHttpRequest,
    signing: Signing,
    *,
    question: Question,
    initial: dict[str, Any],
    back_url: str,
    save: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """Show a question, and on a valid answer save it (``save`` returns where to go next).

    From "Check your answers" (``?from=check``) the back link and the next page are the
    check page. A draft submitted meanwhile (in another tab) can no longer change: the
    signer goes to their account, where it is listed.
    """
    from_check = _is_from_check(request)
    form = question.form_class(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            next_url = save(form.cleaned_data)
        except TransitionNotAllowed:
            return redirect("pages:account")
        return redirect(_step_url(STEP_CHECK, signing) if from_check else next_url)
    return render(
        request,
        question.template,
        {
            "form": form,
            "signing": signing,
            "title": question.title,
            "back_url": _step_url(STEP_CHECK, signing) if from_check else back_url,
        },
    )


def _already_signed_url(organisation: Organisation, signing: Signing | None) -> str:
    url = reverse("declaration:sign-already-signed", args=[organisation.slug])
    if signing is None:
        return url
    return f"{url}?{urlencode({'reference': signing.reference})}"


def _organisation_page(request: AuthenticatedHttpRequest, signing: Signing | None) -> HttpResponse:
    """Ask which organisation, from the register, the signer is signing for.

    With no ``signing`` yet, the answer starts the draft: none exists before it. One that
    has already signed, or is waiting for checks, ends the journey: the signer is shown who
    signed, and offered to join it instead.
    """
    from_check = signing is not None and _is_from_check(request)
    chosen = signing.organisation if signing is not None else None
    form = OrganisationForm(
        posted(request), initial={"organisation": chosen.slug if chosen else None}
    )
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            if signing is None:
                started = services.signing_start(signer=request.user, organisation=organisation)
                next_url = _step_url(selectors.signing_next_step(started), started)
            else:
                services.signing_organisation_choose(
                    signing=signing, organisation=organisation, chosen_by=request.user
                )
                next_url = _step_url(STEP_CHECK if from_check else STEP_ROLE, signing)
        except AlreadySigned:
            return redirect(_already_signed_url(organisation, signing))
        except OrganisationClosed as error:
            form.add_error("organisation", str(error))
        except TransitionNotAllowed:
            return redirect("pages:account")
        else:
            return redirect(next_url)
    if signing is None:
        back_url = reverse("declaration:sign-start")
        unlisted_url = reverse("declaration:sign-new-organisation-details")
    else:
        back_url = (
            _step_url(STEP_CHECK, signing) if from_check else reverse("declaration:sign-start")
        )
        unlisted_url = _step_url(STEP_ORGANISATION_DETAILS, signing, from_check=from_check)
    return render(
        request,
        "declaration/signing/organisation.html",
        {
            "form": form,
            "signing": signing,
            "title": "Which organisation are you signing for?",
            "back_url": back_url,
            "unlisted_url": unlisted_url,
        },
    )


@login_required
@require_safe_or_post
def sign_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask the first question, the organisation, of a signing not started yet."""
    return _organisation_page(request, None)


@require_safe_or_post
@signer_draft
def sign_organisation(request: AuthenticatedHttpRequest, signing: Signing) -> HttpResponse:
    """Ask again, or change, which organisation the draft is for."""
    return _organisation_page(request, signing)


ORGANISATION_DETAILS = Question(
    OrganisationDetailsForm,
    "declaration/signing/organisation_details.html",
    "Tell us about your organisation",
)


@login_required
@require_safe_or_post
def sign_new_organisation_details(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask about an organisation that is not in the register, for a signing not started
    yet: the answer starts the draft."""
    form = OrganisationDetailsForm(posted(request))
    if request.method == "POST" and form.is_valid():
        answers = form.cleaned_data
        signing = services.signing_start_unlisted(
            signer=request.user,
            name=answers["name"],
            organisation_type=answers["organisation_type"],
            website=answers["website"],
            region=answers["region"],
        )
        return redirect(_step_url(selectors.signing_next_step(signing), signing))
    return render(
        request,
        ORGANISATION_DETAILS.template,
        {
            "form": form,
            "signing": None,
            "title": ORGANISATION_DETAILS.title,
            "back_url": reverse("declaration:sign-new"),
        },
    )


@require_safe_or_post
@signer_draft
def sign_organisation_details(request: AuthenticatedHttpRequest, signing: Signing) -> HttpResponse:
    """Ask about an organisation that is not in the register."""

    def save(answers: dict[str, Any]) -> str:
        services.signing_organisation_propose(
            signing=signing,
            name=answers["name"],
            organisation_type=answers["organisation_type"],
            website=answers["website"],
            region=answers["region"],
            proposed_by=request.user,
        )
        return _step_url(STEP_ROLE, signing)

    return _question_page(
        request,
        signing,
        question=ORGANISATION_DETAILS,
        initial={
            "name": signing.proposed_name,
            "organisation_type": signing.proposed_type,
            "website": signing.proposed_website,
            "region": signing.proposed_region,
        },
        back_url=_step_url(STEP_ORGANISATION, signing),
        save=save,
    )


def _answers_page(
    request: AuthenticatedHttpRequest,
    signing: Signing,
    *,
    question: Question,
    back_url: str,
    next_step: str,
) -> HttpResponse:
    """A question page whose answers are kept in the draft's fields of the same names."""
    fields = list(question.form_class.base_fields)

    def save(answers: dict[str, Any]) -> str:
        services.signing_answers_save(
            signing=signing, answers={name: answers[name] for name in fields}, saved_by=request.user
        )
        return _step_url(next_step, signing)

    return _question_page(
        request,
        signing,
        question=question,
        initial={name: getattr(signing, name) for name in fields},
        back_url=back_url,
        save=save,
    )


def _organisation_step(signing: Signing) -> str:
    """Return the page where the signer gave their organisation, to go back to."""
    return STEP_ORGANISATION_DETAILS if signing.is_organisation_unlisted else STEP_ORGANISATION


@require_safe_or_post
@signer_draft
def sign_role(request: AuthenticatedHttpRequest, signing: Signing) -> HttpResponse:
    """Ask the signer's role in the organisation."""
    return _answers_page(
        request,
        signing,
        question=Question(RoleForm, "declaration/signing/question.html", "What is your role?"),
        back_url=_step_url(_organisation_step(signing), signing),
        next_step=STEP_SENIOR_LEADER,
    )


@require_safe_or_post
@signer_draft
def sign_senior_leader(request: AuthenticatedHttpRequest, signing: Signing) -> HttpResponse:
    """Ask who signs on the organisation's behalf, and which elected member supports it."""
    return _answers_page(
        request,
        signing,
        question=Question(
            SeniorLeaderForm,
            "declaration/signing/senior_leader.html",
            "Who is signing for your organisation?",
        ),
        back_url=_step_url(STEP_ROLE, signing),
        next_step=STEP_DIGITAL_LEAD,
    )


@require_safe_or_post
@signer_draft
def sign_digital_lead(request: AuthenticatedHttpRequest, signing: Signing) -> HttpResponse:
    """Ask who leads the organisation's digital, IT or transformation teams."""
    return _answers_page(
        request,
        signing,
        question=Question(
            DigitalLeadForm,
            "declaration/signing/digital_lead.html",
            "Who is your digital lead?",
        ),
        back_url=_step_url(STEP_SENIOR_LEADER, signing),
        next_step=STEP_PROJECT,
    )


@require_safe_or_post
@signer_draft
def sign_project(request: AuthenticatedHttpRequest, signing: Signing) -> HttpResponse:
    """Ask about the declaration project the organisation commits to."""
    return _answers_page(
        request,
        signing,
        question=Question(
            ProjectForm,
            "declaration/signing/project.html",
            "Your declaration project",
        ),
        back_url=_step_url(STEP_DIGITAL_LEAD, signing),
        next_step=STEP_CHECK,
    )
