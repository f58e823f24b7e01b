"""What a progress report says, and what it still lacks.

``report_content`` reads a report into plain data: what "check your answers" shows, and what
a ``ReportVersion`` keeps when the report is submitted, so that a version reads the same
years later whatever changes. ``report_problems`` holds the rules of a complete report, once:
saving a section checks that section's, submitting checks them all, and the task list shows
each section's state from them. ``report_answers`` turns content, current or kept, into the
questions and answers pages show.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from .. import formats
from ..errors import RuleProblem
from ..models import (
    BudgetLine,
    MilestoneStatus,
    ProgressReport,
    ProjectMilestone,
    ProjectOutputType,
    RagStatus,
    ReportSection,
)
from .applications import Answer, AnswerGroup

REPORT_RULE = "report"
# A milestone in one of these states needs a note saying why.
NOTE_NEEDED = {MilestoneStatus.LATE: "is late", MilestoneStatus.DROPPED: "was dropped"}
# An overall status that needs the reason.
REASON_NEEDED = (RagStatus.AMBER, RagStatus.RED)
FINAL_QUESTIONS = (
    ("delivered", "What the project delivered", "Say what the project delivered"),
    ("reuse", "What other councils can reuse, and how", "Say what other councils can reuse"),
    ("lessons", "Lessons learned", "Give the lessons the project learned"),
)


def milestone_field(milestone_id: int, part: str) -> str:
    """Return the name of a milestone's question on the milestones page."""
    return f"milestone_{milestone_id}_{part}"


def spend_field(line_id: int, part: str) -> str:
    """Return the name of a budget line's question on the spend page."""
    return f"line_{line_id}_{part}"


def sections_of(report: ProgressReport) -> list[ReportSection]:
    """Return the report's sections in task-list order: the final report's has one more."""
    return [s for s in ReportSection if report.is_final or s != ReportSection.FINAL]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def report_content(*, report: ProgressReport) -> dict[str, Any]:
    """Return everything the report says, as plain data that JSON keeps."""
    award = report.award
    progress = {row.milestone_id: row for row in report.milestone_progress.all()}
    spend = {row.budget_line_id: row for row in report.spend.all()}
    content: dict[str, Any] = {
        "name": report.name,
        "is_final": report.is_final,
        "period_start": _day(report.period_start),
        "period_end": _day(report.period_end),
        "milestones": [
            {
                "id": milestone.pk,
                "title": milestone.title,
                "planned_on": _day(milestone.planned_on),
                "status": progress[milestone.pk].status if milestone.pk in progress else "",
                "note": progress[milestone.pk].note if milestone.pk in progress else "",
            }
            for milestone in ProjectMilestone.objects.filter(award_id=award.pk).order_by(
                "position", "planned_on", "pk"
            )
        ],
        "spend": [
            {
                "id": line.pk,
                "line": line.description,
                "budget": str(line.amount),
                "in_period": str(spend[line.pk].spent_in_period) if line.pk in spend else None,
                "to_date": str(spend[line.pk].spent_to_date) if line.pk in spend else None,
            }
            for line in BudgetLine.objects.filter(application_id=award.application_id).order_by(
                "position", "pk"
            )
        ],
        "overall_status": report.overall_status,
        "status_reason": report.status_reason,
        "risks": [
            {"description": risk.description, "mitigation": risk.mitigation}
            for risk in report.risks.all()
        ],
        "links": [
            {"title": link.title, "url": link.url, "output_type": link.output_type}
            for link in report.links.all()
        ],
        "saved": sorted(report.section_versions),
    }
    if report.is_final:
        content.update({name: getattr(report, name) for name, _, _ in FINAL_QUESTIONS})
    return content


def spent_to_date(content: dict[str, Any]) -> Decimal:
    """Return the spend to date on every budget line, added up."""
    return sum((Decimal(row["to_date"]) for row in content["spend"] if row["to_date"]), Decimal(0))


