"""Applications and deadline reminders in the admin, for reading: staff follow the answers,
partners, budget and history, and change nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from funding.models import (
    Application,
    ApplicationChange,
    DeadlineReminder,
    ExpressionOfInterest,
    Section,
)
from tests.funding.factories import (
    ApplicationFactory,
    ApplicationPartnerFactory,
    BudgetLineFactory,
    EoiFactory,
    RoundFactory,
    SignatoryFactory,
)

pytestmark = pytest.mark.django_db

APPLICATIONS = reverse("admin:funding_application_changelist")


class TestApplicationList:
    def test_shows_round_lead_status_amount_and_partners_confirmed(self, client):
        application = ApplicationFactory(
            submitted=True,
            round=RoundFactory(name="Round 3"),
            lead_organisation=SignatoryFactory(name="Borsetshire County Council"),
        )
        ApplicationPartnerFactory(application=application, confirmed=True)
        ApplicationPartnerFactory(application=application)

        response = client.get(APPLICATIONS)

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [application]
        row = response.text.split("<tbody>")[1].split("</tr>")[0]
        for shown in [
            application.reference,
            "Round 3",
            "Borsetshire County Council",
            "Submitted",
            "£60,000",
            "1 of 2",
        ]:
            assert shown in row

    def test_filters_by_status(self, client):
        draft = ApplicationFactory()
        ApplicationFactory(submitted=True)

        response = client.get(APPLICATIONS, {"status__exact": "draft"})

        assert list(response.context["cl"].result_list) == [draft]


class TestApplicationPage:
    def test_shows_answers_partners_budget_and_history_read_only(self, client):
        application = ApplicationFactory(complete=True, requested_amount=Decimal(60000))
        application.budget_lines.all().delete()
        BudgetLineFactory(application=application, description="User research", amount=40000)
        BudgetLineFactory(application=application, description="Prototype", amount=20000)
        ApplicationPartnerFactory(
            application=application,
            organisation=SignatoryFactory(name="Ambridge Parish Council"),
            confirmed=True,
        )
        ApplicationPartnerFactory(
            application=application,
            organisation=SignatoryFactory(name="Felpersham City Council"),
        )
        ApplicationChange.objects.create(
            application=application,
            section=Section.BUDGET,
            description="Saved the budget",
            changed_by=application.created_by,
        )
        eoi = EoiFactory(submitted=True)
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(application=application)

        response = client.get(reverse("admin:funding_application_change", args=[application.pk]))

        assert response.status_code == 200
        text = response.text
        for shown in [
            application.reference,
            "Joined-up missed bin reports",
            "42,000 calls a year about missed bins",
            "User research and findings, Open source code",
            "Ambridge Parish Council",
            "Confirmed on",
            "Felpersham City Council",
            "Not asked yet",
            "Prototype",
            "£20,000",
            "Saved the budget",
            "Sam Patel",
            eoi.reference,
        ]:
            assert shown in text, shown
        assert 'name="title"' not in text
        assert 'name="_save"' not in text

    def test_says_when_the_budget_lines_do_not_add_up(self, client):
        application = ApplicationFactory(complete=True, requested_amount=Decimal(60000))
        BudgetLineFactory(application=application, amount=1000)

        response = client.get(reverse("admin:funding_application_change", args=[application.pk]))

        assert "£61,000: not the amount requested" in response.text

    def test_refuses_to_add_change_or_delete_even_for_a_superuser(
        self, otp_verified_superuser_client
    ):
        application = ApplicationFactory()
        client = otp_verified_superuser_client
        change = reverse("admin:funding_application_change", args=[application.pk])

        add = client.get(reverse("admin:funding_application_add"))
        changed = client.post(change, {"title": "Something else"})
        delete = client.post(
            reverse("admin:funding_application_delete", args=[application.pk]), {"post": "yes"}
        )

        assert (add.status_code, changed.status_code, delete.status_code) == (403, 403, 403)
        assert Application.objects.get(pk=application.pk).title == application.title


class TestDeadlineReminders:
    def test_lists_the_reminders_sent_read_only(self, client):
        eoi = EoiFactory()
        reminder = DeadlineReminder.objects.create(eoi=eoi, offset_days=7, recipient=eoi.created_by)

        response = client.get(reverse("admin:funding_deadlinereminder_changelist"))
        change = client.post(
            reverse("admin:funding_deadlinereminder_change", args=[reminder.pk]),
            {"offset_days": 1},
        )

        assert response.status_code == 200
        assert eoi.reference in response.text
        assert eoi.created_by.email in response.text
        assert change.status_code == 403
