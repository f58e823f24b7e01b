"""Dates and times in the Django admin, said as every other page says them (GOV.UK style, in
London time): "1:32am on 5 December 2026", "midday on 1 July 2026", "5 December 2026".

Django's admin said "5 Dec 2026, 1:32 a.m." in change lists, read-only fields, inlines and
the history page (localdigital/admin_dates.py, templates/admin/object_history.html).
"""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.contrib.contenttypes.models import ContentType
from django.forms import modelform_factory
from django.test import RequestFactory
from django.urls import reverse

from funding.models import EoiChange
from localdigital.accounts.models import User
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.factories import OrganisationFactory
from tests.funding.factories import EoiFactory, InstalmentFactory
from tests.mail.factories import OutgoingEmailFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC

# 00:32 UTC in July is 1:32am in London (BST); 01:32 UTC in December is 1:32am (GMT).
SUMMER = datetime.datetime(2026, 7, 1, 0, 32, tzinfo=UTC)
WINTER = datetime.datetime(2026, 12, 5, 1, 32, tzinfo=UTC)
# 11:00 UTC in July is midday in London.
SUMMER_MIDDAY = datetime.datetime(2026, 7, 1, 11, 0, tzinfo=UTC)

DJANGOS_WAY = ("a.m.", "p.m.", "noon", "Dec 2026", "Jul 2026")


def said_djangos_way(page: str) -> list[str]:
    return [phrase for phrase in DJANGOS_WAY if phrase in page]


class TestChangeList:
    def test_a_datetime_column_says_the_time_the_govuk_way_in_summer_and_winter(
        self, otp_verified_superuser_client
    ):
        OutgoingEmailFactory.create(created_at=SUMMER, sent_at=SUMMER_MIDDAY)
        OutgoingEmailFactory.create(created_at=WINTER)

        page = otp_verified_superuser_client.get(
            reverse("admin:mail_outgoingemail_changelist")
        ).text

        assert "1:32am on 1 July 2026" in page
        assert "midday on 1 July 2026" in page
        assert "1:32am on 5 December 2026" in page
        assert said_djangos_way(page) == []

    def test_a_date_column_says_the_date_the_govuk_way(self, otp_verified_superuser_client):
        OrganisationFactory.create(
            name="Borsetshire District Council", closed_on=datetime.date(2026, 12, 5)
        )

        page = otp_verified_superuser_client.get(
            reverse("admin:declaration_organisation_changelist")
        ).text

        assert "5 December 2026" in page
        assert said_djangos_way(page) == []

    def test_the_date_hierarchy_names_months_and_days_in_full(self, otp_verified_superuser_client):
        AuditEvent.objects.create(verb="mail.email.sent", actor_label="system", created_at=WINTER)
        changelist = reverse("admin:audit_auditevent_changelist")

        year = otp_verified_superuser_client.get(changelist, {"created_at__year": 2026}).text
        month = otp_verified_superuser_client.get(
            changelist, {"created_at__year": 2026, "created_at__month": 12}
        ).text

        assert "December 2026" in year
        assert "5 December" in month
        assert "1:32am on 5 December 2026" in month
        assert said_djangos_way(year + month) == []


