"""The staff work queue on the admin's home page: what is waiting for each member of staff,
by their group, each a count linking to the admin list of exactly those rows.

Each test builds one of every thing waiting beside things like it that are not waiting, and
checks both the count the queue shows and that its link lands on exactly those rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from funding.models import ChangeStatus, ModeratedScore
from localdigital.pages.work_queue import Waiting, WorkQueueSection
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory
from tests.funding.factories import (
    ApplicationFactory,
    AssessmentFactory,
    CriterionFactory,
    DecisionFactory,
    EoiClusterFactory,
    EoiFactory,
    RoundFactory,
)
from tests.funding.factories_reporting import ChangeRequestFactory, ProgressReportFactory
from tests.newsletter.factories import NewsletterIssueFactory
from tests.training.factories import (
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    OfferFactory,
)

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")
DAY = timedelta(days=1)


@dataclass
class World:
    """Everything waiting, by the text the queue shows for it, with the rows it is."""

    assessor: object = None
    waiting: dict[str, set[int]] = field(default_factory=dict)


def _assessed(application, *, moderated: bool = False) -> None:
    """Give ``application`` the two submitted assessments its round wants."""
    AssessmentFactory.create_batch(2, application=application, submitted=True, scores={})
    if moderated:
        criterion = application.round.criteria.get()
        ModeratedScore.objects.create(application=application, criterion=criterion, score=3)


@pytest.fixture
def world() -> World:
    now = timezone.now()
    today = timezone.localdate()
    found = World()
    waiting = found.waiting

    # The Declaration: one signing to check (published ones are not), and two requests to
    # join an organisation with no active admin (one whose organisation has an admin, who
    # answers it, is not staff's).
    pending = SigningFactory.create(submitted=True)
    SigningFactory.create()
    SigningFactory.create(rejected=True)
    waiting["1 signing to check"] = {pending.pk}
    alone = MembershipFactory.create(pending=True)
    with_inactive_admin = OrganisationFactory.create()
    MembershipFactory.create(organisation=with_inactive_admin, admin=True, user__is_active=False)
    answered_by_staff = MembershipFactory.create(organisation=with_inactive_admin, pending=True)
    with_admin = OrganisationFactory.create()
    MembershipFactory.create(organisation=with_admin, admin=True)
    MembershipFactory.create(organisation=with_admin, pending=True)
    waiting["2 requests to join an organisation that has no admin"] = {
        alone.pk,
        answered_by_staff.pk,
    }

    # Expressions of interest: one submitted in no cluster; clustered, draft and declined
    # ones are sorted or not staff's to sort.
    eoi_round = RoundFactory.create(eoi_closed=True)
    unsorted = EoiFactory.create(round=eoi_round, submitted=True)
    EoiFactory.create(
        round=eoi_round, submitted=True, cluster=EoiClusterFactory.create(round=eoi_round)
    )
    EoiFactory.create(round=eoi_round)
    EoiFactory.create(round=eoi_round, declined=True)
    waiting["1 expression of interest to sort into clusters"] = {unsorted.pk}

    # Applications to a round that wants two assessors each.
    round = RoundFactory.create(closed=True, assessors_per_application=2)
    CriterionFactory.create(round=round, weight=100)
    assessor = UserFactory.create(staff=True, groups=["Assessor"])
    found.assessor = assessor
    # One assessor of two, due in a month: it needs another.
    short = ApplicationFactory.create(round=round, submitted=True)
    later = AssessmentFactory.create(application=short, assessor=assessor, due_on=today + 30 * DAY)
    # A conflict declared beside two at work does not need one.
    both = ApplicationFactory.create(round=round, submitted=True)
    overdue = AssessmentFactory.create(application=both, assessor=assessor, due_on=today - DAY)
    soon = AssessmentFactory.create(application=both, due_on=today + 3 * DAY, scoring=True)
    AssessmentFactory.create(application=both, conflicted=True, due_on=today - DAY)
    waiting["1 application needing assessors"] = {short.pk}
    waiting["1 assessment overdue"] = {overdue.pk}
    waiting["1 assessment due in the next 7 days"] = {soon.pk}
    waiting[f"{2} assessments for you to do"] = {later.pk, overdue.pk}
    waiting["1 assessment of yours overdue"] = {overdue.pk}
    # Assessments all in: ready to moderate; moderated: waiting for a decision.
    ready = ApplicationFactory.create(round=round, submitted=True)
    _assessed(ready)
    moderated = ApplicationFactory.create(round=round, submitted=True)
    _assessed(moderated, moderated=True)
    waiting["1 application ready to moderate"] = {ready.pk}
    waiting["1 moderated application waiting for a decision"] = {moderated.pk}
    # Drafts and withdrawn applications wait for nobody.
    ApplicationFactory.create(round=round)
    ApplicationFactory.create(round=round, withdrawn=True)

    # A round whose every submitted application is decided waits for the Minister's
    # approval; one approved waits for its announcement; one announced, for nothing.
    decided = RoundFactory.create(closed=True, assessors_per_application=2)
    CriterionFactory.create(round=decided, weight=100)
    application = ApplicationFactory.create(round=decided, submitted=True)
    _assessed(application, moderated=True)
    DecisionFactory.create(application=application)
    approved = RoundFactory.create(decided=True, decisions_approved_at=now - DAY)
    RoundFactory.create(decided=True, decisions_approved_at=now - 2 * DAY, announced_at=now)
    waiting["1 round with every application decided, waiting for the Minister's approval"] = {
        decided.pk
    }
    waiting["1 round approved, waiting for the announcement"] = {approved.pk}

    # After the award: a report submitted and one resubmitted wait for review (an accepted
    # one and one returned do not); one not submitted is overdue (one due later is not);
    # one change request waits for a decision (one rejected does not).
    in_review = [
        ProgressReportFactory.create(submitted=True),
        ProgressReportFactory.create(resubmitted=True),
    ]
    ProgressReportFactory.create(accepted=True)
    ProgressReportFactory.create(returned=True)
    waiting["2 progress reports waiting for review"] = {report.pk for report in in_review}
    late = ProgressReportFactory.create(due_at=now - DAY)
    ProgressReportFactory.create()
    waiting["1 progress report overdue"] = {late.pk}
    pending_change = ChangeRequestFactory.create()
    ChangeRequestFactory.create(status=ChangeStatus.REJECTED)
    waiting["1 change request to decide"] = {pending_change.pk}

    # Training: an offer expiring within a day; one with two days left is not yet.
    expiring = OfferFactory.create(expires_at=now + 2 * timedelta(hours=1))
    OfferFactory.create()
    waiting["1 offer of a place not answered, expiring within 24 hours"] = {expiring.enrolment_id}
    # A cohort whose session has ended with nobody's attendance recorded; one recorded, one
    # still to come and one cancelled are not.
    untaken = CohortFactory.create(closed=True, sessions=[now - 3 * DAY])
    EnrolmentFactory.create(cohort=untaken)
    taken = CohortFactory.create(closed=True, sessions=[now - 3 * DAY])
    AttendanceFactory.create(enrolment=EnrolmentFactory.create(cohort=taken))
    EnrolmentFactory.create(cohort=CohortFactory.create())
    EnrolmentFactory.create(cohort=CohortFactory.create(cancelled=True, sessions=[now - 3 * DAY]))
    waiting["1 cohort with a register to take"] = {untaken.pk}

    # The newsletter: a draft, two waiting for approval, one approved and a paused issue; one
    # scheduled and one sent are not waiting.
    draft = NewsletterIssueFactory.create()
    to_approve = NewsletterIssueFactory.create_batch(2, awaiting_approval=True)
    approved = NewsletterIssueFactory.create(approved=True)
    paused = NewsletterIssueFactory.create(paused=True)
    NewsletterIssueFactory.create(scheduled=True)
    NewsletterIssueFactory.create(sent=True)
    waiting["1 draft newsletter issue to finish and ask for approval"] = {draft.pk}
    waiting["2 newsletter issues waiting for approval"] = {issue.pk for issue in to_approve}
    waiting["1 approved newsletter issue to send or schedule"] = {approved.pk}
    waiting["1 newsletter issue paused while sending"] = {paused.pk}
    return found


def queue_of(client: Client) -> list[WorkQueueSection]:
    response = client.get(INDEX)
    assert response.status_code == 200
    return response.context["work_queue"]


def listed(client: Client, waiting: Waiting) -> set[int]:
    """Return the rows the entry's link lists (every page of them)."""
    response = client.get(waiting.url + "&all=")
    assert response.status_code == 200, waiting.url
    assert "e" not in response.wsgi_request.GET, f"{waiting.url} filters by something unknown"
    changelist = response.context["cl"]
    assert changelist.result_count == len(changelist.result_list)
    return {row.pk for row in changelist.result_list}


