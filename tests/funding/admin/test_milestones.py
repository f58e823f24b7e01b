"""The milestones on an award's page, saved through ``milestones_save``: what the service
refuses is shown above the milestones, with everything typed kept and nothing saved, and what
it saves is audited in one event; the page saved unchanged records nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funding.models import ProjectMilestone, ReportMilestone
from funding.services.milestones import VERB
from localdigital.audit.models import AuditEvent
from tests.funding.admin_support import errors_of, instalments_data
from tests.funding.factories import AwardFactory
from tests.funding.factories_reporting import ProgressReportFactory, ProjectMilestoneFactory

pytestmark = pytest.mark.django_db


def change_url(award) -> str:
    return reverse("admin:funding_award_change", args=[award.pk])


def milestones_data(award, rows: list[dict]) -> dict:
    """Return what the award's page posts: its milestones, existing ones with an id, and no
    instalments."""
    data = instalments_data(award, [])
    data["milestones-TOTAL_FORMS"] = len(rows)
    data["milestones-INITIAL_FORMS"] = sum(1 for row in rows if row.get("id"))
    for index, row in enumerate(rows):
        for key, value in {"award": award.pk, **row}.items():
            data[f"milestones-{index}-{key}"] = value
    return data


def row(milestone: ProjectMilestone, **typed) -> dict:
    """The milestone's row as its page posts it, with ``typed`` in place of what it has."""
    return {
        "id": milestone.pk,
        "title": milestone.title,
        "planned_on": milestone.planned_on.isoformat() if milestone.planned_on else "",
        "position": milestone.position,
        **typed,
    }


class TestSavedAndAudited:
    def test_one_event_names_what_was_added_changed_and_removed(self, manager, fund_manager):
        award = AwardFactory(accepted=True)
        kept = ProjectMilestoneFactory(award=award, title="Alpha", position=1)
        gone = ProjectMilestoneFactory(award=award, title="Beta", position=2)

        response = manager.post(
            change_url(award),
            milestones_data(
                award,
                [
                    row(kept, title="Alpha assessed"),
                    row(gone, DELETE="on"),
                    {"title": "Live", "planned_on": "2027-06-01", "position": 3},
                ],
            ),
        )

        assert response.status_code == 302
        assert list(award.milestones.values_list("title", flat=True)) == ["Alpha assessed", "Live"]
        event = AuditEvent.objects.get(verb=VERB)
        assert event.actor == fund_manager
        assert [change["change"] for change in event.data["changes"]] == [
            "added",
            "changed",
            "removed",
        ]

    def test_the_page_saved_unchanged_records_nothing(self, manager):
        award = AwardFactory(accepted=True)
        milestone = ProjectMilestoneFactory(award=award)

        response = manager.post(change_url(award), milestones_data(award, [row(milestone)]))

        assert response.status_code == 302
        assert not AuditEvent.objects.exists()


class TestRefusedOnThePage:
    def test_a_milestone_reported_on_removed_is_refused_keeping_what_was_typed(self, manager):
        award = AwardFactory(accepted=True)
        reported = ProjectMilestoneFactory(award=award, title="Alpha")
        ReportMilestone.objects.create(
            report=ProgressReportFactory(award=award), milestone=reported, status="done"
        )

        response = manager.post(
            change_url(award),
            milestones_data(
                award,
                [
                    row(reported, DELETE="on"),
                    {"title": "Typed milestone", "planned_on": "2027-06-01", "position": 3},
                ],
            ),
        )

        errors = errors_of(response)
        assert "Please correct the error below." in response.text
        assert errors["milestones"] == [
            "A progress report says where “Alpha” stands, so it cannot be removed: that would "
            "remove what the report said."
        ]
        assert 'value="Typed milestone"' in response.text
        assert list(award.milestones.values_list("title", flat=True)) == ["Alpha"]
        assert ReportMilestone.objects.filter(milestone=reported).exists()
        assert not AuditEvent.objects.exists()

    def test_a_title_left_empty_is_shown_beside_it_before_any_rule(self, manager):
        award = AwardFactory(accepted=True)

        response = manager.post(
            change_url(award),
            milestones_data(award, [{"title": "", "planned_on": "2027-06-01", "position": 1}]),
        )

        errors = errors_of(response)
        assert "milestones" not in errors
        assert errors["milestones-0-title"]
        assert not award.milestones.exists()
