"""The end of the signing journey: checking the answers and signing, the confirmation,
withdrawing or deleting a signing, and its page."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from declaration.errors import AlreadySigned, TransitionNotAllowed
from declaration.forms.signing import (
    WithdrawForm,
)
from declaration.models import OrganisationType, Principle, Signing, SigningStatus
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
from declaration.services import signing as services
from declaration.services import signing_withdrawal as withdrawal_services
from declaration.views.signing import _already_signed_url, _is_from_check, _step_url, signer_draft
from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.errors import DomainError
from localdigital.forms import posted
from localdigital.http import require_safe_or_post

from ..errors import SigningIncomplete


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
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            withdrawal_services.signing_withdraw_pending(
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
            withdrawal_services.signing_draft_delete(signing=signing, deleted_by=request.user)
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
