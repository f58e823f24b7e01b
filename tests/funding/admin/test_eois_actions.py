"""The admin's actions on expressions of interest: adding to a cluster and removing from it,
inviting to a full application, and declining."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funding.models import Application, EoiCluster, EoiStatus, ExpressionOfInterest
from localdigital.admin_actions import object_action_url
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.funding.admin_support import EOIS, change_url, fresh
from tests.funding.factories import EoiClusterFactory, EoiFactory, RoundFactory
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def round():
    """A round whose EOI stage has closed: staff work on the EOIs it received."""
    return RoundFactory(eoi_closed=True)


def act(client, action: str, eois, query: str = "?status=all", *, follow=False, **data):
    """Choose ``action`` for ``eois`` from the list, as the action menu does."""
    return client.post(
        EOIS + query,
        {"action": action, "_selected_action": [e.pk for e in eois], "index": 0, **data},
        follow=follow,
    )


def confirm(client, action: str, eois, query: str = "?status=all", *, follow=False, **data):
    """Send the action's own page for ``eois``, filled in with ``data``."""
    return client.post(
        EOIS + query,
        {"action": action, "_selected_action": [e.pk for e in eois], "confirm": "yes", **data},
        follow=follow,
    )


class TestAddToCluster:
    def test_asks_which_cluster_before_changing_anything(self, client, round):
        EoiClusterFactory(round=round, name="Missed bins")
        EoiClusterFactory(round=RoundFactory(eoi_closed=True), name="Elsewhere")
        eois = EoiFactory.create_batch(2, round=round, submitted=True)

        response = act(client, "add_to_cluster", eois)

        assert response.status_code == 200
        assert "Add to a cluster" in response.text
        for eoi in eois:
            assert eoi.reference in response.text
        assert "Missed bins" in response.text
        assert "Elsewhere" not in response.text
        assert 'name="new_name"' in response.text
        assert not ExpressionOfInterest.objects.filter(cluster__isnull=False).exists()

    def test_puts_the_eois_in_the_cluster_chosen(self, client, round, fund_manager):
        cluster = EoiClusterFactory(round=round, name="Missed bins")
        eois = EoiFactory.create_batch(2, round=round, submitted=True)

        response = confirm(client, "add_to_cluster", eois, cluster=cluster.pk, follow=True)

        assert messages_of(response) == ["Added 2 expressions of interest to “Missed bins”."]
        assert {fresh(eoi).cluster for eoi in eois} == {cluster}
        event = AuditEvent.objects.get(verb="funding.cluster.eois_added")
        assert event.actor == fund_manager

    def test_makes_a_new_cluster_when_staff_name_one(self, client, round, fund_manager):
        eois = EoiFactory.create_batch(2, round=round, submitted=True)

        response = confirm(client, "add_to_cluster", eois, new_name="  Bulky waste ", follow=True)

        cluster = EoiCluster.objects.get()
        assert (cluster.name, cluster.round, cluster.created_by) == (
            "Bulky waste",
            round,
            fund_manager,
        )
        assert {fresh(eoi).cluster for eoi in eois} == {cluster}
        assert messages_of(response) == ["Added 2 expressions of interest to “Bulky waste”."]

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({}, "Choose a cluster, or name a new one."),
            ({"new_name": "   "}, "Choose a cluster, or name a new one."),
            (
                {"cluster": "existing", "new_name": "Bulky waste"},
                "Choose an existing cluster or name a new one, not both.",
            ),
            (
                {"new_name": "missed BINS"},
                "already has a cluster called “missed BINS”. Choose it from the list, or give "
                "the new one another name.",
            ),
        ],
        ids=["nothing", "a blank name", "both", "a name taken"],
    )
    def test_names_the_problem_keeps_the_input_and_changes_nothing(
        self, client, round, data, message
    ):
        existing = EoiClusterFactory(round=round, name="Missed bins")
        eoi = EoiFactory(round=round, submitted=True)
        if data.get("cluster") == "existing":
            data = {**data, "cluster": existing.pk}

        response = confirm(client, "add_to_cluster", [eoi], **data)

        assert response.status_code == 200
        assert "<title>Error:" in response.text
        (error,) = response.context["form"].errors["new_name"]
        assert message in error
        if data.get("new_name", "").strip():
            assert f'value="{data["new_name"]}"' in response.text
        assert EoiCluster.objects.count() == 1
        assert fresh(eoi).cluster is None

    def test_refuses_a_cluster_of_another_round(self, client, round):
        EoiClusterFactory(round=round)
        elsewhere = EoiClusterFactory(round=RoundFactory(eoi_closed=True))
        eoi = EoiFactory(round=round, submitted=True)

        response = confirm(client, "add_to_cluster", [eoi], cluster=elsewhere.pk)

        assert response.context["form"].errors["cluster"] == [
            "Choose one of this round's clusters."
        ]
        assert fresh(eoi).cluster is None

    def test_asks_only_for_a_name_when_the_round_has_no_clusters(self, client, round):
        eoi = EoiFactory(round=round, submitted=True)

        form = act(client, "add_to_cluster", [eoi])
        response = confirm(client, "add_to_cluster", [eoi])

        assert 'name="cluster"' not in form.text
        assert "A new cluster called" in form.text
        assert response.context["form"].errors["new_name"] == [
            f"{round.name} has no clusters yet. Name a new one."
        ]

    def test_refuses_eois_of_two_rounds(self, client, round):
        eois = [
            EoiFactory(round=round, submitted=True),
            EoiFactory(round=RoundFactory(eoi_closed=True), submitted=True),
        ]

        response = act(client, "add_to_cluster", eois, follow=True)

        assert messages_of(response) == [
            "Nothing was changed. Choose expressions of interest of one round: a cluster holds "
            "expressions of interest of one round."
        ]

    def test_changes_nothing_and_keeps_no_new_cluster_when_an_eoi_is_not_submitted(
        self, client, round
    ):
        submitted = EoiFactory(round=round, submitted=True)
        declined = EoiFactory(round=round, declined=True)

        response = confirm(
            client, "add_to_cluster", [submitted, declined], new_name="Bins", follow=True
        )

        assert messages_of(response) == [
            "Nothing was changed. Only submitted EOIs can be clustered; these are not: "
            f"{declined.reference}."
        ]
        assert not EoiCluster.objects.exists()
        assert fresh(submitted).cluster is None

    def test_returns_to_the_eoi_when_started_from_its_page(self, client, round):
        cluster = EoiClusterFactory(round=round)
        eoi = EoiFactory(round=round, submitted=True)

        page = client.get(change_url(eoi))
        url = object_action_url(eoi, "add_to_cluster")
        form = client.post(url)
        response = client.post(url, {"confirm": "yes", "cluster": cluster.pk})

        assert f'action="{url}"' in page.text
        back = (
            f'<a href="{change_url(eoi)}" class="closelink">Go back without changing anything</a>'
        )
        assert back in form.text
        assert response["Location"] == change_url(eoi)
        assert fresh(eoi).cluster == cluster

    def test_refuses_staff_who_do_not_manage_the_fund(self, otp_verified_client_for, round):
        assessor = otp_verified_client_for(UserFactory(staff=True, groups=["Assessor"]))
        cluster = EoiClusterFactory(round=round)
        eoi = EoiFactory(round=round, submitted=True)

        response = confirm(assessor, "add_to_cluster", [eoi], cluster=cluster.pk)

        assert response.status_code == 403
        assert fresh(eoi).cluster is None


