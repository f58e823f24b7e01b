"""The admin's actions on signings (declaration/admin/signing_actions.py): publish, reject,
unpublish and mark co-publishers."""

import datetime

import pytest
from django.urls import reverse

from declaration.models import Signing, SigningStatus
from localdigital.admin_actions import object_action_url
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.declaration.admin_support import SIGNINGS, status_of
from tests.declaration.factories import OrganisationFactory, SigningFactory

pytestmark = pytest.mark.django_db


def act(
    client,
    action: str,
    signings: list[Signing],
    query: str = "?status=all",
    *,
    follow: bool = False,
    **data,
):
    return client.post(
        SIGNINGS + query,
        {"action": action, "_selected_action": [s.pk for s in signings], "index": 0, **data},
        follow=follow,
    )


class TestPublishAction:
    def test_publishes_every_pending_signing_selected(self, client, fund_manager):
        signings = SigningFactory.create_batch(3, submitted=True)

        response = act(client, "publish_selected", signings, query="")

        assert response.status_code == 302
        assert {status_of(s) for s in signings} == {SigningStatus.PUBLISHED}
        events = AuditEvent.objects.filter(verb="declaration.signing.published")
        assert {event.actor for event in events} == {fund_manager}
        assert events.count() == 3
        messages = [str(m) for m in client.get(SIGNINGS).context["messages"]]
        assert messages == ["Published 3 signings."]

    def test_publishes_the_pending_and_names_the_others_when_the_selection_is_mixed(self, client):
        pending = SigningFactory(submitted=True)
        rejected = SigningFactory(rejected=True)

        response = act(client, "publish_selected", [pending, rejected])
        messages = [str(m) for m in client.get(response["Location"]).context["messages"]]

        assert status_of(pending) == SigningStatus.PUBLISHED
        assert status_of(rejected) == SigningStatus.REJECTED
        assert messages[0] == "Published 1 signing."
        assert messages[1].startswith(f"Not changed: {rejected.reference} (Only a signing")

    def test_refuses_when_staff_cannot_change_signings(self, otp_verified_client_for):
        assessor = otp_verified_client_for(UserFactory(staff=True, groups=["Assessor"]))
        signing = SigningFactory(submitted=True)

        response = act(assessor, "publish_selected", [signing])

        assert response.status_code == 403
        assert status_of(signing) == SigningStatus.SUBMITTED

    def test_names_the_listed_organisation_and_publishes_nothing_when_a_name_is_like_it(
        self, client
    ):
        OrganisationFactory(name="Borsetshire Fire & Rescue Service", slug="borsetshire-fire")
        signing = SigningFactory(
            submitted=True, unlisted=True, proposed_name="Borsetshire Fire and Rescue"
        )

        response = act(client, "publish_selected", [signing], follow=True)

        messages = [str(m) for m in response.context["messages"]]
        assert messages == [
            f"Not changed: {signing.reference} (Borsetshire Fire and Rescue may be an "
            "organisation that is already listed: Borsetshire Fire & Rescue Service "
            "(borsetshire-fire). If it is a different organisation, publish it with “Publish "
            "anyway: it is a different organisation”; if not, reject it.)"
        ]
        assert status_of(signing) == SigningStatus.SUBMITTED

    def test_publishes_when_staff_confirm_it_is_a_different_organisation(
        self, client, fund_manager
    ):
        OrganisationFactory(name="Borsetshire Fire & Rescue Service", slug="borsetshire-fire")
        signing = SigningFactory(
            submitted=True, unlisted=True, proposed_name="Borsetshire Fire and Rescue"
        )

        response = act(client, "publish_different_organisation", [signing], follow=True)

        assert status_of(signing) == SigningStatus.PUBLISHED
        assert [str(m) for m in response.context["messages"]] == [
            "Published 1 signing, as different organisations from those with like names."
        ]
        event = AuditEvent.objects.get(verb="declaration.signing.published")
        assert event.actor == fund_manager
        assert event.data["confirmed_different_from"] == ["borsetshire-fire"]

    def test_shows_staff_the_names_like_an_unlisted_organisation(self, client):
        OrganisationFactory(name="Borsetshire Fire & Rescue Service", slug="borsetshire-fire")
        other = SigningFactory(
            submitted=True, unlisted=True, proposed_name="Borsetshire Fire Rescue"
        )
        signing = SigningFactory(
            submitted=True, unlisted=True, proposed_name="Borsetshire Fire and Rescue"
        )

        response = client.get(reverse("admin:declaration_signing_change", args=[signing.pk]))

        assert "Names like it" in response.text
        assert (
            "Borsetshire Fire &amp; Rescue Service, in the register (borsetshire-fire); "
            f"Borsetshire Fire Rescue, waiting for checks ({other.reference})"
        ) in response.text

    def test_says_why_and_publishes_nothing_when_the_organisation_has_closed(self, client):
        signing = SigningFactory(
            submitted=True,
            organisation=OrganisationFactory(
                name="Borsetshire District Council", closed_on=datetime.date(2023, 4, 1)
            ),
        )

        response = act(client, "publish_selected", [signing], follow=True)

        assert [str(m) for m in response.context["messages"]] == [
            f"Not changed: {signing.reference} (Borsetshire District Council closed on "
            "1 April 2023, so its signing cannot be published. Reject it, with a reason.)"
        ]
        assert status_of(signing) == SigningStatus.SUBMITTED


