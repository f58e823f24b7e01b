"""Closing a project in the open: accepting its final report marks it completed; its public
page then shows when, and what others can reuse and the lessons learned (never anything
else the reports say); the open data gives ``completed_on``; fund managers find the
instalments not yet paid and pay or cancel them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from funding.errors import NotPermitted, TransitionNotAllowed
from funding.models import AwardStatus, Instalment
from funding.services import awards as award_services
from funding.services import report_review
from funding.services import reports as report_services
from tests.accounts.factories import UserFactory
from tests.funding.factories import AwardFactory, InstalmentFactory, member_of
from tests.funding.factories_reporting import ProgressReportFactory, answer_every_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory.create(staff=True, groups=["Fund manager"])


def closed_project(manager):
    """A project whose final report the Fund accepted, with an instalment left unpaid."""
    award = AwardFactory.create(active=True, title="Joined-up missed bins")
    lead = member_of(award.application.lead_organisation)
    final = ProgressReportFactory.create(award=award, final=True)
    InstalmentFactory.create(award=award, amount=Decimal(5000))
    answer_every_section(final, lead)
    report_services.report_submit(report=final, submitted_by=lead)
    report_review.report_accept(report=final, accepted_by=manager)
    award.refresh_from_db()
    return award


def test_the_public_page_shows_what_others_can_reuse_once_the_final_report_is_accepted(
    manager, uncached_public_pages
):
    award = closed_project(manager)

    page = Client().get(reverse("funding:project-detail", args=[award.slug])).text

    assert award.status == AwardStatus.COMPLETED
    completed = timezone.localdate(award.completed_at)
    assert f"Completed on {completed.day} {completed:%B %Y}" in page
    assert "What others can reuse" in page
    assert "any council with in-cab devices can run it" in page
    assert "Test with crews in the first week." in page
    for private in ("may not open its API", "Green", "A service residents use"):
        assert private not in page


def test_a_final_report_not_yet_accepted_stays_private(manager, uncached_public_pages):
    award = AwardFactory.create(active=True)
    lead = member_of(award.application.lead_organisation)
    final = ProgressReportFactory.create(award=award, final=True)
    answer_every_section(final, lead)
    report_services.report_submit(report=final, submitted_by=lead)

    page = Client().get(reverse("funding:project-detail", args=[award.slug])).text

    assert "In progress" in page
    assert "What others can reuse" not in page
    assert "in-cab devices" not in page


def test_the_open_data_gives_the_day_it_was_completed(manager, uncached_public_pages):
    award = closed_project(manager)

    body = Client().get(reverse("funding:projects-json")).json()

    (project,) = body["projects"]
    assert project["status"] == "completed"
    assert project["completed_on"] == timezone.localdate(award.completed_at).isoformat()


class TestUnpaidInstalments:
    def test_managers_find_and_cancel_those_left_unpaid(self, manager, otp_verified_client_for):
        award = closed_project(manager)
        client = otp_verified_client_for(manager)
        changelist = reverse("admin:funding_instalment_changelist")
        unpaid = Instalment.objects.get(award=award)

        listed = client.get(changelist, {"closing": "unpaid"})
        response = client.post(
            changelist, {"action": "cancel_selected", "_selected_action": [unpaid.pk]}
        )

        assert [row.pk for row in listed.context["cl"].result_list] == [unpaid.pk]
        assert response.status_code == 302
        messages = [str(m) for m in get_messages(response.wsgi_request)]
        assert "Cancelled the instalments of £5,000 for Joined-up missed bins." in messages
        assert not Instalment.objects.filter(award=award).exists()

    def test_a_paid_instalment_is_never_cancelled(self, manager):
        instalment = InstalmentFactory.create(
            award=AwardFactory.create(active=True),
            paid_at=timezone.now(),
            paid_on=timezone.localdate(),
            paid_amount=Decimal(1000),
            amount=Decimal(1000),
        )
        with pytest.raises(TransitionNotAllowed):
            award_services.instalment_cancel(instalment=instalment, cancelled_by=manager)
        assert Instalment.objects.filter(pk=instalment.pk).exists()

    def test_only_fund_managers_cancel(self):
        instalment = InstalmentFactory.create()
        with pytest.raises(NotPermitted):
            award_services.instalment_cancel(
                instalment=instalment, cancelled_by=UserFactory.create(staff=True)
            )
