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
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from declaration.errors import AlreadySigned, TransitionNotAllowed
from declaration.forms.signing import (
    DigitalLeadForm,
    OrganisationDetailsForm,
    OrganisationForm,
    ProjectForm,
    RoleForm,
    SeniorLeaderForm,
    WithdrawForm,
)
from declaration.models import Organisation, OrganisationType, Principle, Signing, SigningStatus
from declaration.selectors import membership_get, organisation_get_by_slug
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
from declaration.selectors.signing_record import signing_record_get
from declaration.services import joining
from declaration.services import signing as services
from localdigital.accounts.ratelimit import is_limited
from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.errors import DomainError
from localdigital.http import require_safe_or_post

from ..errors import OrganisationClosed, SigningIncomplete

# A question page opened from "Check your answers" carries ?from=check, and goes back there.
FROM_CHECK = "check"
JOIN_RATE = "10/h"
TOO_MANY_JOIN_REQUESTS = (
    "You have asked to join too many organisations. Wait an hour, then try again"
)
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
    form = question.form_class(request.POST or None, initial=initial)
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
        request.POST or None, initial={"organisation": chosen.slug if chosen else None}
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
    form = OrganisationDetailsForm(request.POST or None)
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


@dataclass(frozen=True)
class AnswerRow:
    """A row of "Check your answers": the question, the answer (lines), and where to change it."""

    key: str
    lines: list[str]
    change_url: str
    change_label: str


def _answer_rows(signing: Signing) -> list[AnswerRow]:
    def row(key: str, lines: list[str], step: str) -> AnswerRow:
        return AnswerRow(
            key=key,
            lines=[line for line in lines if line] or ["Not given"],
            change_url=_step_url(step, signing, from_check=True),
            change_label=key.lower(),
        )

    rows: list[AnswerRow] = []
    if signing.is_organisation_unlisted:
        types = dict(OrganisationType.choices)
        rows += [
            row("Organisation", [signing.proposed_name], STEP_ORGANISATION_DETAILS),
            row("Type", [types.get(signing.proposed_type, "")], STEP_ORGANISATION_DETAILS),
            row("Website", [signing.proposed_website], STEP_ORGANISATION_DETAILS),
            row("Region", [signing.proposed_region], STEP_ORGANISATION_DETAILS),
        ]
    else:
        rows.append(row("Organisation", [signing.organisation_name], STEP_ORGANISATION))
    principles = dict(Principle.choices)
    rows += [
        row("Your role", [signing.signer_role], STEP_ROLE),
        row(
            "Senior leader",
            [signing.senior_leader_name, signing.senior_leader_job_title],
            STEP_SENIOR_LEADER,
        ),
        row(
            "Elected member",
            [signing.elected_member_name, signing.elected_member_role],
            STEP_SENIOR_LEADER,
        ),
        row(
            "Digital lead",
            [
                signing.digital_lead_name,
                signing.digital_lead_job_title,
                signing.digital_lead_email,
            ],
            STEP_DIGITAL_LEAD,
        ),
        row("Project title", [signing.project_title], STEP_PROJECT),
        row("Project description", [signing.project_description], STEP_PROJECT),
        row(
            "Principles the project serves",
            [principles.get(value, value) for value in signing.project_principles],
            STEP_PROJECT,
        ),
    ]
    return rows


@dataclass(frozen=True)
class PageError:
    """An error for the summary at the top of a page that has no form field for it."""

    message: str
    url: str


@require_safe_or_post
@signer_draft
def sign_check(request: AuthenticatedHttpRequest, signing: Signing) -> HttpResponse:
    """Show every answer, each with a Change link, and submit the signing."""
    errors = [
        PageError(answer.message, _step_url(answer.step, signing, from_check=True))
        for answer in selectors.signing_missing_answers(signing)
    ]
    if request.method == "POST" and not errors:
        try:
            services.signing_submit(signing=signing, submitted_by=request.user)
        except AlreadySigned:
            assert signing.organisation is not None
            return redirect(_already_signed_url(signing.organisation, signing))
        except SigningIncomplete as error:
            errors = [
                PageError(answer.message, _step_url(answer.step, signing, from_check=True))
                for answer in error.missing
            ]
        except TransitionNotAllowed:
            return redirect("pages:account")
        except DomainError as error:
            errors = [PageError(str(error), _step_url(STEP_ORGANISATION, signing))]
        else:
            return redirect("declaration:sign-confirmation", signing.reference)
    return render(
        request,
        "declaration/signing/check.html",
        {
            "signing": signing,
            "rows": _answer_rows(signing),
            "errors": errors if request.method == "POST" else [],
            "incomplete": errors,
            "back_url": _step_url(STEP_PROJECT, signing),
            "delete_url": _step_url("delete", signing, from_check=True),
        },
    )


