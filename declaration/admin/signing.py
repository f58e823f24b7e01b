"""Staff screens for signings: moderation with the checks' flags, and importing signatories.

Staff read a signing's answers but never edit them, and nobody deletes a signing. Every change
is an action that calls a service, so it is audited and the people concerned are emailed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from declaration.admin.signing_actions import SigningActionsMixin
from declaration.admin.signing_import import SigningImportMixin
from declaration.models import Principle, Signing, SigningStatus
from declaration.selectors import moderation as selectors
from localdigital.admin_actions import (
    ObjectActionsMixin,
)
from localdigital.admin_filters import ALL, NamedChoicesFilter, Narrowing, WaitingStatusFilter

PENDING = SigningStatus.SUBMITTED.value


class SigningStatusFilter(WaitingStatusFilter):
    """Status, showing the signings waiting for checks unless staff choose otherwise."""

    waiting = PENDING

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (PENDING, "Pending"),
            *[
                (status.value, status.label)
                for status in SigningStatus
                if status != SigningStatus.SUBMITTED
            ],
            (ALL, "All"),
        ]


class RegisterListFilter(NamedChoicesFilter):
    title = "organisation in the register"
    parameter_name = "in_register"

    def named_choices(self) -> Mapping[str, tuple[str, Narrowing]]:
        unlisted = Q(organisation__isnull=True) & ~Q(proposed_name="")
        return {"yes": ("Yes", ~unlisted), "no": ("No: staff create it on publishing", unlisted)}


class EmailDomainListFilter(NamedChoicesFilter):
    """Whether the signer's email domain is one of the organisation's, in words."""

    title = "email domain"
    parameter_name = "email_domain"

    def named_choices(self) -> Mapping[str, tuple[str, Narrowing]]:
        return {
            "mismatch": ("Does not match", Q(domain_mismatch=True)),
            "match": ("Matches", Q(domain_mismatch=False, submitted_at__isnull=False)),
        }


def _is_checked(signing: Signing) -> bool:
    """Return whether the checks were made: on submission, which an imported signing skips."""
    return signing.submitted_at is not None and signing.signer_id is not None


def _check_failed(words: str) -> SafeString:
    """Return a check that failed as a warning icon, then what is wrong in words."""
    return format_html(
        '<img src="{}" alt="" width="14" height="14"> {}',
        static("admin/img/icon-alert.svg"),
        words,
    )


@admin.register(Signing)
class SigningAdmin(SigningImportMixin, SigningActionsMixin, ObjectActionsMixin, admin.ModelAdmin):
    """Signings, pending first, with the flags that tell staff what to check.

    The detail page is read-only; publishing, rejecting, unpublishing and marking or
    unmarking co-publishers are actions that call the moderation services. A signing of an
    unlisted organisation whose name is like a listed one is refused by "Publish" and
    published by "Publish anyway: it is a different organisation", once staff have checked.
    """

    list_display = [
        "reference",
        "organisation_name",
        "status",
        "signed_on",
        "submitted_at",
        "email_domain_check",
        "register_check",
        "duplicate_check",
        "co_publisher",
    ]
    list_display_links = ["reference", "organisation_name"]
    list_filter = [
        SigningStatusFilter,
        EmailDomainListFilter,
        RegisterListFilter,
        "possible_duplicate",
        "co_publisher",
    ]
    search_fields = ["organisation__name", "proposed_name", "reference", "signer__email"]
    search_help_text = "Search by organisation, proposed organisation name, reference or signer."
    ordering = ["-submitted_at", "-signed_on", "-pk"]
    fieldsets = [
        (
            "Signing",
            {
                "fields": [
                    "reference",
                    "status",
                    "version",
                    "signed_on",
                    "co_publisher",
                ]
            },
        ),
        (
            "Organisation",
            {
                "fields": [
                    "organisation",
                    "proposed_name",
                    "proposed_type",
                    "proposed_website",
                    "proposed_region",
                ]
            },
        ),
        (
            "Checks",
            {
                "fields": [
                    "email_domain_detail",
                    "register_check",
                    "duplicate_check",
                    "similar_names",
                ]
            },
        ),
        ("Signer", {"fields": ["signer", "signer_email", "signer_role"]}),
        (
            "Senior leader and elected member",
            {
                "fields": [
                    "senior_leader_name",
                    "senior_leader_job_title",
                    "elected_member_name",
                    "elected_member_role",
                ]
            },
        ),
        (
            "Digital lead",
            {"fields": ["digital_lead_name", "digital_lead_job_title", "digital_lead_email"]},
        ),
        (
            "Declaration project",
            {"fields": ["project_title", "project_description", "principles"]},
        ),
        (
            "History",
            {
                "fields": [
                    "created_at",
                    "submitted_at",
                    "published_at",
                    "published_by",
                    "rejected_at",
                    "rejected_by",
                    "rejection_reason",
                    "withdrawn_at",
                    "withdrawn_by",
                    "withdrawal_reason",
                    "unpublished_at",
                    "unpublished_by",
                    "unpublish_reason",
                ]
            },
        ),
    ]
    actions = [
        "publish_selected",
        "publish_different_organisation",
        "reject_selected",
        "unpublish_selected",
        "mark_co_publisher",
        "unmark_co_publisher",
    ]

    def view_on_site(self, obj: Signing) -> str | None:
        """Link to the signatory page only while it is public: a signing that is not
        published has none."""
        if obj.status != SigningStatus.PUBLISHED:
            return None
        return obj.get_absolute_url()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Signing]:
        return selectors.signings_for_admin()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Signing | None = None) -> bool:
        # Staff change signings only through the actions; the answers are the signer's.
        if obj is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Signing | None = None) -> bool:
        return False

    # Columns and read-only fields

    @admin.display(description="organisation", ordering="organisation__name")
    def organisation_name(self, signing: Signing) -> str:
        return signing.organisation_name

    # The checks made when the signing was submitted. Each says in words what it found; one
    # that failed is something for staff to check, so it has a warning icon, never a tick.

    @admin.display(description="email domain", ordering="domain_mismatch")
    def email_domain_check(self, signing: Signing) -> SafeString | str:
        if not _is_checked(signing):
            return "Not checked"
        return _check_failed("Does not match") if signing.domain_mismatch else "Matches"

    @admin.display(description="email domain")
    def email_domain_detail(self, signing: Signing) -> SafeString | str:
        """Whether the signer's email is at one of the organisation's domains, and which."""
        if signing.status == SigningStatus.DRAFT:
            return "Not checked yet: it is checked when the signer submits"
        if not _is_checked(signing):
            return "Not checked: the signing was not submitted online"
        assert signing.signer is not None
        email = signing.signer.email
        organisation = signing.organisation
        if organisation is None:
            return _check_failed(
                f"Does not match: the organisation is not in the register, so it has no "
                f"email domains to check the signer's email, {email}, against."
            )
        domains = ", ".join(organisation.email_domains) or "none recorded"
        if signing.domain_mismatch:
            return _check_failed(
                f"Does not match: the signer's email, {email}, is not at one of "
                f"{organisation.name}'s email domains ({domains})."
            )
        return (
            f"Matches: the signer's email, {email}, is at one of {organisation.name}'s "
            f"email domains ({domains})."
        )

    @admin.display(description="register")
    def register_check(self, signing: Signing) -> SafeString | str:
        if signing.is_organisation_unlisted:
            return _check_failed("Not in the register")
        return "In the register"

    @admin.display(description="duplicate", ordering="possible_duplicate")
    def duplicate_check(self, signing: Signing) -> SafeString | str:
        if signing.possible_duplicate:
            return _check_failed("Possible duplicate")
        return "No name like it" if signing.is_organisation_unlisted else "-"

    @admin.display(description="signer's email")
    def signer_email(self, signing: Signing) -> str:
        return signing.signer.email if signing.signer else "-"

    @admin.display(description="names like it")
    def similar_names(self, signing: Signing) -> str:
        """Organisations, and other unlisted ones waiting, with a name like the one described."""
        similar = selectors.signing_similar_names(signing=signing)
        return "; ".join(f"{name.name}, {name.detail}" for name in similar) or "-"

    @admin.display(description="principles it serves")
    def principles(self, signing: Signing) -> str:
        labels = dict(Principle.choices)
        return "; ".join(labels.get(value, value) for value in signing.project_principles) or "-"

    # Pages

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {
            **(extra_context or {}),
            "import_url": (
                reverse("admin:declaration_signing_import")
                if self.has_change_permission(request)
                else ""
            ),
        }
        return super().changelist_view(request, extra_context)

    object_actions_heading = "Moderate this signing"

    def object_action_choices(
        self, request: HttpRequest, signing: Signing
    ) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        if signing.status == SigningStatus.SUBMITTED:
            found.append(("publish_selected", "Publish"))
            if signing.is_organisation_unlisted:
                found.append(
                    (
                        "publish_different_organisation",
                        "Publish anyway: it is a different organisation",
                    )
                )
            found.append(("reject_selected", "Reject…"))
        if signing.status == SigningStatus.PUBLISHED:
            found.append(("unpublish_selected", "Unpublish…"))
            if signing.co_publisher:
                found.append(("unmark_co_publisher", "Unmark as co-publisher"))
            else:
                found.append(("mark_co_publisher", "Mark as co-publisher"))
        return found

    # Actions

    # Import
