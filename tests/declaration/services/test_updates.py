"""Declaration project updates: the service, the form on the account pages, the account link."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from declaration.errors import ReasonRequired, UpdateAlreadyRemoved, UpdateNotAllowed
from declaration.models import ProjectUpdate
from declaration.services.updates import project_update_post, project_update_remove
from localdigital.audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.declaration.factories import (
    MembershipFactory,
    OrganisationFactory,
    ProjectUpdateFactory,
    SigningFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing():
    """A published signatory, the organisation "hackney"."""
    return SigningFactory.create(
        organisation=OrganisationFactory.create(slug="hackney", name="London Borough of Hackney")
    )


@pytest.fixture
def member(signing):
    """An approved member of the signatory."""
    return MembershipFactory.create(organisation=signing.organisation).user


def new_update_url(slug: str = "hackney") -> str:
    return reverse("declaration:update-new", kwargs={"slug": slug})


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

        def failing_audit(**kwargs):
            raise RuntimeError("audit log unavailable")

        monkeypatch.setattr("declaration.services.updates.audit_record", failing_audit)
        with pytest.raises(RuntimeError):
            project_update_post(signing=signing, title="T", body="B", posted_by=member)
        assert not ProjectUpdate.objects.exists()


class TestNewUpdatePage:
    def test_asks_a_member_for_a_title_and_update(self, client, member):
        client.force_login(member)
        response = client.get(new_update_url())
        assert response.status_code == 200
        assertContains(response, "Post an update on your declaration project")
        assertContains(response, "London Borough of Hackney")
        assertContains(response, 'name="title"')
        assertContains(response, 'name="body"')
        # A GOV.UK character count, not a limit that silently cuts the text off.
        assertContains(response, 'data-module="govuk-character-count" data-maxlength="10000"')
        assertNotContains(response, " maxlength=")
        assertContains(
            response, "<title>Post an update on your declaration project \N{EN DASH} Local"
        )

    def test_posts_the_update_and_shows_it_on_the_signatory_page(self, client, signing, member):
        client.force_login(member)
        response = client.post(
            new_update_url(),
            {"title": "  Alpha finished  ", "body": "We built a prototype.\n\nNext: beta."},
        )
        assertRedirects(response, "/signatories/hackney/", fetch_redirect_response=False)
        update = ProjectUpdate.objects.get(signing=signing)
        assert update.title == "Alpha finished"
        assert update.posted_by == member
        page = client.get("/signatories/hackney/")
        assertContains(page, "Your update has been posted")
        assertContains(page, "Alpha finished")
        assertContains(page, '<p class="govuk-body">Next: beta.</p>', html=True)

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"title": "", "body": "Some words"}, "title", "Enter a title for your update"),
            ({"title": "   ", "body": "Some words"}, "title", "Enter a title for your update"),
            ({"title": "A title", "body": ""}, "body", "Enter your update"),
            ({"title": "x" * 201, "body": "Some words"}, "title", "Title must be 200 characters"),
            (
                {"title": "A title", "body": "x" * 10_001},
                "body",
                "Your update must be 10,000 characters or fewer",
            ),
        ],
    )
    def test_shows_errors_and_keeps_what_was_typed_when_invalid(
        self, client, member, data, field, message
    ):
        client.force_login(member)
        response = client.post(new_update_url(), data)
        assert response.status_code == 200
        assertContains(response, '<h2 class="govuk-error-summary__title">There is a problem</h2>')
        assertContains(response, f'<a href="#id_{field}">{message}', html=False)
        assertContains(response, "<title>Error: Post an update")
        assert not ProjectUpdate.objects.exists()
        kept = data["body"] if field == "title" else data["title"]
        if kept.strip():
            assertContains(response, kept)

    def test_turns_a_refusal_by_the_service_into_an_error_message(
        self, client, signing, member, monkeypatch
    ):
        """A signing unpublished between the page and the post: an error, never a 500."""
        client.force_login(member)

        def refuse(**kwargs):
            raise UpdateNotAllowed("London Borough of Hackney is not on the public list.")

        monkeypatch.setattr("declaration.views.public.project_update_post", refuse)
        response = client.post(new_update_url(), {"title": "T", "body": "Kept text"})
        assert response.status_code == 200
        assertContains(response, "London Borough of Hackney is not on the public list.")
        assertContains(response, "Kept text")

    def test_refuses_a_member_of_another_organisation(self, client, signing):
        client.force_login(MembershipFactory.create(admin=True).user)
        assert client.get(new_update_url()).status_code == 403
        assert client.post(new_update_url(), {"title": "T", "body": "B"}).status_code == 403
        assert not ProjectUpdate.objects.exists()

    def test_refuses_a_member_waiting_for_approval(self, client, signing):
        client.force_login(
            MembershipFactory.create(organisation=signing.organisation, pending=True).user
        )
        assert client.get(new_update_url()).status_code == 403

    def test_refuses_members_of_an_organisation_that_is_not_a_signatory(self, client):
        signing = SigningFactory.create(submitted=True)
        member = MembershipFactory.create(organisation=signing.organisation).user
        client.force_login(member)
        url = new_update_url(signing.organisation.slug)
        assert client.get(url).status_code == 403

    def test_sends_someone_signed_out_to_sign_in(self, client, signing):
        response = client.get(new_update_url())
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign-in"))

    def test_is_not_found_for_an_unknown_organisation(self, client, member):
        client.force_login(member)
        assert client.get(new_update_url("no-such-council")).status_code == 404


class TestAccountPageLinks:
    def test_offers_to_post_an_update_for_each_published_signatory_of_the_user(
        self, client, signing, member
    ):
        MembershipFactory.create(
            user=member,
            organisation=SigningFactory.create(
                organisation=OrganisationFactory.create(slug="camden", name="Camden Council")
            ).organisation,
        )
        pending = SigningFactory.create(submitted=True)
        MembershipFactory.create(user=member, organisation=pending.organisation)
        waiting = SigningFactory.create()
        MembershipFactory.create(user=member, organisation=waiting.organisation, pending=True)
        client.force_login(member)

        response = client.get(reverse("pages:account"))

        links = response.context["signatory_update_links"]
        assert [link.name for link in links] == ["Camden Council", "London Borough of Hackney"]
        assertContains(response, 'href="/account/organisations/hackney/updates/new/"')
        assertContains(response, 'href="/account/organisations/camden/updates/new/"')
        assertContains(response, "Post an update")
        assertNotContains(response, f"/account/organisations/{pending.organisation.slug}/updates")
        assertNotContains(response, f"/account/organisations/{waiting.organisation.slug}/updates")

    def test_offers_nothing_to_someone_in_no_signatory(self, client):
        client.force_login(MembershipFactory.create().user)
        response = client.get(reverse("pages:account"))
        assertNotContains(response, "Declaration project updates")


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
        def fail(**kwargs):
            raise IntegrityError("audit log unavailable")

        monkeypatch.setattr("declaration.services.updates.audit_record", fail)

        with pytest.raises(IntegrityError):
            project_update_remove(update=update, removed_by=staff, reason="Spam.")

        assert ProjectUpdate.objects.filter(pk=update.pk).exists()


class TestProjectUpdateAdmin:
    CHANGELIST = reverse("admin:declaration_projectupdate_changelist")

    @pytest.fixture
    def fund_manager(self):
        return UserFactory.create(staff=True, groups=["Fund manager"])

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
        assertContains(response, "Remove updates")
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
