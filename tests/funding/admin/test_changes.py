"""Change requests in the admin (funding/admin/changes.py): fund managers approve or refuse
them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funding.models import ChangeRequest, ChangeStatus
from localdigital.admin_actions import object_action_url
from tests.accounts.factories import UserFactory
from tests.funding.factories_reporting import ChangeRequestFactory
from tests.funding.support import DAY
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db


class TestAdmin:
    @pytest.fixture
    def manager_client(self, otp_verified_client_for, project):
        return otp_verified_client_for(project.manager)

    def test_the_list_and_the_page_show_what_is_asked(self, manager_client, project):
        change = project.ask(new_end_on=project.award.planned_end_on + 30 * DAY)

        listing = manager_client.get(reverse("admin:funding_changerequest_changelist")).text
        page = manager_client.get(
            reverse("admin:funding_changerequest_change", args=[change.pk])
        ).text

        assert "Joined-up missed bins" in listing and "End on" in listing
        assert "A partner joined late." in page
        assert "Approve…" in page and "Reject…" in page
        assert 'name="_save"' not in page and 'name="_continue"' not in page
        award_page = manager_client.get(
            reverse("admin:funding_award_change", args=[project.award.pk])
        ).text
        assert "changes asked for" in award_page.lower()

    def test_approving_from_the_page_asks_for_an_optional_note(self, manager_client, project):
        change = project.ask(new_end_on=project.award.planned_end_on + 30 * DAY)
        url = object_action_url(change, "approve_selected")

        asked = manager_client.post(url)
        response = manager_client.post(url, {"confirm": "yes", "note": "Agreed on the call."})

        assert "Note to the team (optional)" in asked.text
        assert response.url == reverse("admin:funding_changerequest_change", args=[change.pk])
        assert messages_of(response) == [
            "Approved the request to change the end date for Joined-up missed bins."
        ]
        change.refresh_from_db()
        assert (change.status, change.decision_note) == (
            ChangeStatus.APPROVED,
            "Agreed on the call.",
        )

    def test_rejecting_needs_a_note(self, manager_client, project):
        change = project.ask(new_end_on=project.award.planned_end_on + 30 * DAY)
        url = object_action_url(change, "reject_selected")

        empty = manager_client.post(url, {"confirm": "yes", "note": ""})
        rejected = manager_client.post(url, {"confirm": "yes", "note": "Not this year."})

        assert "Write a note saying why the change is rejected<" in empty.text
        assert "<h1>Reject the change</h1>" in empty.text
        assert "The team reads your note on its project" in empty.text
        assert ChangeRequest.objects.get(pk=change.pk).status == ChangeStatus.REJECTED
        assert messages_of(rejected) == [
            "Rejected the request to change the end date for Joined-up missed bins."
        ]

    def test_a_refusal_is_a_message_not_an_error(self, manager_client, project):
        change = ChangeRequestFactory.create(status=ChangeStatus.REJECTED)

        response = manager_client.post(
            reverse("admin:funding_changerequest_changelist"),
            {"action": "approve_selected", "_selected_action": [change.pk], "confirm": "yes"},
        )

        assert response.status_code == 302
        assert "Not approved:" in messages_of(response)[0]

    def test_refused_to_an_assessor(self, otp_verified_client_for, project):
        change = project.ask(new_end_on=project.award.planned_end_on + 30 * DAY)
        client = otp_verified_client_for(UserFactory.create(staff=True, groups=["Assessor"]))

        assert client.get(reverse("admin:funding_changerequest_changelist")).status_code == 403
        response = client.post(object_action_url(change, "approve_selected"))
        assert response.status_code == 403