class TestRemoveFromCluster:
    def test_takes_the_eois_out_of_their_clusters(self, client, round, fund_manager):
        cluster = EoiClusterFactory(round=round)
        eois = EoiFactory.create_batch(2, round=round, submitted=True, cluster=cluster)

        response = act(client, "remove_from_cluster", eois, follow=True)

        assert messages_of(response) == ["Took 2 expressions of interest out of their cluster."]
        assert {fresh(eoi).cluster for eoi in eois} == {None}
        events = AuditEvent.objects.filter(verb="funding.cluster.eoi_removed")
        assert {event.actor for event in events} == {fund_manager}

    def test_says_so_when_none_was_in_a_cluster(self, client, round):
        eoi = EoiFactory(round=round, submitted=True)

        response = act(client, "remove_from_cluster", [eoi], follow=True)

        assert messages_of(response) == [
            "Nothing was changed: none of the expressions of interest was in a cluster."
        ]

    def test_returns_to_the_cluster_when_removed_from_its_page(self, client, round):
        cluster = EoiClusterFactory(round=round)
        eoi = EoiFactory(round=round, submitted=True, cluster=cluster)

        response = client.post(
            object_action_url(eoi, "remove_from_cluster"),
            {"next": reverse("admin:funding_eoicluster_change", args=[cluster.pk])},
        )

        assert response["Location"] == reverse("admin:funding_eoicluster_change", args=[cluster.pk])
        assert fresh(eoi).cluster is None


