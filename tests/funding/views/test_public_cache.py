"""Every change to what the Fund's public pages show reaches the next anonymous visitor,
though the page before it was kept rendered (localdigital/public_cache.py)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from declaration.services import organisations
from funding.services import awards as award_services
from funding.services import decisions as decision_services
from tests.funding.admin_support import round_data
from tests.funding.factories import (
    ApplicationFactory,
    AwardFactory,
    DecisionFactory,
    FundFactory,
    RoundFactory,
    SignatoryFactory,
    member_of,
)
from tests.support.clients import page

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
PROJECTS = "/funding/projects/"


def project_url(award) -> str:
    return reverse("funding:project-detail", kwargs={"slug": award.slug})


@pytest.fixture
def award():
    lead = SignatoryFactory(name="Borsetshire County Council", slug="borsetshire")
    return AwardFactory(title="Joined-up missed bin reports", application__lead_organisation=lead)


class TestFundedProjects:
    def test_decisions_announced_list_the_projects_funded(
        self, client, fund_manager, django_capture_on_commit_callbacks
    ):
        now = timezone.now()
        round = RoundFactory(
            applications_open_at=now - 40 * DAY,
            applications_close_at=now - 10 * DAY,
            decisions_announced_at=now - DAY,
            phases={"discovery": 80000},
        )
        won = ApplicationFactory(round=round, submitted=True, title="Parking permits online")
        DecisionFactory(application=won, award_amount=Decimal(50000))
        decision_services.round_decisions_approve(round=round, approved_by=fund_manager)
        assert "Parking permits online" not in page(client, PROJECTS)

        with django_capture_on_commit_callbacks(execute=True):
            decision_services.round_decisions_announce(round_id=round.pk, now=now)

        assert "Parking permits online" in page(client, PROJECTS)

    def test_an_offer_declined_leaves_the_list(
        self, client, award, django_capture_on_commit_callbacks
    ):
        admin = member_of(award.application.lead_organisation, admin=True)
        assert award.title in page(client, PROJECTS)

        with django_capture_on_commit_callbacks(execute=True):
            award_services.award_offer_decline(
                award=award, declined_by=admin, reason="Our partners could not match it."
            )

        assert award.title not in page(client, PROJECTS)
        assert client.get(project_url(award)).status_code == 404

    def test_a_progress_update_and_an_output_show_on_the_projects_page(
        self, client, award, django_capture_on_commit_callbacks
    ):
        member = member_of(award.application.lead_organisation)
        assert "Alpha finished" not in page(client, project_url(award))

        with django_capture_on_commit_callbacks(execute=True):
            award_services.progress_update_post(
                award=award, title="Alpha finished", body="We tested it.", posted_by=member
            )
        assert "Alpha finished" in page(client, project_url(award))

        with django_capture_on_commit_callbacks(execute=True):
            award_services.project_output_add(
                award=award,
                title="Missed bins prototype",
                url="https://github.com/example/missed-bins",
                output_type="code",
                added_by=member,
            )
        assert "Missed bins prototype" in page(client, project_url(award))

    def test_the_lead_organisation_renamed_is_renamed_on_the_projects_pages(
        self, client, award, fund_manager, django_capture_on_commit_callbacks
    ):
        assert "Borsetshire County Council" in page(client, project_url(award))
        assert "Borsetshire County Council" in page(client, PROJECTS)

        with django_capture_on_commit_callbacks(execute=True):
            organisations.organisation_update(
                organisation=award.application.lead_organisation,
                changes={"name": "Borsetshire Unitary Council"},
                updated_by=fund_manager,
            )

        assert "Borsetshire Unitary Council" in page(client, project_url(award))
        assert "Borsetshire Unitary Council" in page(client, PROJECTS)


class TestRounds:
    def test_a_round_edited_in_the_admin_shows_the_edit(
        self, client, otp_verified_client_for, fund_manager, django_capture_on_commit_callbacks
    ):
        fund = FundFactory()
        round = RoundFactory(fund=fund, number=1, name="Round 1", slug="round-1")
        round_page = reverse("funding:round-detail", kwargs={"slug": round.slug})
        assert "Can a fire authority lead?" not in page(client, round_page)
        staff = otp_verified_client_for(fund_manager)

        with django_capture_on_commit_callbacks(execute=True):
            response = staff.post(
                reverse("admin:funding_round_change", args=[round.pk]),
                round_data(
                    fund,
                    round=round,
                    questions=[
                        {
                            "question": "Can a fire authority lead?",
                            "answer": "Yes, if it has signed.",
                            "is_published": True,
                            "position": 0,
                        }
                    ],
                ),
            )
        assert response.status_code == 302

        assert "Can a fire authority lead?" in page(client, round_page)
