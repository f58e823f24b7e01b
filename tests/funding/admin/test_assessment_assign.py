"""Assigning assessors to applications in the admin (funding/admin/assessment_assign.py), and
the emails it sends them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from funding.models import Assessment
from localdigital.admin_actions import object_action_url
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.funding.admin_support import APPLICATIONS, application_url, score_url
from tests.funding.factories import ApplicationFactory, AssessmentFactory
from tests.support.admin import listed
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db


def assign_data(applications, assessors, due_on, **extra) -> dict:
    return {
        "action": "assign_assessors",
        "_selected_action": [a.pk for a in applications],
        "index": 0,
        "confirm": "yes",
        "assessors": [a.pk for a in assessors],
        "due_on": due_on.isoformat() if hasattr(due_on, "isoformat") else due_on,
        **extra,
    }


class TestAssigning:
    def test_the_action_asks_for_assessors_from_the_assessor_group_and_a_due_date(
        self, manager, application, assessor
    ):
        """The intermediate page offers only staff in the Assessor group."""
        UserFactory(staff=True, groups=["Fund manager"], full_name="Nadia Notassessor")

        response = manager.post(
            APPLICATIONS,
            {"action": "assign_assessors", "_selected_action": [application.pk], "index": 0},
        )

        assert response.status_code == 200
        assert "Assign assessors" in response.text
        assert "Asha Assessor" in response.text
        assert "Nadia Notassessor" not in response.text
        assert application.reference in response.text
        assert 'name="due_on"' in response.text
        assert not Assessment.objects.exists()

    def test_assigns_and_reports_what_was_made_and_what_could_not_be_filled(
        self, manager, round, assessor
    ):
        """With one assessor for a round that wants two, each application gets one, and
        the page says which could not be filled and why."""
        first = ApplicationFactory(round=round, submitted=True)
        second = ApplicationFactory(round=round, submitted=True)
        due = timezone.localdate() + timedelta(days=10)

        response = manager.post(APPLICATIONS, assign_data([first, second], [assessor], due))

        assert response.status_code == 302
        assert Assessment.objects.filter(assessor=assessor, due_on=due).count() == 2
        told = " ".join(messages_of(response))
        one, other = sorted([first.reference, second.reference])
        assert (
            f"Assigned 2 assessments: {one} to Asha Assessor; {other} to Asha Assessor. "
            "Each assessor has been emailed."
        ) in told
        assert (
            f"Could not give these applications all their assessors: {one}, as it needs 2 "
            "more assessors and only 1 of those chosen could take it"
        ) in told
        assert OutgoingEmail.objects.filter(recipient=assessor.email).count() == 1

    def test_invalid_input_is_shown_beside_the_fields_and_kept(self, manager, application):
        past = timezone.localdate() - timedelta(days=1)

        response = manager.post(APPLICATIONS, assign_data([application], [], past))

        assert response.status_code == 200
        assert "Choose at least one assessor." in response.text
        assert "The due date must be today or in the future." in response.text
        assert f'value="{past.isoformat()}"' in response.text
        assert not Assessment.objects.exists()

    def test_a_nonsense_date_is_an_error_not_a_crash(self, manager, application, assessor):
        response = manager.post(APPLICATIONS, assign_data([application], [assessor], "31/02/x"))

        assert response.status_code == 200
        assert "Enter the due date as a real date" in response.text
        assert 'value="31/02/x"' in response.text

    def test_an_assessor_cannot_assign(self, assessor_client, application, assessor):
        """Assessors have no such action: nothing is made."""
        due = timezone.localdate() + timedelta(days=10)

        assessor_client.post(APPLICATIONS, assign_data([application], [assessor], due))

        assert not Assessment.objects.exists()

    def test_the_list_shows_progress_conflicts_moderation_and_decision(self, manager, application):
        AssessmentFactory(application=application, submitted=True)
        AssessmentFactory(application=application, conflicted=True)

        response = manager.get(APPLICATIONS)

        row = response.text.split("<tbody>")[1].split("</tr>")[0]
        assert "1 of 2 submitted, 1 to assign" in row
        assert "1 conflict declared" in row

    def test_the_list_filters_applications_that_need_assessors(self, manager, round):
        needs = ApplicationFactory(round=round, submitted=True)
        full = ApplicationFactory(round=round, submitted=True)
        AssessmentFactory.create_batch(2, application=full)
        AssessmentFactory(application=needs)
        AssessmentFactory(application=needs, conflicted=True)

        assert listed(manager.get(APPLICATIONS, {"assessment": "unassigned"})) == [needs]
        assert listed(manager.get(APPLICATIONS, {"assessment": "conflict"})) == [needs]

    def test_the_application_page_shows_conflicts_and_offers_someone_else(
        self, manager, application
    ):
        conflicted = AssessmentFactory(
            application=application,
            conflicted=True,
            conflict_note="My partner leads the bid's user research.",
            assessor=UserFactory(staff=True, groups=["Assessor"], full_name="Conor Conflict"),
        )

        response = manager.get(application_url(application))

        assert response.status_code == 200
        assert "Conflicts of interest declared" in response.text
        assert "Conor Conflict" in response.text
        assert "My partner leads the bid&#x27;s user research." in response.text
        assert "Assign someone else…" in response.text
        assert score_url(conflicted) not in response.text

    def test_assigning_someone_else_from_the_page_returns_to_it(
        self, manager, application, assessor
    ):
        AssessmentFactory(application=application, conflicted=True)
        AssessmentFactory(application=application, scoring=True)
        due = timezone.localdate() + timedelta(days=5)

        response = manager.post(
            object_action_url(application, "assign_assessors"),
            assign_data([application], [assessor], due),
        )

        assert response.status_code == 302
        assert response.url == application_url(application)
        assert Assessment.objects.filter(application=application, assessor=assessor).exists()
