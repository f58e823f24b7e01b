"""Reads of full applications for the people writing them: access, the task list, the
answers, the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from declaration import selectors as declaration_selectors
from localdigital.accounts.models import User

from .. import formats, rules
from ..errors import RuleCode
from ..models import (
    Application,
    ApplicationChange,
    ApplicationPartner,
    ApplicationSection,
    ApplicationStatus,
    BudgetLine,
    ExpressionOfInterest,
    OutputType,
    Phase,
    Section,
)


class TaskStatus:
    """What the task list says of a section, in the GOV.UK task list's words."""

    COMPLETED = "Completed"
    IN_PROGRESS = "In progress"
    NOT_STARTED = "Not yet started"
    CANNOT_START = "Cannot start yet"
    PROBLEM = "There is a problem"


@dataclass(frozen=True)
class Task:
    """One row of the application's task list, and what is left to do in it (``hints``)."""

    key: str
    label: str
    url: str
    status: str
    hints: tuple[str, ...] = ()

    @property
    def is_completed(self) -> bool:
        return self.status == TaskStatus.COMPLETED

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag colour of the status; a completed task has no tag."""
        return {
            TaskStatus.IN_PROGRESS: "govuk-tag--light-blue",
            TaskStatus.NOT_STARTED: "govuk-tag--blue",
            TaskStatus.PROBLEM: "govuk-tag--red",
        }.get(self.status, "")


@dataclass(frozen=True)
class ApplicationAccess:
    """An application and what the person looking at it may do."""

    application: Application
    is_lead_member: bool
    can_edit: bool
    can_submit: bool
    can_withdraw: bool
    closes_passed: bool
    can_delete: bool = False


def applications_visible_to(*, user: User) -> QuerySet[Application]:
    """Return the applications ``user`` may see: those their organisations lead or partner."""
    organisation_ids = declaration_selectors.organisation_ids_for_member(user=user)
    return Application.objects.filter(
        Q(lead_organisation_id__in=organisation_ids)
        | Q(partners__organisation_id__in=organisation_ids)
    ).distinct()


def application_for_member_get(
    *, reference: str, user: User, now: datetime | None = None
) -> ApplicationAccess | None:
    """Return the application ``reference`` if ``user`` may see it, with what they may do;
    else None, which pages answer as not found, whether or not it exists.

    Members of the lead and the partner organisations edit a draft until the close; only
    members of the lead submit, withdraw or delete it. A draft invited from an expression
    of interest is withdrawn, not deleted.
    """
    now = now or timezone.now()
    organisation_ids = declaration_selectors.organisation_ids_for_member(user=user)
    application = (
        Application.objects.filter(reference=reference)
        .filter(
            Q(lead_organisation_id__in=organisation_ids)
            | Q(partners__organisation_id__in=organisation_ids)
        )
        .select_related("round", "lead_organisation", "created_by")
        .annotate(
            is_from_eoi=Exists(ExpressionOfInterest.objects.filter(application=OuterRef("pk")))
        )
        .prefetch_related(
            Prefetch(
                "partners",
                queryset=ApplicationPartner.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
            Prefetch("sections", queryset=ApplicationSection.objects.select_related("updated_by")),
            Prefetch("budget_lines", queryset=BudgetLine.objects.order_by("position", "pk")),
            "round__phase_caps",
        )
        .first()
    )
    if application is None:
        return None
    lead_member = application.lead_organisation_id in organisation_ids
    passed = now >= application.round.applications_close_at
    is_draft = application.status == ApplicationStatus.DRAFT
    return ApplicationAccess(
        application=application,
        is_lead_member=lead_member,
        can_edit=is_draft and not passed,
        can_submit=lead_member and is_draft and not passed,
        can_withdraw=lead_member
        and application.status in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED)
        and not passed,
        closes_passed=passed,
        can_delete=lead_member and is_draft and not passed and not application.is_from_eoi,
    )


def application_tasks(*, application: Application, now: datetime | None = None) -> list[Task]:
    """Return the task list: each section with its status, then the partners.

    A status is worked out afresh from the round's rules, the ones submission checks
    (``rules.application_problems``), not kept: a section its writer marked complete shows
    as in progress again once something it depends on changes (a partner added with no
    role yet), with what is left as its hint, and one whose answer breaks a rule shows
    "There is a problem". Uses the application's prefetched sections and partners.
    """
    now = now or timezone.now()
    problems = rules.application_problems(application=application, now=now)
    states = {state.section: state for state in application.sections.all()}
    tasks = []
    for section in Section:
        state = states.get(section)
        own = [p for p in problems if p.section == section and p.rule != RuleCode.INCOMPLETE]
        started = state is not None and state.version > 0
        if any(not problem.is_to_do for problem in own):
            status = TaskStatus.PROBLEM
        elif state is not None and state.is_completed and not own:
            status = TaskStatus.COMPLETED
        elif started:
            status = TaskStatus.IN_PROGRESS
        else:
            status = TaskStatus.NOT_STARTED
        tasks.append(
            Task(
                key=section.value,
                label=section.label,
                url=reverse(
                    "funding:application-section", args=[application.reference, section.value]
                ),
                status=status,
                hints=tuple(p.message for p in own) if started or own else (),
            )
        )
    own = [p for p in problems if p.section == rules.PARTNERS]
    if any(not problem.is_to_do for problem in own):
        partner_status = TaskStatus.PROBLEM
    elif not own:
        partner_status = TaskStatus.COMPLETED
    elif not application.partners.all():
        partner_status = TaskStatus.NOT_STARTED
    else:
        partner_status = TaskStatus.IN_PROGRESS
    tasks.append(
        Task(
            key=rules.PARTNERS,
            label="Partner organisations and their confirmation",
            url=reverse("funding:application-partners", args=[application.reference]),
            status=partner_status,
            hints=tuple(p.message for p in own),
        )
    )
    return tasks


def application_section_state(*, application: Application, section: str) -> ApplicationSection:
    """Return the section's state (its version, who saved it last), from the prefetch."""
    for state in application.sections.all():
        if state.section == section:
            return state
    raise ApplicationSection.DoesNotExist(section)


