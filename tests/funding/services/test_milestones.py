"""A project's milestones as fund managers keep them: one audit event naming each milestone
added, changed or removed; nothing changed, nothing recorded; a milestone a report or a change
request refers to is not removed; refused or with a failed audit, nothing is saved."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import IntegrityError

from funding.errors import FundingError, NotPermitted, TransitionNotAllowed
from funding.models import ChangeKind, ProjectMilestone, ReportMilestone
from funding.services import milestones as services
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.funding.factories import AwardFactory
from tests.funding.factories_reporting import (
    ChangeRequestFactory,
    ProgressReportFactory,
    ProjectMilestoneFactory,
)
from tests.support.audit import audit_break

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager():
    return UserFactory(staff=True, groups=["Fund manager"])


@pytest.fixture
def award():
    return AwardFactory(accepted=True)


def milestone(award, title: str, day: date | None = None, position: int = 0):
    return ProjectMilestoneFactory(award=award, title=title, planned_on=day, position=position)


def events():
    return AuditEvent.objects.filter(verb=services.VERB)


class TestSaved:
    def test_adds_changes_and_removes_with_one_event_naming_each(self, award, manager):
        kept = milestone(award, "Alpha", date(2027, 1, 4), 1)
        gone = milestone(award, "Beta", date(2027, 2, 1), 2)
        kept.title, kept.planned_on = "Alpha assessed", date(2027, 1, 11)
        added = ProjectMilestone(award=award, title="Live", planned_on=None, position=3)

        services.milestones_save(award=award, saved=[kept, added], deleted=[gone], by=manager)

        assert list(award.milestones.values_list("title", flat=True)) == ["Alpha assessed", "Live"]
        (event,) = events()
        assert event.actor == manager
        assert event.target_object_id == str(award.pk)
        assert event.data["changes"] == [
            {
                "change": "added",
                "milestone": added.pk,
                "title": "Live",
                "planned_on": None,
                "position": 3,
            },
            {
                "change": "changed",
                "milestone": kept.pk,
                "fields": [
                    {"field": "title", "old": "Alpha", "new": "Alpha assessed"},
                    {"field": "planned_on", "old": "2027-01-04", "new": "2027-01-11"},
                ],
            },
            {
                "change": "removed",
                "milestone": gone.pk,
                "title": "Beta",
                "planned_on": "2027-02-01",
                "position": 2,
            },
        ]

    def test_records_nothing_when_nothing_changed(self, award, manager):
        same = milestone(award, "Alpha", date(2027, 1, 4))
        same.refresh_from_db()

        services.milestones_save(award=award, saved=[], deleted=[], by=manager)
        services.milestones_save(award=award, saved=[same], deleted=[], by=manager)

        assert not events().exists()

    def test_a_milestone_reported_on_may_still_change(self, award, manager):
        reported = milestone(award, "Alpha")
        ReportMilestone.objects.create(
            report=ProgressReportFactory(award=award), milestone=reported, status="on_track"
        )
        reported.title = "Alpha assessed"

        services.milestones_save(award=award, saved=[reported], deleted=[], by=manager)

        assert award.milestones.get().title == "Alpha assessed"


class TestRefused:
    def test_a_milestone_a_report_says_where_it_stands_is_not_removed(self, award, manager):
        reported = milestone(award, "Alpha")
        other = milestone(award, "Beta")
        ReportMilestone.objects.create(
            report=ProgressReportFactory(award=award), milestone=reported, status="late"
        )

        with pytest.raises(FundingError, match="A progress report says where “Alpha” stands"):
            services.milestones_save(award=award, saved=[], deleted=[other, reported], by=manager)

        assert award.milestones.count() == 2
        assert ReportMilestone.objects.count() == 1
        assert not events().exists()

    def test_a_milestone_the_team_asked_to_change_is_not_removed(self, award, manager):
        asked = milestone(award, "Alpha")
        ChangeRequestFactory(
            award=award, kind=ChangeKind.MILESTONE, milestone=asked, milestone_title="Later"
        )

        with pytest.raises(FundingError, match="asked to change “Alpha”"):
            services.milestones_save(award=award, saved=[], deleted=[asked], by=manager)

        assert award.milestones.count() == 1

    def test_a_milestone_removed_since_the_page_opened_is_not_saved(self, award, manager):
        opened = milestone(award, "Alpha")
        ProjectMilestone.objects.filter(pk=opened.pk).delete()
        opened.title = "Alpha assessed"

        with pytest.raises(TransitionNotAllowed, match="removed since the page opened"):
            services.milestones_save(award=award, saved=[opened], deleted=[], by=manager)

        assert not award.milestones.exists()

    def test_only_fund_managers_keep_milestones(self, award):
        with pytest.raises(NotPermitted):
            services.milestones_save(
                award=award,
                saved=[ProjectMilestone(award=award, title="Alpha")],
                deleted=[],
                by=UserFactory(staff=True),
            )

        assert not award.milestones.exists()

    def test_saves_nothing_when_the_audit_fails(self, award, manager, monkeypatch):
        kept = milestone(award, "Alpha")
        gone = milestone(award, "Beta")
        kept.title = "Alpha assessed"
        audit_break(monkeypatch, services)

        with pytest.raises(IntegrityError):
            services.milestones_save(
                award=award,
                saved=[kept, ProjectMilestone(award=award, title="Live")],
                deleted=[gone],
                by=manager,
            )

        assert sorted(award.milestones.values_list("title", flat=True)) == ["Alpha", "Beta"]