class TestChangePage:
    def test_a_read_only_datetime_says_the_time_the_govuk_way_in_summer_and_winter(
        self, otp_verified_superuser_client
    ):
        email = OutgoingEmailFactory.create(
            created_at=WINTER, sent_at=SUMMER, failed_at=SUMMER_MIDDAY
        )

        page = otp_verified_superuser_client.get(
            reverse("admin:mail_outgoingemail_change", args=[email.pk])
        ).text

        assert "1:32am on 5 December 2026" in page
        assert "1:32am on 1 July 2026" in page
        assert "midday on 1 July 2026" in page
        assert said_djangos_way(page) == []

    def test_an_audit_events_time_says_the_time_the_govuk_way(self, otp_verified_superuser_client):
        event = AuditEvent.objects.create(
            verb="mail.email.sent", actor_label="system", created_at=SUMMER
        )

        page = otp_verified_superuser_client.get(
            reverse("admin:audit_auditevent_change", args=[event.pk])
        ).text

        assert "1:32am on 1 July 2026" in page
        assert said_djangos_way(page) == []

    def test_an_inlines_read_only_datetime_says_the_time_the_govuk_way(
        self, otp_verified_superuser_client
    ):
        eoi = EoiFactory.create()
        EoiChange.objects.create(
            eoi=eoi, changed_by=eoi.created_by, changed_at=WINTER, description="Saved the idea"
        )
        EoiChange.objects.create(
            eoi=eoi, changed_by=eoi.created_by, changed_at=SUMMER_MIDDAY, description="Saved"
        )

        page = otp_verified_superuser_client.get(
            reverse("admin:funding_expressionofinterest_change", args=[eoi.pk])
        ).text

        assert "1:32am on 5 December 2026" in page
        assert "midday on 1 July 2026" in page
        assert said_djangos_way(page) == []

    def test_an_inline_rows_name_says_its_date_the_govuk_way(self, otp_verified_superuser_client):
        """Each instalment on an award's page was named "…: 30000.00 due 2026-12-05"."""
        instalment = InstalmentFactory.create(due_on=datetime.date(2026, 12, 5))

        page = otp_verified_superuser_client.get(
            reverse("admin:funding_award_change", args=[instalment.award_id])
        ).text

        assert "30000.00 due 5 December 2026" in page
        assert "due 2026-12-05" not in page


class TestHistoryPage:
    def test_says_when_each_change_was_made_the_govuk_way(self, otp_verified_superuser_client):
        organisation = OrganisationFactory.create(name="Borsetshire County Council")
        staff = UserFactory.create(staff=True)
        for moment in (SUMMER, WINTER, SUMMER_MIDDAY):
            LogEntry.objects.create(
                action_time=moment,
                user=staff,
                content_type=ContentType.objects.get_for_model(organisation),
                object_id=str(organisation.pk),
                object_repr=str(organisation),
                action_flag=CHANGE,
                change_message="Changed region.",
            )

        page = otp_verified_superuser_client.get(
            reverse("admin:declaration_organisation_history", args=[organisation.pk])
        ).text

        assert "1:32am on 1 July 2026" in page
        assert "1:32am on 5 December 2026" in page
        assert "midday on 1 July 2026" in page
        assert said_djangos_way(page) == []


class MomentsAdmin(admin.ModelAdmin):
    """A screen whose methods return a moment, a date and a time, as a ModelAdmin may."""

    list_display = ["moment", "calendar_day", "clock"]
    readonly_fields = ["moment", "calendar_day", "clock"]

    def moment(self, email: OutgoingEmail) -> datetime.datetime:
        return WINTER

    def calendar_day(self, email: OutgoingEmail) -> datetime.date:
        return datetime.date(2026, 7, 1)

    def clock(self, email: OutgoingEmail) -> datetime.time:
        return datetime.time(12, 0)


class TestWhatAModelAdminsMethodsReturn:
    """A method's date is said the same way, in a list and on a change page: Django's admin
    printed a method's moment on a change page as "2026-12-05 01:32:00+00:00"."""

    @pytest.fixture
    def model_admin(self) -> MomentsAdmin:
        return MomentsAdmin(OutgoingEmail, admin.site)

    @pytest.fixture
    def superuser(self) -> User:
        return UserFactory.create(staff=True, is_superuser=True)

    def test_a_list_says_them_the_govuk_way(self, model_admin, superuser):
        email = OutgoingEmailFactory.create()
        request = RequestFactory().get("/")
        request.user = superuser
        changelist = model_admin.get_changelist_instance(request)

        cells = " ".join(items_for_result(changelist, email, None))

        assert "1:32am on 5 December 2026" in cells
        assert "1 July 2026" in cells
        assert "midday" in cells
        assert said_djangos_way(cells) == []

    def test_a_change_page_says_them_the_govuk_way(self, model_admin):
        email = OutgoingEmailFactory.create()
        form = modelform_factory(OutgoingEmail, fields=[])(instance=email)

        said = [
            str(helpers.AdminReadonlyField(form, name, False, model_admin).contents())
            for name in ("moment", "calendar_day", "clock")
        ]

        assert said == ["1:32am on 5 December 2026", "1 July 2026", "midday"]