@dataclass(frozen=True)
class Answer:
    """One question and its answer; ``changeable`` is false for a row worked out from others,
    which has no "Change" link."""

    question: str
    answer: str
    changeable: bool = True


@dataclass(frozen=True)
class AnswerGroup:
    """One section's answers, for "check your answers" and the copy emailed on submission."""

    key: str
    title: str
    answers: list[Answer]
    url: str


def _text(value: str) -> str:
    return value.strip() or "Not answered"


def application_answers(*, application: Application) -> list[AnswerGroup]:
    """Return every answer of the application, section by section, as text."""
    partners = list(application.partners.all())
    lines = list(application.budget_lines.all())
    phase = Phase(application.phase).label if application.phase else ""
    output_labels = [OutputType(value).label for value in application.output_types]
    groups = {
        Section.PROBLEM: [
            Answer("Project title", _text(application.title)),
            Answer("The problem", _text(application.problem)),
            Answer("Evidence for the problem", _text(application.evidence)),
        ],
        Section.USERS: [Answer("Users and their needs", _text(application.users_and_needs))],
        Section.APPROACH: [
            Answer("Approach", _text(application.approach)),
            Answer("Phase", _text(phase)),
        ],
        Section.OUTPUTS: [
            Answer("Outputs", _text(application.outputs)),
            Answer("Kinds of output", _text(", ".join(output_labels))),
            Answer("How others will reuse them", _text(application.reuse)),
        ],
        Section.TEAM: [
            Answer("The team", _text(application.team)),
            *(
                Answer(f"Role of {partner.organisation.name}", _text(partner.role))
                for partner in partners
            ),
        ],
        Section.BUDGET: [
            *(Answer(line.description, formats.money(line.amount)) for line in lines),
            Answer("Amount requested", _text(formats.money(application.requested_amount))),
        ],
        Section.STAKEHOLDER: [
            Answer("Name", _text(application.stakeholder_name)),
            Answer("Job title", _text(application.stakeholder_job_title)),
            Answer("Email", _text(application.stakeholder_email)),
        ],
    }
    result = [
        AnswerGroup(
            key=section.value,
            title=section.label,
            answers=groups[section],
            url=reverse("funding:application-section", args=[application.reference, section.value]),
        )
        for section in Section
    ]
    result.append(
        AnswerGroup(
            key="partners",
            title="Partner organisations",
            answers=[
                Answer(
                    partner.organisation.name,
                    f"{partner.contact_name or 'No contact'}"
                    f"{f' ({partner.contact_email})' if partner.contact_email else ''}: "
                    f"{'confirmed' if partner.is_confirmed else 'not confirmed yet'}",
                )
                for partner in partners
            ]
            or [Answer("Partners", "None")],
            url=reverse("funding:application-partners", args=[application.reference]),
        )
    )
    return result


def application_history(*, application: Application) -> QuerySet[ApplicationChange]:
    """Return who changed what in the application, newest first."""
    return (
        ApplicationChange.objects.filter(application=application)
        .select_related("changed_by")
        .order_by("-changed_at", "-pk")
    )


def application_partner_get(*, application: Application, pk: int) -> ApplicationPartner | None:
    return (
        ApplicationPartner.objects.filter(application=application, pk=pk)
        .select_related("organisation", "application")
        .first()
    )


def partner_confirmed_get(*, pk: object) -> ApplicationPartner | None:
    """Return the partner ``pk`` if its part is confirmed, for the page that says so; else
    None."""
    if not isinstance(pk, int):
        return None
    return (
        ApplicationPartner.objects.filter(pk=pk, confirmed_at__isnull=False)
        .select_related("application__round", "application__lead_organisation", "organisation")
        .first()
    )