class TestRejectAction:
    def test_names_the_page_for_the_number_of_signings_chosen(self, client):
        signings = SigningFactory.create_batch(2, submitted=True)

        response = act(client, "reject_selected", signings, query="")

        assert "<h1>Reject signings</h1>" in response.text

    def test_asks_for_a_reason_before_rejecting(self, client):
        signing = SigningFactory(submitted=True)

        response = act(client, "reject_selected", [signing], query="")

        assert response.status_code == 200
        assert "<h1>Reject a signing</h1>" in response.text
        assert signing.reference in response.text
        assert 'name="reason"' in response.text
        assert status_of(signing) == SigningStatus.SUBMITTED

    def test_rejects_with_the_reason_when_one_is_given(self, client):
        signings = SigningFactory.create_batch(2, submitted=True)

        response = act(
            client,
            "reject_selected",
            signings,
            query="",
            confirm="yes",
            reason="We could not confirm that you work there.",
        )

        assert response.status_code == 302
        for signing in signings:
            saved = Signing.objects.get(pk=signing.pk)
            assert saved.status == SigningStatus.REJECTED
            assert saved.rejection_reason == "We could not confirm that you work there."
        assert OutgoingEmail.objects.count() == 2

    @pytest.mark.parametrize("reason", ["", "   "])
    def test_refuses_with_a_clear_error_and_changes_nothing_when_the_reason_is_blank(
        self, client, reason
    ):
        signing = SigningFactory(submitted=True)

        response = act(client, "reject_selected", [signing], query="", confirm="yes", reason=reason)

        assert response.status_code == 200
        assert "Give a reason: nothing changes without one." in response.text
        assert "<title>Error:" in response.text
        assert status_of(signing) == SigningStatus.SUBMITTED
        assert not OutgoingEmail.objects.exists()

    def test_returns_to_the_signing_when_rejected_from_its_page(self, client):
        signing = SigningFactory(submitted=True)

        url = object_action_url(signing, "reject_selected")
        form = client.post(url)
        response = client.post(
            url,
            {
                "action": "reject_selected",
                "_selected_action": [signing.pk],
                "confirm": "yes",
                "reason": "Not a public body.",
            },
        )

        change = reverse("admin:declaration_signing_change", args=[signing.pk])
        back = f'<a href="{change}" class="closelink">Go back without changing anything</a>'
        assert back in form.text
        assert response["Location"] == reverse(
            "admin:declaration_signing_change", args=[signing.pk]
        )
        assert status_of(signing) == SigningStatus.REJECTED


def unpublish(client, signing: Signing, reason: str):
    """Unpublish ``signing`` from the published list, with ``reason``."""
    return act(
        client,
        "unpublish_selected",
        [signing],
        query="?status=published",
        confirm="yes",
        reason=reason,
    )


class TestUnpublishAction:
    def test_unpublishes_with_the_reason_when_one_is_given(self, client):
        signing = SigningFactory()

        response = unpublish(client, signing, "The council asked us to.")

        assert response.status_code == 302
        saved = Signing.objects.get(pk=signing.pk)
        assert saved.status == SigningStatus.UNPUBLISHED
        assert saved.unpublish_reason == "The council asked us to."

    def test_refuses_with_a_clear_error_when_the_reason_is_blank(self, client):
        signing = SigningFactory()

        response = unpublish(client, signing, "")

        assert response.status_code == 200
        assert "Give a reason: nothing changes without one." in response.text
        assert status_of(signing) == SigningStatus.PUBLISHED

    def test_names_the_signings_it_could_not_unpublish(self, client):
        pending = SigningFactory(submitted=True)

        response = act(
            client, "unpublish_selected", [pending], follow=True, confirm="yes", reason="Tidy up."
        )

        messages = [str(m) for m in response.context["messages"]]
        assert messages == [
            f"Not changed: {pending.reference} (Only a published signing can be unpublished; "
            f"{pending.reference} is waiting for checks.)"
        ]
        assert status_of(pending) == SigningStatus.SUBMITTED


class TestCoPublisherAction:
    def test_marks_each_selected_signing_as_a_co_publisher(self, client):
        signings = SigningFactory.create_batch(2, signed_on=datetime.date(2019, 5, 1))

        act(client, "mark_co_publisher", signings)

        for signing in signings:
            saved = Signing.objects.get(pk=signing.pk)
            assert saved.co_publisher
            assert saved.signed_on == datetime.date(2018, 7, 4)

    def test_refuses_to_mark_a_pending_signing_and_says_why(self, client):
        pending = SigningFactory(submitted=True, signed_on=datetime.date(2019, 5, 1))

        response = act(client, "mark_co_publisher", [pending], follow=True)

        assert [str(m) for m in response.context["messages"]] == [
            f"Not changed: {pending.reference} (Only a published signing can be marked as a "
            f"co-publisher; {pending.reference} is waiting for checks.)"
        ]
        saved = Signing.objects.get(pk=pending.pk)
        assert (saved.co_publisher, saved.signed_on) == (False, datetime.date(2019, 5, 1))

    def test_unmarks_each_selected_co_publisher_and_keeps_its_date(self, client, fund_manager):
        signings = SigningFactory.create_batch(2, co_published=True)

        response = act(client, "unmark_co_publisher", signings, follow=True)

        assert [str(m) for m in response.context["messages"]] == [
            "Unmarked 2 signings as co-publishers. Their date signed is unchanged."
        ]
        for signing in signings:
            saved = Signing.objects.get(pk=signing.pk)
            assert not saved.co_publisher
            assert saved.signed_on == datetime.date(2018, 7, 4)
        events = AuditEvent.objects.filter(verb="declaration.signing.co_publisher_set")
        assert {(event.actor, event.data["co_publisher"]) for event in events} == {
            (fund_manager, False)
        }
