"""What the demo seed's tests share: running it, what it prints, and every row it writes."""

import datetime
import io
from zoneinfo import ZoneInfo

from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from declaration.models import (
    Membership,
    Organisation,
    ProjectUpdate,
    Signing,
    SigningStatus,
)
from funding.models import (
    Application,
    ApplicationChange,
    ApplicationPartner,
    ApplicationSection,
    Assessment,
    Award,
    ChangeRequest,
    ClusterMessage,
    CriterionScore,
    Decision,
    EoiChange,
    EoiCluster,
    EoiPartner,
    ExpressionOfInterest,
    Instalment,
    ModeratedScore,
    ProgressReport,
    ProgressUpdate,
    ProjectMilestone,
    ProjectOutput,
    ReportVersion,
    Round,
    RoundQuestion,
)
from localdigital.accounts.models import User
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from newsletter.models import NewsletterIssue, Subscriber
from tests.shared_data import shared_data
from training.models import (
    Attendance,
    Cohort,
    CohortSession,
    Course,
    Enrolment,
    Offer,
)

REGISTER_CSV = shared_data("uk_local_authorities.csv")
STAFF_EMAILS = {
    "superuser@demo.localdigital.test": None,
    "fund.manager@demo.localdigital.test": "Fund manager",
    "assessor@demo.localdigital.test": "Assessor",
    "panel.assessor@demo.localdigital.test": "Assessor",
    "training.admin@demo.localdigital.test": "Training administrator",
    "comms@demo.localdigital.test": "Communications",
}
COUNCIL_MEMBER = "council.member@hackney.demo.localdigital.test"
COUNCIL_ADMIN = "org.admin@hackney.demo.localdigital.test"

LONDON = ZoneInfo("Europe/London")


def seed_demo() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def sign_ins(output: str) -> str:
    return output[output.index("Demo sign-ins") :]


def snapshot() -> dict[str, list]:
    """Every row the seed writes, with the columns that would show a change."""
    return {
        "organisations": list(
            Organisation.objects.order_by("pk").values_list(
                "pk", "slug", "updated_at", "email_domains"
            )
        ),
        "users": list(
            User.objects.order_by("pk").values_list("pk", "email", "password", "is_staff")
        ),
        "groups": list(User.groups.through.objects.order_by("pk").values_list("pk")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list("pk", "role", "approved_at")
        ),
        "devices": list(TOTPDevice.objects.order_by("pk").values_list("pk", "key", "confirmed")),
        "audit": list(AuditEvent.objects.order_by("pk").values_list("pk")),
        "signings": list(Signing.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "updates": list(ProjectUpdate.objects.order_by("pk").values_list("pk")),
        "subscribers": list(Subscriber.objects.order_by("pk").values_list("pk", "status")),
        "issues": list(NewsletterIssue.objects.order_by("pk").values_list("pk", "status")),
        "rounds": list(Round.objects.order_by("pk").values_list("pk", "slug", *ROUND_DATES)),
        "questions": list(RoundQuestion.objects.order_by("pk").values_list("pk")),
        "eois": list(
            ExpressionOfInterest.objects.order_by("pk").values_list("pk", "status", "updated_at")
        ),
        "eoi_partners": list(EoiPartner.objects.order_by("pk").values_list("pk")),
        "eoi_changes": list(EoiChange.objects.order_by("pk").values_list("pk")),
        "clusters": list(EoiCluster.objects.order_by("pk").values_list("pk", "name")),
        "cluster_messages": list(ClusterMessage.objects.order_by("pk").values_list("pk")),
        "applications": list(
            Application.objects.order_by("pk").values_list("pk", "status", "updated_at")
        ),
        "application_sections": list(
            ApplicationSection.objects.order_by("pk").values_list("pk", "version")
        ),
        "application_partners": list(
            ApplicationPartner.objects.order_by("pk").values_list("pk", "confirmed_at")
        ),
        "application_changes": list(ApplicationChange.objects.order_by("pk").values_list("pk")),
        "assessments": list(
            Assessment.objects.order_by("pk").values_list("pk", "status", "updated_at")
        ),
        "scores": list(CriterionScore.objects.order_by("pk").values_list("pk", "score")),
        "moderated": list(ModeratedScore.objects.order_by("pk").values_list("pk", "score")),
        "decisions": list(
            Decision.objects.order_by("pk").values_list("pk", "outcome", "notified_at")
        ),
        "awards": list(Award.objects.order_by("pk").values_list("pk", "slug", "status")),
        "instalments": list(Instalment.objects.order_by("pk").values_list("pk", "paid_at")),
        "progress_updates": list(ProgressUpdate.objects.order_by("pk").values_list("pk")),
        "outputs": list(ProjectOutput.objects.order_by("pk").values_list("pk")),
        "milestones": list(ProjectMilestone.objects.order_by("pk").values_list("pk")),
        "reports": list(
            ProgressReport.objects.order_by("pk").values_list("pk", "status", "due_at")
        ),
        "report_versions": list(ReportVersion.objects.order_by("pk").values_list("pk", "outcome")),
        "change_requests": list(ChangeRequest.objects.order_by("pk").values_list("pk", "status")),
        "outbox": list(OutgoingEmail.objects.order_by("pk").values_list("pk")),
        **training_snapshot(),
    }


def training_snapshot() -> dict[str, list]:
    """Every training row the seed writes, with the columns that would show a change."""
    return {
        "courses": list(Course.objects.order_by("pk").values_list("pk", "slug")),
        "cohorts": list(
            Cohort.objects.order_by("pk").values_list("pk", "status", "capacity", "published_at")
        ),
        "sessions": list(CohortSession.objects.order_by("pk").values_list("pk", "starts_at")),
        "enrolments": list(
            Enrolment.objects.order_by("pk").values_list("pk", "status", "waiting_position")
        ),
        "attendance": list(Attendance.objects.order_by("pk").values_list("pk", "attended")),
        "offers": list(Offer.objects.order_by("pk").values_list("pk", "status")),
    }


ROUND_DATES = (
    "eoi_opens_at",
    "eoi_closes_at",
    "applications_open_at",
    "applications_close_at",
    "decisions_announced_at",
)


def london(moment: datetime.datetime | None) -> tuple[int, ...]:
    """Return a time as (year, month, day, hour, minute) in London, to compare with the record."""
    assert moment is not None, "the round has no such date"
    local = moment.astimezone(LONDON)
    return (local.year, local.month, local.day, local.hour, local.minute)


def signatory_ids() -> set[int]:
    return set(
        Signing.objects.filter(status=SigningStatus.PUBLISHED).values_list(
            "organisation_id", flat=True
        )
    )


def completed_sections(application: Application) -> int:
    return application.sections.filter(is_completed=True).count()
