"""The organisation admin's pages: members, requests to join, hand-over and withdrawal.

Who may use them: only an approved admin of the organisation named in the address. Anyone
not signed in is sent to sign in. Everyone else who is signed in gets 403, the same answer
whether they are a member of the organisation, an admin of another one, staff, or asking
about a slug that does not exist; so these pages do not tell who belongs where, nor which
slugs exist. A member or signing named by id in the address is looked up within the
organisation only, so an id from another organisation is 404. The membership services check
the admin again under the organisation's lock: one demoted a moment ago gets 403 too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from declaration.errors import TransitionNotAllowed
from declaration.forms.organisation_admin import HandOverForm, WithdrawForm
from declaration.models import Membership
from declaration.selectors import organisation_admin as selectors
from declaration.services import memberships
from declaration.services.moderation_withdrawal import signing_withdraw_published
from localdigital.accounts.models import User
from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.errors import DomainError
from localdigital.forms import posted
from localdigital.http import require_safe_or_post

from ..errors import (
    MembershipAlreadyAdminError,
    MembershipAlreadyApprovedError,
    MembershipError,
    MembershipLastAdminError,
    MembershipNotAdminError,
    MembershipNotApprovedError,
    MembershipNotInOrganisationError,
    NotOrganisationAdmin,
    ReasonRequired,
)

TEMPLATES = "declaration/organisation_admin"


def organisation_admin_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Let through only an approved admin of the organisation whose slug is in the address.

    The view gets the admin's membership in place of the slug. The check comes before any
    other, the request's method included, so that everyone else gets the same answer.
    """

    @wraps(view)
    def wrapped(request: AuthenticatedHttpRequest, slug: str, **kwargs: object) -> HttpResponse:
        admin = selectors.managed_membership_get(user=request.user, slug=slug)
        if admin is None:
            raise PermissionDenied
        return view(request, admin, **kwargs)

    return login_required(wrapped)


def _members_url(admin: Membership) -> str:
    return reverse("declaration:organisation-members", kwargs={"slug": admin.organisation.slug})


def _name(membership: Membership) -> str:
    return membership.user.full_name or membership.user.email


@organisation_admin_required
@require_safe
def organisation_members(request: AuthenticatedHttpRequest, admin: Membership) -> HttpResponse:
    """List the organisation's members and its requests to join, with what the admin can do."""
    page = selectors.organisation_members_page(admin_membership=admin)
    return render(request, f"{TEMPLATES}/members.html", {"page": page})


@dataclass(frozen=True)
class JoinRequestAnswer:
    """An admin's answer to a request to join: the service that gives it (with the person
    and the admin), and what the admin reads once it is given, or when the person is already
    a member. The messages name the person and the organisation as ``{name}`` and
    ``{organisation}``."""

    give: Callable[[Membership, User], object]
    done: str
    already_member: str


JOIN_REQUEST_ANSWERS = {
    "approve": JoinRequestAnswer(
        lambda membership, admin: memberships.membership_approve(
            membership=membership, approved_by=admin
        ),
        done="{name} is now a member of {organisation}",
        already_member="{name} is already a member of {organisation}",
    ),
    "refuse": JoinRequestAnswer(
        lambda membership, admin: memberships.membership_refuse(
            membership=membership, refused_by=admin
        ),
        done="You refused {name}'s request to join",
        already_member=(
            "{name} is already a member of {organisation}. To take them out, remove them"
        ),
    ),
}


@organisation_admin_required
@require_POST
def organisation_join_request_answer(
    request: AuthenticatedHttpRequest, admin: Membership, pk: int, answer: str
) -> HttpResponse:
    """Approve or refuse (``answer``, from the address) the request to join ``pk``: the
    buttons on the members page. Then go back to the members page, saying what was done, or
    what another admin did first."""
    given = JOIN_REQUEST_ANSWERS[answer]
    organisation = admin.organisation
    membership = selectors.organisation_membership_get(organisation=organisation, pk=pk)
    if membership is None:
        raise Http404
    names = {"name": _name(membership), "organisation": organisation.name}
    try:
        given.give(membership, request.user)
    except MembershipNotAdminError as error:
        raise PermissionDenied from error
    except MembershipAlreadyApprovedError:
        messages.info(request, given.already_member.format(**names))
    except Membership.DoesNotExist:
        messages.info(request, "{name}'s request to join has already been refused".format(**names))
    else:
        messages.success(request, given.done.format(**names))
    return redirect(_members_url(admin))


