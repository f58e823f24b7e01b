"""What the Fund's demo holds of rounds and bids: the programme's rounds 1 to 4 and two open
ones, expressions of interest and applications in every state, by signatories."""

import datetime
from decimal import Decimal

from django.utils import timezone

from funding.models import (
    Application,
    ApplicationPartner,
    ApplicationStatus,
    ClusterMessage,
    EoiCluster,
    EoiPartner,
    EoiStatus,
    ExpressionOfInterest,
    Fund,
    Phase,
    Round,
    RoundStatus,
)
from funding.rules import application_problems
from funding.selectors.dashboard import funding_dashboard
from localdigital.accounts.models import User
from localdigital.mail.models import OutgoingEmail
from tests.demo.support import (
    COUNCIL_ADMIN,
    COUNCIL_MEMBER,
    ROUND_DATES,
    completed_sections,
    london,
    signatory_ids,
)


class RoundsAndBidsChecks:
    """Checks of the seeded rounds and bids, for ``TestSeedDemoFund``."""

    def check_makes_rounds_1_to_4_with_the_programme_dates_and_rules(self):
        """DESIGN.md's facts, in London time; a week or a month is marked approximate."""
        fund = Fund.objects.get(slug="local-digital-fund")
        assert fund.name == "Local Digital Fund"
        rounds = {round.number: round for round in fund.rounds.all()}
        one, two, three, four = rounds[1], rounds[2], rounds[3], rounds[4]
        assert one.budget == Decimal(7_500_000)
        assert london(one.eoi_opens_at)[:3] == (2018, 9, 24)
        # "EOIs closed 5 October": open all that day, so the close is midnight at its end.
        assert london(one.eoi_closes_at) == (2018, 10, 6, 0, 0)
        assert london(one.applications_open_at)[:3] == (2018, 10, 15)
        assert london(one.applications_close_at) == (2018, 11, 19, 0, 0)
        assert london(one.decisions_announced_at)[:3] == (2018, 12, 3)
        assert one.min_participants == 2
        assert one.participants_must_be_signatories
        assert one.date_precision == {}
        assert {cap.phase: cap.max_award for cap in one.phase_caps.all()} == {
            Phase.DISCOVERY: Decimal(80_000),
            Phase.ALPHA: None,
        }

        assert not two.has_eoi_stage
        assert two.restricted_to_round == one
        assert london(two.applications_open_at)[:3] == (2019, 7, 17)
        assert london(two.decisions_announced_at)[:3] == (2019, 9, 9)
        assert two.date_precision == {
            "applications_close_at": "month",
            "decisions_announced_at": "week",
        }

        assert not three.has_eoi_stage
        assert (three.min_participants, three.max_led_applications) == (3, 2)
        assert three.participants_must_be_signatories
        assert three.applications_close_at == datetime.datetime(
            2019, 9, 16, 16, 0, tzinfo=datetime.UTC
        )  # 5pm British Summer Time
        assert london(three.decisions_announced_at)[:3] == (2019, 10, 14)
        assert three.date_precision == {
            "applications_open_at": "month",
            "decisions_announced_at": "week",
        }

        assert four.restricted_to_round == three
        assert "rounds 2 and 3" in four.summary
        assert four.budget == Decimal(1_200_000)
        assert london(four.applications_open_at)[:2] == (2020, 1)
        assert london(four.decisions_announced_at)[:2] == (2020, 3)
        assert set(four.date_precision.values()) == {"month"}
        assert all(
            cap.max_award == Decimal(350_000)
            for round in (two, four)
            for cap in round.phase_caps.all()
        )

    def check_gives_every_round_criteria_weighing_100_and_published_questions(self):
        for round in Round.objects.all():
            assert sum(round.criteria.values_list("weight", flat=True)) == 100
            assert round.criteria.count() >= 4
            published = round.questions.filter(is_published=True)
            assert published.count() >= 2
            assert all(question.answer and question.published_at for question in published)

    def check_opens_one_round_for_eois_and_one_for_applications_at_5pm_london_time(self):
        now = timezone.now()

        eoi_round, application_round = Round.objects.get(number=5), Round.objects.get(number=6)
        assert eoi_round.status_at(now) == RoundStatus.EOI_OPEN
        assert application_round.status_at(now) == RoundStatus.APPLICATIONS_OPEN
        assert not application_round.has_eoi_stage
        for round in (eoi_round, application_round):
            assert all(
                london(getattr(round, name))[3:] == (17, 0)
                for name in ROUND_DATES
                if getattr(round, name) is not None
            )
            assert {cap.phase: cap.max_award for cap in round.phase_caps.all()} == {
                Phase.DISCOVERY: Decimal(80_000),
                Phase.ALPHA: Decimal(350_000),
                Phase.BETA: Decimal(350_000),
            }
        assert (application_round.min_participants, application_round.max_led_applications) == (
            3,
            2,
        )

    def check_holds_about_30_eois_in_every_state_some_clustered_in_the_eoi_round(self):
        eois = ExpressionOfInterest.objects.filter(round__number=5)
        statuses = [eoi.status for eoi in eois]
        assert 28 <= len(statuses) <= 32
        assert statuses.count(EoiStatus.SUBMITTED) > len(statuses) / 2
        assert statuses.count(EoiStatus.DRAFT) >= 3
        assert {EoiStatus.WITHDRAWN, EoiStatus.DECLINED, EoiStatus.INVITED} <= set(statuses)
        declined = eois.get(status=EoiStatus.DECLINED)
        assert declined.decline_feedback
        invited = eois.get(status=EoiStatus.INVITED)
        assert invited.application.status == ApplicationStatus.DRAFT
        assert invited.application.title == invited.title
        clusters = EoiCluster.objects.filter(round__number=5)
        assert 2 <= clusters.count() <= 3
        for cluster in clusters:
            members = cluster.eois.all()
            assert members.count() >= 2
            assert len({eoi.lead_organisation_id for eoi in members}) == members.count()
        assert ClusterMessage.objects.filter(cluster__round__number=5).count() == 1
        assert len({eoi.title for eoi in eois if eoi.title}) == len([e for e in eois if e.title])

    def check_leads_and_partners_are_all_published_signatories(self):
        signatories = signatory_ids()

        bids = [*ExpressionOfInterest.objects.all(), *Application.objects.all()]
        assert all(bid.lead_organisation_id in signatories for bid in bids)
        assert set(EoiPartner.objects.values_list("organisation_id", flat=True)) <= signatories
        assert (
            set(ApplicationPartner.objects.values_list("organisation_id", flat=True)) <= signatories
        )
        submitted_eois = ExpressionOfInterest.objects.exclude(status=EoiStatus.DRAFT)
        assert all(eoi.partners.exists() for eoi in submitted_eois)

    def check_leaves_an_application_in_every_applicant_side_state_in_the_open_round(self):
        now = timezone.now()

        applications = list(Application.objects.filter(round__number=6))
        drafts = [a for a in applications if a.status == ApplicationStatus.DRAFT]
        rules = {
            a.pk: {p.rule for p in application_problems(application=a, now=now)} for a in drafts
        }
        partial = [a for a in drafts if 0 < completed_sections(a) < 7]
        awaiting = [a for a in drafts if rules[a.pk] == {"partner-confirmation"}]
        ready = [a for a in drafts if not rules[a.pk]]
        assert partial and awaiting and ready
        assert all(a.partners.filter(confirmed_at__isnull=False).exists() for a in awaiting)
        unconfirmed = ApplicationPartner.objects.get(
            application=awaiting[0], confirmed_at__isnull=True
        )
        assert OutgoingEmail.objects.filter(
            recipient=unconfirmed.contact_email,
            subject__startswith="Confirm that",
            body_text__contains=awaiting[0].reference,
        ).exists()
        assert all(a.partners.count() >= 2 for a in ready)
        statuses = {a.status for a in applications}
        assert {ApplicationStatus.SUBMITTED, ApplicationStatus.WITHDRAWN} <= statuses

    def check_has_submitted_applications_in_rounds_1_to_4_made_inside_their_windows(self):
        for number in (1, 2, 3, 4):
            round = Round.objects.get(number=number)
            submitted = round.applications.filter(status=ApplicationStatus.SUBMITTED)
            assert submitted.exists()
            for application in submitted:
                assert round.applications_open_at <= application.submitted_at
                assert application.submitted_at < round.applications_close_at
                assert completed_sections(application) == 7
        invited = ExpressionOfInterest.objects.filter(round__number=1, status=EoiStatus.INVITED)
        assert invited.count() == Round.objects.get(number=1).applications.count()

    def check_gives_the_demo_council_users_a_dashboard_of_their_own_bids(self):
        for email in (COUNCIL_MEMBER, COUNCIL_ADMIN):
            dashboard = funding_dashboard(user=User.objects.get(email=email))
            assert {row.status_label for row in dashboard.eois} >= {
                "Draft",
                "Submitted",
                "Invited to apply",
            }
            assert {row.status_label for row in dashboard.applications} == {
                "Draft",
                "Submitted",
                "Withdrawn",
                "Approved",
            }
            assert dashboard.funded_projects
            assert any(row.is_lead for row in dashboard.applications)
            assert any(not row.is_lead for row in dashboard.applications)
            assert any(row.deadline.startswith("Submit by") for row in dashboard.applications)
            assert [r.name for r in dashboard.open_rounds] == ["Round 6", "Round 5"]
        member = User.objects.get(email=COUNCIL_MEMBER)
        assert ExpressionOfInterest.objects.filter(created_by=member).exists()
        assert Application.objects.filter(created_by=member).exists()