class TestInvite:
    def test_invites_each_eoi_to_an_application_of_its_own(self, client, round, fund_manager):
        eois = EoiFactory.create_batch(2, round=round, submitted=True)

        response = act(client, "invite_selected", eois, follow=True)

        applications = {fresh(eoi).application for eoi in eois}
        assert None not in applications
        assert len(applications) == 2
        assert {fresh(eoi).status for eoi in eois} == {EoiStatus.INVITED}
        described = ", ".join(
            f"{eoi.reference} (application {fresh(eoi).application.reference})" for eoi in eois
        )
        assert messages_of(response) == [
            f"Invited to full application: {described}. Each writer has been emailed a link to "
            "their draft application."
        ]
        assert set(OutgoingEmail.objects.values_list("recipient", flat=True)) == {
            eoi.created_by.email for eoi in eois
        }
        events = AuditEvent.objects.filter(verb="funding.eoi.invited")
        assert {event.actor for event in events} == {fund_manager}

    def test_invites_the_submitted_and_names_the_others_when_the_selection_is_mixed(
        self, client, round
    ):
        submitted = EoiFactory(round=round, submitted=True)
        declined = EoiFactory(round=round, declined=True)

        response = act(client, "invite_selected", [submitted, declined], follow=True)

        assert fresh(submitted).status == EoiStatus.INVITED
        assert fresh(declined).status == EoiStatus.DECLINED
        success, refusal = messages_of(response)
        assert success.startswith(f"Invited to full application: {submitted.reference} ")
        assert refusal == (
            f"Not invited: {declined.reference} ({declined.reference} is not taken forward, "
            "so it cannot be invited.)"
        )
        assert Application.objects.count() == 1

    def test_refuses_staff_who_do_not_manage_the_fund(self, otp_verified_client_for, round):
        comms = otp_verified_client_for(UserFactory(staff=True, groups=["Communications"]))
        eoi = EoiFactory(round=round, submitted=True)

        response = act(comms, "invite_selected", [eoi])

        assert response.status_code == 403
        assert fresh(eoi).status == EoiStatus.SUBMITTED
        assert not Application.objects.exists()


class TestDecline:
    def test_asks_for_feedback_before_declining(self, client, round):
        eoi = EoiFactory(round=round, submitted=True)

        response = act(client, "decline_selected", [eoi])

        assert response.status_code == 200
        assert "Decline with feedback" in response.text
        assert eoi.reference in response.text
        assert 'name="feedback"' in response.text
        assert "<title>Error:" not in response.text
        assert fresh(eoi).status == EoiStatus.SUBMITTED

    def test_declines_with_the_feedback_and_emails_each_writer(self, client, round, fund_manager):
        eois = EoiFactory.create_batch(2, round=round, submitted=True)

        response = confirm(
            client,
            "decline_selected",
            eois,
            feedback="Borsetshire is solving this already; talk to them.",
            follow=True,
        )

        for eoi in eois:
            saved = fresh(eoi)
            assert saved.status == EoiStatus.DECLINED
            assert saved.decline_feedback == "Borsetshire is solving this already; talk to them."
            assert saved.declined_by == fund_manager
        emails = OutgoingEmail.objects.all()
        assert {email.recipient for email in emails} == {eoi.created_by.email for eoi in eois}
        assert all("Borsetshire is solving this already" in e.body_text for e in emails)
        references = ", ".join(eoi.reference for eoi in eois)
        assert messages_of(response) == [
            f"Declined {references}. Each writer has been emailed your feedback."
        ]

    @pytest.mark.parametrize("feedback", ["", "   "])
    def test_refuses_blank_feedback_with_a_clear_error_and_changes_nothing(
        self, client, round, feedback
    ):
        eoi = EoiFactory(round=round, submitted=True)

        response = confirm(client, "decline_selected", [eoi], feedback=feedback)

        assert response.status_code == 200
        assert "Give feedback: the applicant is told why." in response.text
        assert "<title>Error:" in response.text
        assert f'name="_selected_action" value="{eoi.pk}"' in response.text
        assert fresh(eoi).status == EoiStatus.SUBMITTED
        assert not OutgoingEmail.objects.exists()

    def test_names_the_eois_it_could_not_decline(self, client, round):
        withdrawn = EoiFactory(round=round, withdrawn=True)

        response = confirm(
            client, "decline_selected", [withdrawn], feedback="Not this time.", follow=True
        )

        assert messages_of(response) == [
            f"Not declined: {withdrawn.reference} ({withdrawn.reference} is withdrawn, so it "
            "cannot be declined.)"
        ]
        assert fresh(withdrawn).status == EoiStatus.WITHDRAWN

    def test_returns_to_the_eoi_when_declined_from_its_page(self, client, round):
        eoi = EoiFactory(round=round, submitted=True)

        response = client.post(
            object_action_url(eoi, "decline_selected"),
            {"confirm": "yes", "feedback": "Not this time."},
        )

        assert response["Location"] == change_url(eoi)
        assert fresh(eoi).status == EoiStatus.DECLINED

    def test_refuses_staff_who_do_not_manage_the_fund(self, otp_verified_client_for, round):
        trainer = otp_verified_client_for(
            UserFactory(staff=True, groups=["Training administrator"])
        )
        eoi = EoiFactory(round=round, submitted=True)

        response = confirm(trainer, "decline_selected", [eoi], feedback="No.")

        assert response.status_code == 403
        assert fresh(eoi).status == EoiStatus.SUBMITTED
