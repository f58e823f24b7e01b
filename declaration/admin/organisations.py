"""Staff screens for organisations and their members."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from declaration import services
from declaration.models import Membership, MembershipRole, Organisation
from declaration.selectors import work_queue
from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import run_each
from localdigital.admin_filters import NamedChoicesFilter, Narrowing
from localdigital.admin_pages import NO_SAVE_BUTTONS, ChangePageMixin, ServiceSaveMixin

from .forms import MembershipAddForm

MEMBERS = ("member", "members")

# The fields the register of local authorities sets. On an organisation from the register
# they are read-only here, because the next import would overwrite any change.
REGISTER_FIELDS = (
    "register_code",
    "name",
    "alternative_names",
    "organisation_type",
    "gss_code",
    "region",
    "nation",
    "parent_county",
    "combined_authority",
    "replaced_by",
    "closed_on",
)


class ClosedListFilter(NamedChoicesFilter):
    title = "status"
    parameter_name = "status"

    def named_choices(self) -> Mapping[str, tuple[str, Narrowing]]:
        return {
            "open": ("Open", Q(closed_on__isnull=True)),
            "closed": ("Closed", Q(closed_on__isnull=False)),
        }


class ApprovedListFilter(NamedChoicesFilter):
    """Approved, waiting for approval, or waiting for staff's: the requests to join an
    organisation with no admin to answer them (as the work queue counts them)."""

    title = "approval"
    parameter_name = "approval"

    def named_choices(self) -> Mapping[str, tuple[str, Narrowing]]:
        return {
            "approved": ("Approved", Q(approved_at__isnull=False)),
            "pending": ("Waiting for approval", Q(approved_at__isnull=True)),
            "staff": (
                "Waiting for staff: the organisation has no admin",
                work_queue.join_requests_for_staff,
            ),
        }


MEMBERSHIP_INLINE_FIELDS = ("user", "role", "approved_at", "created_at")


class MembershipInline(admin.TabularInline):
    """The organisation's members, for reading; changes are made from the membership list."""

    model = Membership
    fields = MEMBERSHIP_INLINE_FIELDS
    readonly_fields = MEMBERSHIP_INLINE_FIELDS
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(ServiceSaveMixin, admin.ModelAdmin):
    """Organisations. Adding and changing go through services and are audited.

    Staff add only organisations outside the register of local authorities, so the add form
    has no register fields. Nobody deletes one, superusers included: an organisation that has
    ended is marked closed, because historic signatories point at it.
    """

    list_display = ["name", "register_code", "organisation_type", "region", "nation", "closed_on"]
    list_filter = ["organisation_type", "region", "nation", ClosedListFilter]
    search_fields = ["name", "alternative_names", "register_code", "gss_code", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent_county", "combined_authority", "replaced_by"]
    inlines = [MembershipInline]
    # Websites typed without a scheme are taken as https, as Django 6 will do by default.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["name", "slug", "organisation_type", "alternative_names"]}),
        (
            "Register of local authorities",
            {
                "description": (
                    "For a local authority these come from mySociety's register and change "
                    "only when the register is imported again."
                ),
                "fields": [
                    field
                    for field in REGISTER_FIELDS
                    if field not in ("name", "alternative_names", "organisation_type")
                ],
            },
        ),
        ("Contact", {"fields": ["website", "email_domains"]}),
        ("History", {"fields": ["created_at", "updated_at"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "description": (
                    "Add an organisation that is not a local authority, such as a government "
                    "department or a sector body. Local authorities come from the register."
                ),
                "fields": ["name", "slug", "organisation_type", "alternative_names"],
            },
        ),
        ("Contact", {"fields": ["website", "email_domains"]}),
    ]

    def get_fieldsets(self, request: HttpRequest, obj: Organisation | None = None) -> Any:
        return self.add_fieldsets if obj is None else self.fieldsets

    def has_delete_permission(self, request: HttpRequest, obj: Organisation | None = None) -> bool:
        return False

    def save_through_service(
        self, request: HttpRequest, obj: Organisation, form: Any, change: bool
    ) -> Organisation:
        data = form.cleaned_data
        if change:
            return services.organisation_update(
                organisation=obj,
                changes={name: data[name] for name in form.fields if name in data},
                updated_by=request_staff_user(request),
            )
        return services.organisation_create(
            name=data["name"],
            slug=data["slug"],
            organisation_type=data["organisation_type"],
            website=data.get("website", ""),
            email_domains=data.get("email_domains") or [],
            alternative_names=data.get("alternative_names") or [],
            created_by=request_staff_user(request),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Organisation | None = None) -> Any:
        if obj is not None and obj.register_code:
            return [*REGISTER_FIELDS, "created_at", "updated_at"]
        return ["created_at", "updated_at"]

    def get_prepopulated_fields(
        self, request: HttpRequest, obj: Organisation | None = None
    ) -> dict[str, Any]:
        # The slug is in public URLs: suggest it for a new organisation, never rewrite it.
        return self.prepopulated_fields if obj is None else {}


MEMBERSHIP_DETAIL_FIELDS = [
    "user",
    "organisation",
    "role",
    "created_at",
    "approved_at",
    "approved_by",
]


@admin.register(Membership)
class MembershipAdmin(ChangePageMixin, ServiceSaveMixin, admin.ModelAdmin):
    """Members of organisations. Every change goes through a service and is audited."""

    list_display = ["user", "organisation", "role", "is_approved", "created_at", "approved_at"]
    list_filter = ["role", ApprovedListFilter]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    list_select_related = ["user", "organisation"]
    autocomplete_fields = ["organisation"]
    actions = ["approve", "make_admin", "make_member"]

    @admin.display(boolean=True, description="approved")
    def is_approved(self, membership: Membership) -> bool:
        return membership.is_approved

    def get_form(
        self,
        request: HttpRequest,
        obj: Membership | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        if obj is None:
            kwargs["form"] = MembershipAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Membership | None = None) -> Any:
        if obj is None:
            return ["organisation", "email", "role"]
        return MEMBERSHIP_DETAIL_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> Any:
        # A membership changes only through the actions on the list, which are audited.
        if obj is None:
            return []
        return MEMBERSHIP_DETAIL_FIELDS

    def change_page_context(self, request: HttpRequest, obj: Membership) -> Mapping[str, Any]:
        # Nothing on this page can be edited, so it offers no save buttons.
        return NO_SAVE_BUTTONS

    def save_through_service(
        self, request: HttpRequest, obj: Membership, form: Any, change: bool
    ) -> Membership:
        if change:
            # Memberships change only through the actions; the change page saves nothing.
            return obj
        return services.membership_add(
            organisation=form.cleaned_data["organisation"],
            user=form.cleaned_data["user"],
            role=form.cleaned_data["role"],
            added_by=request_staff_user(request),
        )

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.membership_remove(membership=obj, removed_by=request_staff_user(request))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        # All or none: a refusal of one (the last admin leaving) removes nobody, as the
        # admin's message then says.
        with transaction.atomic():
            for membership in queryset:
                services.membership_remove(
                    membership=membership, removed_by=request_staff_user(request)
                )

    @admin.action(description="Approve selected members", permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        staff = request_staff_user(request)
        run_each(
            self,
            request,
            # Those approved already are left as they are.
            queryset.filter(approved_at__isnull=True),
            lambda membership: services.membership_approve(
                membership=membership, approved_by=staff
            ),
            label=str,
            done="Approved {}.",
            refused="Not changed:",
            counted=MEMBERS,
        )

    @admin.action(description="Make selected members organisation admins", permissions=["change"])
    def make_admin(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._role_set(request, queryset, role=MembershipRole.ADMIN)

    @admin.action(description="Make selected admins ordinary members", permissions=["change"])
    def make_member(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        self._role_set(request, queryset, role=MembershipRole.MEMBER)

    def _role_set(
        self, request: HttpRequest, queryset: QuerySet[Membership], *, role: MembershipRole
    ) -> None:
        pending = queryset.filter(approved_at__isnull=True)
        if pending:
            self.message_user(
                request,
                "Approve these members before making them admins: "
                f"{', '.join(str(membership) for membership in pending)}.",
                messages.WARNING,
            )
        staff = request_staff_user(request)
        run_each(
            self,
            request,
            # Those who hold the role already are left as they are.
            queryset.filter(approved_at__isnull=False).exclude(role=role),
            lambda membership: services.membership_role_set(
                membership=membership, role=role, changed_by=staff
            ),
            label=str,
            done=f"Changed the role of {{}} to {role.label.lower()}.",
            refused="Not changed:",
            counted=MEMBERS,
        )
