"""Staff screens for newsletter test groups: the named lists of people a test of an issue
goes to."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_pages import ServiceSaveMixin
from newsletter.models import NewsletterTestGroup
from newsletter.services import test_groups as test_group_services

from .forms import (
    NewsletterTestGroupForm,
)


@admin.register(NewsletterTestGroup)
class NewsletterTestGroupAdmin(ServiceSaveMixin, admin.ModelAdmin):
    """Test groups: the people, such as the comms team, whom an issue is sent to as a test
    before it goes to every subscriber. Every change goes through an audited service;
    there are no bulk actions, whose delete would bypass it."""

    form = NewsletterTestGroupForm
    actions = None
    list_display = ["name", "people", "updated_at"]
    search_fields = ["name"]

    @admin.display(description="people")
    def people(self, group: NewsletterTestGroup) -> int:
        return len(group.recipients)

    # The service refuses a name another member of staff took since the page opened.
    refused_save = "Nothing was saved. {error}."

    def save_through_service(
        self, request: HttpRequest, obj: NewsletterTestGroup, form: Any, change: bool
    ) -> NewsletterTestGroup:
        staff = request_staff_user(request)
        name, recipients = form.cleaned_data["name"], form.cleaned_data["recipients"]
        if change:
            return test_group_services.newsletter_test_group_update(
                group_id=obj.pk, name=name, recipients=recipients, changed_by=staff
            )
        return test_group_services.newsletter_test_group_create(
            name=name, recipients=recipients, created_by=staff
        )

    def delete_model(self, request: HttpRequest, obj: NewsletterTestGroup) -> None:
        test_group_services.newsletter_test_group_delete(
            group_id=obj.pk, deleted_by=request_staff_user(request)
        )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        # Nothing here offers a bulk delete; should anything call this, each goes the one way.
        for group in queryset:
            self.delete_model(request, group)
