"""The users' list and pages: only superusers hold permissions on users."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.http import HttpRequest

from localdigital.admin_pages import ServiceSaveMixin

from .. import services
from ..models import User
from ..requests import request_staff_user
from .forms import UserChangeForm, UserCreationForm


@admin.register(User)
class UserAdmin(ServiceSaveMixin, BaseUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = (
        "email",
        "full_name",
        "is_staff",
        "is_active",
        "email_verified_at",
        "last_login",
    )
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    search_fields = ("email", "full_name")
    readonly_fields = ("last_login", "date_joined", "email_verified_at")
    fieldsets = (
        (None, {"fields": ("email", "full_name", "password")}),
        ("Sign-in", {"fields": ("email_verified_at", "last_login", "date_joined")}),
        (
            "Permissions",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name")}),)

    def save_through_service(
        self, request: HttpRequest, obj: User, form: Any, change: bool
    ) -> User:
        if change:
            # What changed in a person's privileges is recorded once the form's groups are
            # saved too (``save_related``).
            obj.save()
            return obj
        return services.user_create(
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data.get("full_name", ""),
            created_by=request_staff_user(request),
        )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            services.user_privileges_record(
                user=form.instance,
                changed=form.changed_data,
                changed_by=request_staff_user(request),
            )