@login_required
@require_safe
def sign_confirmation(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Confirm the submission with its reference, and say what happens next."""
    signing = selectors.signing_for_signer_get(
        reference=reference, signer=request.user, status=SigningStatus.SUBMITTED
    )
    if signing is not None:
        return render(request, "declaration/signing/confirmation.html", {"signing": signing})
    if selectors.signing_for_signer_get(reference=reference, signer=request.user):
        return redirect("pages:account")
    raise Http404("No such signing.")


@login_required
@require_safe_or_post
def sign_withdraw(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Let the signer take back a signing that staff have not checked yet, after a warning."""
    signing = selectors.signing_for_signer_get(
        reference=reference, signer=request.user, status=SigningStatus.SUBMITTED
    )
    if signing is None:
        if selectors.signing_for_signer_get(reference=reference, signer=request.user):
            messages.info(request, f"Signing {reference} is not waiting for checks")
            return redirect("pages:account")
        raise Http404("No such signing.")
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.signing_withdraw_pending(
                signing=signing, withdrawn_by=request.user, reason=form.cleaned_data["reason"]
            )
        except TransitionNotAllowed as error:
            form.add_error("reason", str(error))
        else:
            messages.success(
                request,
                f"You have withdrawn signing {signing.reference} for {signing.organisation_name}",
            )
            return redirect("pages:account")
    return render(
        request,
        "declaration/signing/withdraw.html",
        {"signing": signing, "form": form, "back_url": reverse("pages:account")},
    )


@login_required
@require_safe_or_post
def sign_delete(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Ask the signer to confirm that they want their draft deleted, then delete it.

    A second press of Delete, once the draft has gone, goes to the account page like the
    first. A signing already submitted is withdrawn instead, from the account page.
    """
    signing = selectors.signing_for_signer_get(reference=reference, signer=request.user)
    if signing is None:
        if request.method == "POST":
            return redirect("pages:account")
        raise Http404("No such signing.")
    if signing.status != SigningStatus.DRAFT:
        messages.info(request, f"Signing {reference} has been submitted, so it cannot be deleted")
        return redirect("pages:account")
    from_check = _is_from_check(request)
    if request.method == "POST":
        try:
            services.signing_draft_delete(signing=signing, deleted_by=request.user)
        except TransitionNotAllowed as error:
            messages.info(request, str(error))
        else:
            messages.success(request, f"You have deleted your draft signing {signing.reference}")
        return redirect("pages:account")
    return render(
        request,
        "declaration/signing/delete.html",
        {
            "signing": signing,
            "back_url": (
                _step_url(STEP_CHECK, signing) if from_check else reverse("pages:account")
            ),
        },
    )


@login_required
@require_safe
def signing_detail(request: AuthenticatedHttpRequest, reference: str) -> HttpResponse:
    """Show what a submitted signing said, read only: to its signer, and to the approved
    members of its organisation. Anyone else is told it does not exist."""
    record = signing_record_get(reference=reference, viewer=request.user)
    if record is None:
        raise Http404("No such signing.")
    return render(
        request,
        "declaration/signing/detail.html",
        {"record": record, "back_url": reverse("pages:account")},
    )


def _organisation_or_404(slug: str) -> Organisation:
    organisation = organisation_get_by_slug(slug=slug)
    if organisation is None or not organisation.is_active:
        raise Http404("No such organisation.")
    return organisation


def _back_to_journey_url(request: AuthenticatedHttpRequest) -> str:
    """Return the organisation question of the draft named in ``?reference=``, if it is the
    signer's own draft; else that of a signing not started yet."""
    signing = selectors.signing_for_signer_get(
        reference=request.GET.get("reference", ""),
        signer=request.user,
        status=SigningStatus.DRAFT,
    )
    if signing is not None:
        return _step_url(STEP_ORGANISATION, signing)
    return reverse("declaration:sign-new")


@login_required
@require_safe
def sign_already_signed(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Tell a second signer that the organisation has signed, or is waiting, and offer to join."""
    organisation = _organisation_or_404(slug)
    summary = selectors.organisation_live_signing_summary(organisation=organisation)
    if summary is None:
        raise Http404("This organisation has not signed.")
    membership = membership_get(user=request.user, organisation=organisation)
    return render(
        request,
        "declaration/signing/already_signed.html",
        {
            "summary": summary,
            "organisation": organisation,
            "is_member": membership is not None and membership.is_approved,
            "is_waiting": membership is not None and not membership.is_approved,
            "back_url": _back_to_journey_url(request),
        },
    )


@login_required
@require_POST
def sign_join(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Ask to join the organisation: at once with an email at its domain, else by approval."""
    organisation = _organisation_or_404(slug)
    if is_limited(request, group="declaration.join", key=f"user:{request.user.pk}", rate=JOIN_RATE):
        messages.error(request, TOO_MANY_JOIN_REQUESTS)
        return redirect("declaration:sign-already-signed", organisation.slug)
    try:
        joining.organisation_join_request(organisation=organisation, user=request.user)
    except OrganisationClosed as error:
        raise Http404(str(error)) from error
    return redirect("declaration:sign-joined", organisation.slug)


@login_required
@require_safe
def sign_joined(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Confirm that the signer has joined the organisation, or is waiting for approval."""
    organisation = _organisation_or_404(slug)
    membership = membership_get(user=request.user, organisation=organisation)
    if membership is None:
        raise Http404("You have not asked to join this organisation.")
    return render(
        request,
        "declaration/signing/joined.html",
        {"organisation": organisation, "is_approved": membership.is_approved},
    )
