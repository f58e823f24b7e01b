"""Staff screens for signings: moderation with the checks' flags, and importing signatories.

Staff read a signing's answers but never edit them, and nobody deletes a signing. Every change
is an action that calls a service, so it is audited and the people concerned are emailed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.core import signing as django_signing
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import ngettext

from declaration.models import Principle, Signing, SigningStatus
from declaration.selectors import moderation as selectors
from declaration.services import moderation as services
from declaration.services import moderation_withdrawal as withdrawal_services
from declaration.services import signing_import
from localdigital.accounts.models import User
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import (
    ObjectActionsMixin,
    action_form_page,
    confirmed_data,
    run_each,
)

from ..errors import SigningImportConflict
from .forms import IMPORT_SALT, ReasonForm, SigningImportConfirmForm, SigningImportUploadForm

PENDING = SigningStatus.SUBMITTED.value
ALL = "all"


class SigningStatusFilter(admin.SimpleListFilter):
    """Status, showing the signings waiting for checks unless staff choose otherwise."""

    title = "status"
    parameter_name = "status"

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

    def value(self) -> str:
        value = super().value()
        return value if value in {lookup for lookup, _ in self.lookup_choices} else PENDING

    def choices(self, changelist: Any) -> Any:
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == ALL:
            return queryset
        return queryset.filter(status=self.value())


class RegisterListFilter(admin.SimpleListFilter):
    title = "organisation in the register"
    parameter_name = "in_register"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No: staff create it on publishing")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        unlisted = Q(organisation__isnull=True) & ~Q(proposed_name="")
        if self.value() == "no":
            return queryset.filter(unlisted)
        if self.value() == "yes":
            return queryset.exclude(unlisted)
        return queryset


class EmailDomainListFilter(admin.SimpleListFilter):
    """Whether the signer's email domain is one of the organisation's, in words."""

    title = "email domain"
    parameter_name = "email_domain"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("mismatch", "Does not match"), ("match", "Matches")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "mismatch":
            return queryset.filter(domain_mismatch=True)
        if self.value() == "match":
            return queryset.filter(domain_mismatch=False, submitted_at__isnull=False)
        return queryset


def _is_checked(signing: Signing) -> bool:
    """Return whether the checks were made: on submission, which an imported signing skips."""
    return signing.submitted_at is not None and signing.signer_id is not None


def _described(signing: Signing) -> str:
    """Return the signing as an action's page lists it: reference, organisation, status."""
    return (
        f"{signing.reference}: {signing.organisation_name} ({signing.get_status_display().lower()})"
    )


def _check_failed(words: str) -> SafeString:
    """Return a check that failed as a warning icon, then what is wrong in words."""
    return format_html(
        '<img src="{}" alt="" width="14" height="14"> {}',
        static("admin/img/icon-alert.svg"),
        words,
    )


@admin.register(Signing)
class SigningAdmin(ObjectActionsMixin, admin.ModelAdmin):
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

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="declaration_signing_import",
            ),
            *super().get_urls(),
        ]

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

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        signing = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "moderation_actions": (
                self.object_actions(request, signing, self._moderation_actions(signing))
                if signing is not None
                else []
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _moderation_actions(self, signing: Signing) -> list[tuple[str, str]]:
        """Return the actions (name, button label) that the signing's state allows."""
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
            title="Reject signings",
            intro="The signer is emailed your reason, and sees it on their account.",
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
            title="Unpublish signatories",
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
        title: str,
        intro: str,
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

    # Import

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a CSV of signatories, check the dry run line by line, then import it."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        staff = request_staff_user(request)
        upload_form = SigningImportUploadForm()
        confirm_form = None
        result = None
        if request.method == "POST" and "import" in request.POST:
            confirmed = SigningImportConfirmForm(request.POST)
            if not confirmed.is_valid():
                for error in confirmed.errors.get("token", []):
                    self.message_user(request, str(error), messages.ERROR)
                return HttpResponseRedirect(request.path)
            result, confirm_form = self._import_run(
                request,
                rows=confirmed.rows,
                staff=staff,
                dry_run=False,
                source=confirmed.source,
                csv_text=confirmed.csv_text,
            )
            if result is not None and result.imported:
                count = ngettext("%d signatory", "%d signatories", len(result.lines))
                self.message_user(
                    request, f"Imported {count % len(result.lines)}.", messages.SUCCESS
                )
                return HttpResponseRedirect(
                    reverse("admin:declaration_signing_changelist")
                    + f"?status={SigningStatus.PUBLISHED.value}"
                )
        elif request.method == "POST":
            upload_form = SigningImportUploadForm(request.POST, request.FILES)
            if upload_form.is_valid():
                result, confirm_form = self._import_run(
                    request,
                    rows=upload_form.cleaned_data["file"],
                    staff=staff,
                    dry_run=True,
                    source=upload_form.source,
                    csv_text=upload_form.csv_text,
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import signatories",
            "upload_form": upload_form,
            "confirm_form": confirm_form,
            "result": result,
            "columns": signing_import.COLUMNS,
        }
        return TemplateResponse(request, "admin/declaration/signing/import.html", context)

    def _import_run(
        self,
        request: HttpRequest,
        *,
        rows: list[signing_import.SigningImportRow],
        staff: User,
        dry_run: bool,
        source: str,
        csv_text: str,
    ) -> tuple[signing_import.SigningImportResult | None, SigningImportConfirmForm | None]:
        """Run the import, or its dry run; return the result, and the form to import it."""
        try:
            result = signing_import.signings_import(
                rows=rows, imported_by=staff, dry_run=dry_run, source=source
            )
        except SigningImportConflict as error:
            self.message_user(request, str(error), messages.ERROR)
            return None, None
        if not result.is_valid:
            if not dry_run:
                self.message_user(
                    request,
                    "Nothing was imported: some lines are no longer valid. They are shown below.",
                    messages.ERROR,
                )
            return result, None
        token = django_signing.dumps(
            {"csv": csv_text, "source": source}, salt=IMPORT_SALT, compress=True
        )
        return result, SigningImportConfirmForm(initial={"token": token})