def texts(section: WorkQueueSection) -> list[str]:
    return [waiting.text for waiting in section.waiting]


def assert_each_link_lists_exactly_what_it_counts(
    client: Client, sections: list[WorkQueueSection], world: World
) -> None:
    for section in sections:
        for waiting in section.waiting:
            rows = listed(client, waiting)
            assert len(rows) == waiting.count, waiting.text
            assert rows == world.waiting[waiting.text], waiting.text


class TestWhatEachGroupSees:
    def test_a_fund_manager_sees_what_waits_for_fund_managers_and_each_list_agrees(
        self, otp_verified_client_for, world
    ):
        """Signings and requests to join, EOIs to sort, applications needing assessors,
        moderation or a decision, assessments overdue or due soon, and rounds waiting for
        approval or the announcement: each count is the number of rows its link lists."""
        client = otp_verified_client_for(UserFactory(staff=True, groups=["Fund manager"]))

        (section,) = queue_of(client)

        assert section.heading == "Fund managers"
        assert texts(section) == [
            "1 signing to check",
            "2 requests to join an organisation that has no admin",
            "1 expression of interest to sort into clusters",
            "1 application needing assessors",
            "1 assessment overdue",
            "1 assessment due in the next 7 days",
            "1 application ready to moderate",
            "1 moderated application waiting for a decision",
            "1 round with every application decided, waiting for the Minister's approval",
            "1 round approved, waiting for the announcement",
            "2 progress reports waiting for review",
            "1 progress report overdue",
            "1 change request to decide",
        ]
        assert_each_link_lists_exactly_what_it_counts(client, [section], world)

    def test_a_fund_manager_reaches_the_overview_of_each_round_under_way(
        self, otp_verified_client_for, world
    ):
        """The published rounds not yet announced, newest first."""
        client = otp_verified_client_for(UserFactory(staff=True, groups=["Fund manager"]))

        (section,) = queue_of(client)

        under_way = [text for text, _ in section.links]
        assert len(under_way) == 4
        assert all(text.startswith("Overview of Round ") for text in under_way)
        for _, url in section.links:
            assert client.get(url).status_code == 200

    def test_an_assessor_sees_only_their_own_assessments(self, otp_verified_client_for, world):
        """Their assessments to do and overdue; nothing of anyone else's."""
        client = otp_verified_client_for(world.assessor)

        (section,) = queue_of(client)

        assert section.heading == "Your assessments"
        assert texts(section) == ["2 assessments for you to do", "1 assessment of yours overdue"]
        assert_each_link_lists_exactly_what_it_counts(client, [section], world)

    def test_a_fund_manager_who_also_assesses_is_linked_to_their_own_among_everyones(
        self, otp_verified_client_for, world
    ):
        world.assessor.groups.add(*world.assessor.groups.model.objects.filter(name="Fund manager"))
        client = otp_verified_client_for(world.assessor)

        sections = queue_of(client)

        assert [section.heading for section in sections] == ["Fund managers", "Your assessments"]
        assert_each_link_lists_exactly_what_it_counts(client, sections, world)

    def test_a_training_administrator_sees_offers_expiring_and_registers_to_take(
        self, otp_verified_client_for, world
    ):
        client = otp_verified_client_for(UserFactory(staff=True, groups=["Training administrator"]))

        (section,) = queue_of(client)

        assert section.heading == "Training administrators"
        assert texts(section) == [
            "1 offer of a place not answered, expiring within 24 hours",
            "1 cohort with a register to take",
        ]
        assert_each_link_lists_exactly_what_it_counts(client, [section], world)

    def test_communications_see_newsletter_issues_not_yet_sent(
        self, otp_verified_client_for, world
    ):
        client = otp_verified_client_for(UserFactory(staff=True, groups=["Communications"]))

        (section,) = queue_of(client)

        assert section.heading == "Communications"
        assert texts(section) == [
            "1 draft newsletter issue to finish and ask for approval",
            "2 newsletter issues waiting for approval",
            "1 approved newsletter issue to send or schedule",
            "1 newsletter issue paused while sending",
        ]
        assert_each_link_lists_exactly_what_it_counts(client, [section], world)

    def test_a_superuser_sees_every_groups_and_each_list_agrees(
        self, otp_verified_superuser_client, world
    ):
        sections = queue_of(otp_verified_superuser_client)

        assert [section.heading for section in sections] == [
            "Fund managers",
            "Training administrators",
            "Communications",
        ]
        assert_each_link_lists_exactly_what_it_counts(
            otp_verified_superuser_client, sections, world
        )

    def test_the_home_page_shows_each_count_as_a_link_to_its_list(
        self, otp_verified_superuser_client, world
    ):
        response = otp_verified_superuser_client.get(INDEX)

        html = response.content.decode()
        assert "<h2>Waiting for you</h2>" in html
        for section in response.context["work_queue"]:
            assert f"<h3>{section.heading}</h3>" in html
            for waiting in section.waiting:
                assert f'<a href="{waiting.url.replace("&", "&amp;")}">' in html
                assert waiting.text.replace("'", "&#x27;") in html


class TestNothingWaiting:
    @pytest.mark.parametrize(
        ("group", "says"),
        [
            ("Fund manager", "Nothing is waiting for fund managers."),
            ("Assessor", "You have no assessments to do."),
            ("Training administrator", "Nothing is waiting for training administrators."),
            ("Communications", "Nothing is waiting for the communications team."),
        ],
    )
    def test_says_so_when_nothing_is_waiting(self, otp_verified_client_for, group, says):
        client = otp_verified_client_for(UserFactory(staff=True, groups=[group]))

        response = client.get(INDEX)

        (section,) = response.context["work_queue"]
        assert section.waiting == []
        assert f"<p>{says}</p>" in response.content.decode()

    def test_counts_one_and_many_in_good_english(self, otp_verified_client_for):
        client = otp_verified_client_for(UserFactory(staff=True, groups=["Communications"]))
        NewsletterIssueFactory.create_batch(3)
        NewsletterIssueFactory.create(awaiting_approval=True)

        (section,) = queue_of(client)

        assert texts(section) == [
            "3 draft newsletter issues to finish and ask for approval",
            "1 newsletter issue waiting for approval",
        ]
