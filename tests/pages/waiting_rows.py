"""Many rows of everything the staff work queue and a round's overview count, made with
``bulk_create`` so that a thousand of each take seconds: for the query-count tests and
``bench/bench_work_queue.py``.

``WaitingRows.grow(n)`` adds ``n`` of each: submitted signings, requests to join an
organisation with no admin, submitted EOIs in no cluster, submitted applications (each with
one overdue assessment and one submitted, so needing an assessor), offers of a place expiring
within hours, cohorts with a register to take, and newsletter issues, drafts and ones
waiting for approval.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from declaration.models import Membership, Organisation, Signing, SigningStatus
from funding.models import (
    Application,
    ApplicationStatus,
    Assessment,
    AssessmentStatus,
    EoiStatus,
    ExpressionOfInterest,
    Fund,
    Round,
)
from localdigital.accounts.models import User
from newsletter.models import IssueStatus, NewsletterIssue
from training.models import (
    Cohort,
    CohortSession,
    CohortStatus,
    Course,
    Enrolment,
    EnrolmentStatus,
    Offer,
)

DAY = timedelta(days=1)


@dataclass
class WaitingRows:
    """A round with an EOI stage and one in assessment (``round``), an assessor, and a
    course, to which ``grow`` adds rows."""

    eoi_round: Round
    round: Round
    assessor: User
    second_assessor: User
    course: Course

    @classmethod
    def make(cls, *, assessor: User, second_assessor: User) -> WaitingRows:
        now = timezone.now()
        fund, _ = Fund.objects.get_or_create(slug="bench-fund", defaults={"name": "Bench Fund"})
        eoi_round = Round.objects.create(
            fund=fund,
            number=901,
            name="Round 901",
            slug="round-901",
            budget=Decimal(1_000_000),
            eoi_opens_at=now - 30 * DAY,
            eoi_closes_at=now - 20 * DAY,
            applications_open_at=now - 10 * DAY,
            applications_close_at=now + 20 * DAY,
        )
        round = Round.objects.create(
            fund=fund,
            number=902,
            name="Round 902",
            slug="round-902",
            budget=Decimal(1_000_000),
            applications_open_at=now - 40 * DAY,
            applications_close_at=now - 10 * DAY,
            assessors_per_application=3,
        )
        course = Course.objects.create(
            title="Bench course",
            slug=f"bench-course-{uuid.uuid4().hex[:8]}",
            summary="A course.",
            description="A course.",
            audience="everyone",
            course_format="online",
            duration="1 day",
            is_published=True,
        )
        return cls(eoi_round, round, assessor, second_assessor, course)

    def grow(self, n: int) -> None:
        """Add ``n`` rows of each thing waiting."""
        now = timezone.now()
        today = timezone.localdate()
        tag = uuid.uuid4().hex[:10]
        organisations = Organisation.objects.bulk_create(
            Organisation(name=f"Bench Council {tag} {i}", slug=f"bench-{tag}-{i}") for i in range(n)
        )
        users = User.objects.bulk_create(
            User(email=f"person-{tag}-{i}@example.gov.uk") for i in range(n)
        )
        offered_users = User.objects.bulk_create(
            User(email=f"offered-{tag}-{i}@example.gov.uk") for i in range(n)
        )
        pairs = list(zip(organisations, users, strict=True))
        Signing.objects.bulk_create(
            Signing(
                organisation=organisation,
                signer=user,
                status=SigningStatus.SUBMITTED,
                signed_on=today,
                submitted_at=now,
            )
            for organisation, user in pairs
        )
        Membership.objects.bulk_create(
            Membership(organisation=organisation, user=user) for organisation, user in pairs
        )
        ExpressionOfInterest.objects.bulk_create(
            ExpressionOfInterest(
                round=self.eoi_round,
                lead_organisation=organisation,
                status=EoiStatus.SUBMITTED,
                title="Missed bins",
                submitted_at=now,
            )
            for organisation in organisations
        )
        applications = Application.objects.bulk_create(
            Application(
                round=self.round,
                lead_organisation=organisation,
                status=ApplicationStatus.SUBMITTED,
                title="Missed bins",
                submitted_at=now,
            )
            for organisation in organisations
        )
        Assessment.objects.bulk_create(
            [
                *(
                    Assessment(application=application, assessor=self.assessor, due_on=today - DAY)
                    for application in applications
                ),
                *(
                    Assessment(
                        application=application,
                        assessor=self.second_assessor,
                        due_on=today - DAY,
                        status=AssessmentStatus.SUBMITTED,
                        submitted_at=now,
                    )
                    for application in applications
                ),
            ]
        )
        cohorts = Cohort.objects.bulk_create(
            Cohort(
                course=self.course,
                capacity=10,
                enrolment_opens_at=now - 30 * DAY,
                enrolment_closes_at=now - 10 * DAY,
                status=CohortStatus.CLOSED,
                published_at=now - 30 * DAY,
            )
            for _ in range(n)
        )
        CohortSession.objects.bulk_create(
            CohortSession(
                cohort=cohort,
                starts_at=now - 2 * DAY,
                ends_at=now - 2 * DAY + DAY / 4,
                is_online=True,
            )
            for cohort in cohorts
        )
        Enrolment.objects.bulk_create(
            Enrolment(
                cohort=cohort,
                user=user,
                organisation=organisation,
                job_title="Service designer",
                status=EnrolmentStatus.ENROLLED,
                enrolled_at=now - 10 * DAY,
            )
            for cohort, (organisation, user) in zip(cohorts, pairs, strict=True)
        )
        offered = Enrolment.objects.bulk_create(
            Enrolment(
                cohort=cohort,
                user=user,
                organisation=organisation,
                job_title="Service designer",
                status=EnrolmentStatus.OFFERED,
            )
            for cohort, organisation, user in zip(
                cohorts, organisations, offered_users, strict=True
            )
        )
        Offer.objects.bulk_create(
            Offer(enrolment=enrolment, offered_at=now - DAY, expires_at=now + timedelta(hours=2))
            for enrolment in offered
        )
        NewsletterIssue.objects.bulk_create(
            NewsletterIssue(subject=f"News {tag} {i}", body="News.", status=IssueStatus.DRAFT)
            for i in range(n)
        )
        NewsletterIssue.objects.bulk_create(
            NewsletterIssue(
                subject=f"News to approve {tag} {i}",
                body="News.",
                status=IssueStatus.AWAITING_APPROVAL,
                approval_requested_at=now,
            )
            for i in range(n)
        )