@organisation_admin_required
@require_safe_or_post
def organisation_member_remove(
    request: AuthenticatedHttpRequest, admin: Membership, pk: int
) -> HttpResponse:
    """Ask the admin to confirm removing a member (themselves included), then remove them."""
    organisation = admin.organisation
    membership = selectors.organisation_member_get(organisation=organisation, pk=pk)
    if membership is None:
        raise Http404
    is_you = membership.pk == admin.pk
    context = {
        "organisation": organisation,
        "member_name": _name(membership),
        "member_email": membership.user.email,
        "is_you": is_you,
        "problem": "",
    }
    if request.method == "POST":
        try:
            memberships.membership_remove(membership=membership, removed_by=request.user)
        except MembershipNotAdminError as error:
            raise PermissionDenied from error
        except MembershipLastAdminError:
            context["problem"] = (
                f"You are the only organisation admin for {organisation.name}. "
                "Make someone else the organisation admin before you leave"
            )
            return render(request, f"{TEMPLATES}/member_remove.html", context)
        except Membership.DoesNotExist:
            messages.info(request, f"{_name(membership)} has already been removed")
            return redirect(_members_url(admin))
        if is_you:
            messages.success(request, f"You have left {organisation.name}")
            return redirect("pages:account")
        messages.success(request, f"{_name(membership)} has been removed from {organisation.name}")
        return redirect(_members_url(admin))
    return render(request, f"{TEMPLATES}/member_remove.html", context)


# What each refusal of a hand-over means to the admin, shown beside the list of members.
HAND_OVER_ERRORS: dict[type[MembershipError], str] = {
    MembershipNotInOrganisationError: (
        "That person is no longer a member. Select one of the members listed"
    ),
    MembershipNotApprovedError: (
        "That person's request to join has not been approved. Select one of the members listed"
    ),
    MembershipAlreadyAdminError: (
        "That member is already an organisation admin. Select one of the members listed"
    ),
    MembershipNotAdminError: "You are no longer an organisation admin",
}


@organisation_admin_required
@require_safe_or_post
def organisation_hand_over(request: AuthenticatedHttpRequest, admin: Membership) -> HttpResponse:
    """Make another approved member the organisation admin, staying an admin or not."""
    organisation = admin.organisation
    candidates = selectors.hand_over_candidates(organisation=organisation)
    form = HandOverForm(posted(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        stay_admin = form.cleaned_data["stay_admin"]
        chosen = selectors.organisation_member_get(
            organisation=organisation, pk=form.cleaned_data["member"]
        )
        try:
            if chosen is None:
                raise MembershipNotInOrganisationError
            new_admin = memberships.membership_admin_hand_over(
                organisation=organisation,
                from_membership=admin,
                to_membership=chosen,
                handed_over_by=request.user,
                stay_admin=stay_admin,
            )
        except MembershipError as error:
            form.add_error(
                "member", HAND_OVER_ERRORS.get(type(error), "Select one of the members listed")
            )
        else:
            messages.success(
                request,
                f"{_name(new_admin)} is now an organisation admin for {organisation.name}",
            )
            if stay_admin:
                return redirect(_members_url(admin))
            return redirect("pages:account")
    return render(
        request,
        f"{TEMPLATES}/hand_over.html",
        {"organisation": organisation, "form": form, "has_candidates": bool(candidates)},
    )


@organisation_admin_required
@require_safe_or_post
def organisation_withdraw(request: AuthenticatedHttpRequest, admin: Membership) -> HttpResponse:
    """Warn what withdrawing means, ask why, and withdraw the organisation from the Declaration.

    An organisation that is not on the list of signatories has nothing to withdraw (404).
    """
    organisation = admin.organisation
    signing = selectors.signing_published_get(organisation=organisation)
    if signing is None:
        raise Http404
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            signing_withdraw_published(
                signing=signing, withdrawn_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ReasonRequired:
            form.add_error("reason", form.fields["reason"].error_messages["required"])
        except NotOrganisationAdmin:
            form.add_error(None, f"Only an organisation admin can withdraw {organisation.name}")
        except TransitionNotAllowed:
            form.add_error(
                None,
                f"{organisation.name} is no longer on the list of signatories, "
                "so there is nothing to withdraw",
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return redirect("declaration:organisation-withdrawn", slug=organisation.slug)
    return render(
        request,
        f"{TEMPLATES}/withdraw.html",
        {"organisation": organisation, "signing": signing, "form": form},
    )


@organisation_admin_required
@require_safe
def organisation_withdrawn(request: AuthenticatedHttpRequest, admin: Membership) -> HttpResponse:
    """Confirm that the organisation has withdrawn from the Declaration."""
    signing = selectors.signing_withdrawn_latest(organisation=admin.organisation)
    if signing is None:
        raise Http404
    return render(
        request,
        f"{TEMPLATES}/withdrawn.html",
        {"organisation": admin.organisation, "signing": signing},
    )
