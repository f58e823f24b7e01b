"""Staff's actions on signings: publishing, rejecting, unpublishing and marking co-publishers,
each through a moderation service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from declaration.models import Signing
from declaration.services import moderation as services
from declaration.services import moderation_withdrawal as withdrawal_services
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import (
    action_form_page,
    confirmed_data,
    run_each,
)

from .forms import ReasonForm


def _described(signing: Signing) -> str:
    """Return the signing as an action's page lists it: reference, organisation, status."""
    return (
        f"{signing.reference}: {signing.organisation_name} ({signing.get_status_display().lower()})"
    )


class SigningActionsMixin(admin.ModelAdmin):
    """What the signing admin does to the signings staff select."""

    @admin.action(description="Publish selected signings", permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Signing]) -> Any:
        staff = request_staff_user(request)
        return self._each(
            request,
            queryset,
            lambda signing: services.signing_publish(signing=signing, published_by=staff),
            done="Published {}.",
        )

    @admin.action(
        description="Publish anyway: it is a different organisation", permissions=["change"]
    )
    def publish_different_organisation(
        self, request: HttpRequest, queryset: QuerySet[Signing]
    ) -> Any:
        """Publish signings of unlisted organisations whose names are like listed ones, once
        staff have checked that each is a different organisation."""
        staff = request_staff_user(request)
        return self._each(
            request,
            queryset,
            lambda signing: services.signing_publish(
                signing=signing, published_by=staff, different_organisation_confirmed=True
            ),
            done="Published {}, as different organisations from those with like names.",
        )

    @admin.action(description="Reject selected signings, with a reason", permissions=["change"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Signing]) -> Any:
        staff = request_staff_user(request)
        return self._with_reason(
            request,
            queryset,
            action="reject_selected",
            title=("Reject a signing", "Reject signings"),
            intro=(
                "The signer is emailed your reason, and sees it on their account.",
                "Each signer is emailed your reason, and sees it on their account.",
            ),
            submit="Reject",
            run=lambda signing, reason: services.signing_reject(
                signing=signing, rejected_by=staff, reason=reason
            ),
            done="Rejected {}.",
        )

    @admin.action(
        description="Unpublish selected signatories, with a reason", permissions=["change"]
    )
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet[Signing]) -> Any:
        staff = request_staff_user(request)
        return self._with_reason(
            request,
            queryset,
            action="unpublish_selected",
            title=("Unpublish a signatory", "Unpublish signatories"),
            intro=(
                "They leave the public list of signatories. Their organisation admins are "
                "emailed your reason."
            ),
            submit="Unpublish",
            run=lambda signing, reason: withdrawal_services.signing_unpublish(
                signing=signing, unpublished_by=staff, reason=reason
            ),
            done="Unpublished {}.",
        )

    @admin.action(description="Mark selected as co-publishers", permissions=["change"])
    def mark_co_publisher(self, request: HttpRequest, queryset: QuerySet[Signing]) -> Any:
        staff = request_staff_user(request)
        return self._each(
            request,
            queryset,
            lambda signing: services.signing_co_publisher_set(
                signing=signing, co_publisher=True, changed_by=staff
            ),
            done="Marked {} as co-publishers, signed on 4 July 2018.",
        )

    @admin.action(description="Unmark selected as co-publishers", permissions=["change"])
    def unmark_co_publisher(self, request: HttpRequest, queryset: QuerySet[Signing]) -> Any:
        staff = request_staff_user(request)
        return self._each(
            request,
            queryset,
            lambda signing: services.signing_co_publisher_set(
                signing=signing, co_publisher=False, changed_by=staff
            ),
            done="Unmarked {} as co-publishers. Their date signed is unchanged.",
        )

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Signing],
        run: Callable[[Signing], Signing],
        *,
        done: str,
    ) -> None:
        """Run the service on each signing, and tell staff what it did and what it refused."""
        run_each(
            self,
            request,
            queryset.order_by("pk"),
            run,
            label=lambda signing: signing.reference,
            done=done,
            counted=("signing", "signings"),
            refused="Not changed:",
        )

    def _with_reason(
        self,
        request: HttpRequest,
        queryset: QuerySet[Signing],
        *,
        action: str,
        title: tuple[str, str],
        intro: str | tuple[str, str],
        submit: str,
        run: Callable[[Signing, str], Signing],
        done: str,
    ) -> HttpResponse | None:
        """Ask for the reason on the action's page, then run the service on each signing."""
        form = ReasonForm(confirmed_data(request))
        if not form.is_valid():
            return action_form_page(
                self,
                request,
                action=action,
                title=title,
                intro=intro,
                submit=submit,
                form=form,
                objects=[(signing.pk, _described(signing)) for signing in queryset.order_by("pk")],
            )
        reason = form.cleaned_data["reason"]
        self._each(request, queryset, lambda signing: run(signing, reason), done=done)
        return None