def report_problems(content: dict[str, Any], *, section: str | None = None) -> list[RuleProblem]:
    """Return what the report still lacks, in every section or in ``section`` only."""
    problems: list[RuleProblem] = []

    def lack(where: ReportSection, message: str, *fields: str) -> None:
        if section in (None, where):
            problems.append(RuleProblem(REPORT_RULE, message, where.value, fields))

    for milestone in content["milestones"]:
        title, status = milestone["title"], milestone["status"]
        if not status:
            lack(
                ReportSection.MILESTONES,
                f"Say where “{title}” stands",
                milestone_field(milestone["id"], "status"),
            )
        elif status in NOTE_NEEDED and not milestone["note"].strip():
            lack(
                ReportSection.MILESTONES,
                f"Say why “{title}” {NOTE_NEEDED[MilestoneStatus(status)]}",
                milestone_field(milestone["id"], "note"),
            )
    for line in content["spend"]:
        if line["in_period"] is None:
            lack(
                ReportSection.SPEND,
                f"Give the spend on “{line['line']}”",
                spend_field(line["id"], "in_period"),
            )
    overall = content["overall_status"]
    if not overall:
        lack(ReportSection.STATUS, "Give the project's overall status", "overall_status")
    elif overall in REASON_NEEDED and not content["status_reason"].strip():
        lack(
            ReportSection.STATUS,
            f"Say why the project is {RagStatus(overall).name.lower()}",
            "status_reason",
        )
    if ReportSection.RISKS not in content["saved"]:
        lack(
            ReportSection.RISKS, "Give the risks and issues, or save the page to say there are none"
        )
    if ReportSection.LINKS not in content["saved"]:
        lack(
            ReportSection.LINKS,
            "Give what the project published in the open, or save the page to say nothing was",
        )
    if content["is_final"]:
        for name, _, message in FINAL_QUESTIONS:
            if not content.get(name, "").strip():
                lack(ReportSection.FINAL, message, name)
    return problems


def _money(value: str | None) -> str:
    return formats.money(Decimal(value)) if value is not None else "Not answered"


def _text(value: str) -> str:
    return value.strip() or "Not answered"


def _planned(iso: str | None) -> str:
    return f" (planned for {formats.day(date.fromisoformat(iso))})" if iso else ""


def _none_unless_unsaved(content: dict[str, Any], section: ReportSection, none: str) -> str:
    """Say ``none`` for a section of rows left empty on purpose, or "Not answered" while its
    page has never been saved: only saving the page says that there is nothing to give."""
    return none if section in content["saved"] else "Not answered"


def report_answers(
    content: dict[str, Any], *, urls: dict[str, str] | None = None
) -> list[AnswerGroup]:
    """Return the report's answers, section by section, as text; ``urls`` names the page
    that changes each section, for "check your answers"."""
    urls = urls or {}
    groups = {
        ReportSection.MILESTONES: [
            Answer(
                f"{row['title']}{_planned(row['planned_on'])}",
                f"{MilestoneStatus(row['status']).label}"
                f"{': ' + row['note'].strip() if row['note'].strip() else ''}"
                if row["status"]
                else "Not answered",
            )
            for row in content["milestones"]
        ]
        or [Answer("Milestones", "No milestones are agreed for this project")],
        ReportSection.SPEND: [
            Answer(
                f"{row['line']} (budget {formats.money(Decimal(row['budget']))})",
                f"{_money(row['in_period'])} in the period, {_money(row['to_date'])} to date"
                if row["in_period"] is not None
                else "Not answered",
            )
            for row in content["spend"]
        ]
        + [Answer("Total spent to date", formats.money(spent_to_date(content)), changeable=False)],
        ReportSection.STATUS: [
            Answer(
                "Overall status",
                RagStatus(content["overall_status"]).label
                if content["overall_status"]
                else "Not answered",
            ),
            *(
                [Answer("Why", _text(content["status_reason"]))]
                if content["overall_status"] in REASON_NEEDED
                else []
            ),
        ],
        ReportSection.RISKS: [
            Answer(f"Risk or issue {number}: {risk['description']}", risk["mitigation"])
            for number, risk in enumerate(content["risks"], start=1)
        ]
        or [Answer("Risks and issues", _none_unless_unsaved(content, ReportSection.RISKS, "None"))],
        ReportSection.LINKS: [
            Answer(f"{link['title']} ({ProjectOutputType(link['output_type']).label})", link["url"])
            for link in content["links"]
        ]
        or [
            Answer(
                "Published in the open",
                _none_unless_unsaved(content, ReportSection.LINKS, "Nothing this period"),
            )
        ],
    }
    if content["is_final"]:
        groups[ReportSection.FINAL] = [
            Answer(question, _text(content.get(name, ""))) for name, question, _ in FINAL_QUESTIONS
        ]
    return [
        AnswerGroup(
            key=section.value, title=section.label, answers=answers, url=urls.get(section.value, "")
        )
        for section, answers in groups.items()
    ]
