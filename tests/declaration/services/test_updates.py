"""Declaration project updates (declaration/services/updates.py): posting one, the limit on
posting, and removing one."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError
from pytest_django.asserts import assertContains

from declaration.errors import ReasonRequired, UpdateAlreadyRemoved, UpdateNotAllowed
from declaration.models import ProjectUpdate
from declaration.services.updates import project_update_post, project_update_remove
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, ProjectUpdateFactory, SigningFactory
from tests.declaration.support import new_update_url
from tests.support.audit import audit_unavailable

pytestmark = pytest.mark.django_db


class TestProjectUpdatePost:
    def test_posts_the_update_and_audits_it_when_a_member_posts(self, signing, member):
        """An approved member's update is saved against the signing, with who and when."""
        update = project_update_post(
            signing=signing,
            title="Discovery finished",
            body="We met 40 residents.",
            posted_by=member,
        )
        update.refresh_from_db()
        assert (update.signing, update.title, update.body) == (
            signing,
            "Discovery finished",
            "We met 40 residents.",
        )
        assert update.posted_by == member
        assert update.posted_at is not None
        event = AuditEvent.objects.get(verb="declaration.project_update.posted")
        assert event.actor == member
        assert event.target_object_id == str(update.pk)
        assert event.data["signing"] == signing.reference

    def test_posts_when_an_organisation_admin_posts(self, signing):
        admin = MembershipFactory.create(organisation=signing.organisation, admin=True).user
        project_update_post(signing=signing, title="T", body="B", posted_by=admin)
        assert ProjectUpdate.objects.filter(signing=signing).count() == 1

    def test_refuses_when_the_poster_belongs_to_another_organisation(self, signing):
        outsider = MembershipFactory.create().user
        with pytest.raises(UpdateNotAllowed, match="Only approved members"):
            project_update_post(signing=signing, title="T", body="B", posted_by=outsider)
        assert not ProjectUpdate.objects.exists()
        assert not AuditEvent.objects.filter(verb="declaration.project_update.posted").exists()

    def test_refuses_when_the_poster_is_waiting_for_approval(self, signing):
        waiting = MembershipFactory.create(organisation=signing.organisation, pending=True).user
        with pytest.raises(UpdateNotAllowed):
            project_update_post(signing=signing, title="T", body="B", posted_by=waiting)
        assert not ProjectUpdate.objects.exists()

    @pytest.mark.parametrize("state", ["submitted", "withdrawn", "unpublished", "rejected"])
    def test_refuses_when_the_signing_is_not_published(self, state):
        signing = SigningFactory.create(**{state: True})
        member = MembershipFactory.create(organisation=signing.organisation).user
        with pytest.raises(UpdateNotAllowed, match="not on the public list"):
            project_update_post(signing=signing, title="T", body="B", posted_by=member)
        assert not ProjectUpdate.objects.exists()

    def test_refuses_when_the_signing_was_unpublished_after_it_was_read(self, signing, member):
        """The service reads the signing again under a lock, not the caller's stale copy."""
        stale = signing
        type(signing).objects.filter(pk=signing.pk).update(
            status="unpublished", unpublish_reason="Asked to leave."
        )
        with pytest.raises(UpdateNotAllowed):
            project_update_post(signing=stale, title="T", body="B", posted_by=member)

    def test_writes_nothing_when_the_audit_write_fails(self, signing, member, monkeypatch):
        """The update and its audit event are one transaction."""

        monkeypatch.setattr("declaration.services.updates.audit_record", audit_unavailable)
        with pytest.raises(IntegrityError):
            project_update_post(signing=signing, title="T", body="B", posted_by=member)
        assert not ProjectUpdate.objects.exists()


class TestPostingLimit:
    """Each person may post ``PROJECT_UPDATE_RATE_PER_USER`` updates; past that, a GOV.UK
    error with status 429, and what they typed is kept."""

    @pytest.fixture(autouse=True)
    def _limit(self, settings):
        settings.PROJECT_UPDATE_RATE_PER_USER = "2/h"

    def post(self, client, title: str = "Sprint review", body: str = "We shipped it."):
        return client.post(new_update_url(), {"title": title, "body": body})

    def test_refuses_with_429_and_keeps_the_text_when_over_the_limit(self, client, member):
        client.force_login(member)
        assert self.post(client).status_code == 302
        assert self.post(client).status_code == 302

        response = self.post(client, title="Third update", body="Kept, not lost.")

        assert response.status_code == 429
        assertContains(response, "<title>Error: Post an update", status_code=429)
        assertContains(
            response,
            '<a href="#id_title">You have posted too many updates in a short time. Wait an '
            "hour, then post this one again</a>",
            status_code=429,
        )
        assertContains(response, 'value="Third update"', status_code=429)
        assertContains(response, "Kept, not lost.", status_code=429)
        assert ProjectUpdate.objects.count() == 2

    def test_counts_each_person_separately(self, client, signing, member):
        client.force_login(member)
        self.post(client)
        self.post(client)
        other = MembershipFactory.create(organisation=signing.organisation).user
        client.force_login(other)

        assert self.post(client).status_code == 302
        assert ProjectUpdate.objects.filter(posted_by=other).count() == 1

    def test_does_not_count_a_post_with_errors(self, client, member):
        """Mistakes in the form do not use up the allowance."""
        client.force_login(member)
        for _ in range(3):
            assert self.post(client, title="").status_code == 200

        assert self.post(client).status_code == 302
        assert self.post(client).status_code == 302


class TestProjectUpdateRemove:
    @pytest.fixture
    def update(self, signing, member):
        return ProjectUpdateFactory.create(
            signing=signing,
            posted_by=member,
            title="Alpha finished",
            body="We built it.",
            posted_at=datetime.datetime(2025, 3, 1, 9, 30, tzinfo=datetime.UTC),
        )

    @pytest.fixture
    def staff(self):
        return UserFactory.create(staff=True)

    def test_removes_and_audits_what_it_said_and_why(self, update, member, staff):
        project_update_remove(update=update, removed_by=staff, reason="  Personal data.  ")

        assert not ProjectUpdate.objects.exists()
        event = AuditEvent.objects.get()
        assert (event.verb, event.actor) == ("declaration.project_update.removed", staff)
        assert event.target_object_id == str(update.pk)
        assert event.data == {
            "signing": update.signing.reference,
            "organisation": "London Borough of Hackney",
            "title": "Alpha finished",
            "body": "We built it.",
            "posted_by": member.email,
            "posted_at": "2025-03-01T09:30:00Z",
            "reason": "Personal data.",
        }

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_refuses_and_keeps_the_update_when_no_reason_is_given(self, update, staff, reason):
        with pytest.raises(ReasonRequired):
            project_update_remove(update=update, removed_by=staff, reason=reason)

        assert ProjectUpdate.objects.filter(pk=update.pk).exists()
        assert not AuditEvent.objects.exists()

    def test_refuses_when_removed_already(self, update, staff):
        project_update_remove(update=update, removed_by=staff, reason="Spam.")

        with pytest.raises(UpdateAlreadyRemoved):
            project_update_remove(update=update, removed_by=staff, reason="Spam.")

        assert AuditEvent.objects.count() == 1

    def test_keeps_the_update_when_the_audit_fails(self, update, staff, monkeypatch):
        monkeypatch.setattr("declaration.services.updates.audit_record", audit_unavailable)

        with pytest.raises(IntegrityError):
            project_update_remove(update=update, removed_by=staff, reason="Spam.")

        assert ProjectUpdate.objects.filter(pk=update.pk).exists()
