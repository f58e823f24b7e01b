"""Project updates in the admin (declaration/admin/updates.py)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from declaration.models import ProjectUpdate
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.declaration.factories import ProjectUpdateFactory

pytestmark = pytest.mark.django_db


class TestProjectUpdateAdmin:
    CHANGELIST = reverse("admin:declaration_projectupdate_changelist")

    @pytest.fixture
    def client(self, otp_verified_client_for, fund_manager):
        return otp_verified_client_for(fund_manager)

    @pytest.fixture
    def update(self, signing, member):
        return ProjectUpdateFactory.create(
            signing=signing, posted_by=member, title="Alpha finished", body="We built it."
        )

    def remove(self, client, updates, **data):
        return client.post(
            self.CHANGELIST,
            {"action": "remove_selected", "_selected_action": [u.pk for u in updates], **data},
        )

    def test_lists_signatory_title_poster_and_date(self, client, update, member):
        response = client.get(self.CHANGELIST)

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [update]
        for text in ("London Borough of Hackney", "Alpha finished", member.email):
            assertContains(response, text)
        for heading in ("Signatory", "Title", "Posted by", "Posted at"):
            assertContains(response, heading)

    @pytest.mark.parametrize("query", ["Hackney", "Alpha", "built it"])
    def test_finds_exactly_the_update_when_searching(self, client, update, query):
        ProjectUpdateFactory.create(title="Beta started", body="Testing with residents.")

        response = client.get(self.CHANGELIST, {"q": query})

        assert list(response.context["cl"].result_list) == [update]

    def test_makes_the_same_number_of_queries_for_3_and_30_updates(self, client, signing):
        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(self.CHANGELIST).status_code == 200
            return len(captured)

        ProjectUpdateFactory.create_batch(3)
        small = queries()
        ProjectUpdateFactory.create_batch(27)
        assert queries() == small

    def test_shows_an_update_read_only(self, client, update):
        url = reverse("admin:declaration_projectupdate_change", args=[update.pk])

        page = client.get(url)
        change = client.post(url, {"title": "Changed", "body": "Changed"})

        assert page.status_code == 200
        assertContains(page, "We built it.")
        assertNotContains(page, 'name="_save"')
        assert change.status_code == 403
        assert ProjectUpdate.objects.get(pk=update.pk).title == "Alpha finished"

    def test_asks_for_a_reason_before_removing(self, client, update):
        response = self.remove(client, [update])

        assert response.status_code == 200
        assertContains(response, "<h1>Remove an update</h1>", html=False)
        assertContains(response, "“Alpha finished” on London Borough of Hackney")
        assertContains(response, 'name="reason"')
        assert ProjectUpdate.objects.filter(pk=update.pk).exists()

    def test_removes_with_the_reason_and_audits_when_one_is_given(
        self, client, update, fund_manager
    ):
        response = self.remove(client, [update], confirm="yes", reason="Personal data.")

        assert response.status_code == 302
        assert not ProjectUpdate.objects.exists()
        event = AuditEvent.objects.get(verb="declaration.project_update.removed")
        assert (event.actor, event.data["reason"]) == (fund_manager, "Personal data.")
        messages = [str(m) for m in client.get(self.CHANGELIST).context["messages"]]
        assert messages == ["Removed 1 update."]

    def test_refuses_with_a_clear_error_when_the_reason_is_blank(self, client, update):
        response = self.remove(client, [update], confirm="yes", reason="  ")

        assert response.status_code == 200
        assertContains(response, "Give a reason: nothing is removed without one.")
        assertContains(response, "<title>Error:")
        assert ProjectUpdate.objects.filter(pk=update.pk).exists()

    def test_offers_no_other_way_to_delete_even_to_a_superuser(
        self, otp_verified_superuser_client, update
    ):
        client = otp_verified_superuser_client
        delete_url = reverse("admin:declaration_projectupdate_delete", args=[update.pk])

        actions = client.get(self.CHANGELIST).context["action_form"].fields["action"].choices
        deleted = client.post(delete_url, {"post": "yes"})
        bulk = client.post(
            self.CHANGELIST,
            {"action": "delete_selected", "_selected_action": [update.pk], "post": "yes"},
        )

        assert [(name, label) for name, label in actions if name] == [
            ("remove_selected", "Remove selected updates")
        ]
        assert deleted.status_code == 403
        assert bulk.status_code == 302  # no such action: nothing done
        assert ProjectUpdate.objects.filter(pk=update.pk).exists()

    def test_refuses_staff_who_cannot_change_updates(self, otp_verified_client_for, update):
        assessor = otp_verified_client_for(UserFactory.create(staff=True, groups=["Assessor"]))

        response = self.remove(assessor, [update], confirm="yes", reason="Spam.")

        assert response.status_code == 403
        assert ProjectUpdate.objects.filter(pk=update.pk).exists()
