"""Introducing a cluster's leads to each other, inviting the cluster to one joint application,
and the messages sent to clusters, for reading."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funding.models import Application, ClusterMessage, EoiStatus
from localdigital.admin_actions import object_action_url
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.funding.admin_support import CLUSTERS, cluster_action_confirm, cluster_url, fresh
from tests.funding.factories import EoiClusterFactory, EoiFactory, RoundFactory, SignatoryFactory
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def round():
    return RoundFactory(eoi_closed=True)


def act(client, action: str, clusters, *, follow=False, **data):
    return client.post(
        CLUSTERS,
        {"action": action, "_selected_action": [c.pk for c in clusters], "index": 0, **data},
        follow=follow,
    )


def cluster_of_two(cluster):
    """Put two submitted EOIs in ``cluster``, each from a lead with a partner."""
    return [
        EoiFactory(
            round=cluster.round,
            submitted=True,
            cluster=cluster,
            lead_organisation=SignatoryFactory(name=f"{name} Council"),
            partners=[SignatoryFactory(name=f"{name} Partner")],
        )
        for name in ("Ambridge", "Borsetshire")
    ]


class TestMessageTheLeads:
    def test_asks_for_the_message_first(self, client, cluster):
        response = act(client, "message_leads", [cluster])

        assert response.status_code == 200
        assert "Message the leads" in response.text
        assert "Missed bins" in response.text
        assert 'name="subject"' in response.text
        assert 'name="body"' in response.text
        assert not ClusterMessage.objects.exists()

    def test_emails_each_lead_with_the_message(self, client, cluster, fund_manager):
        eois = cluster_of_two(cluster)

        response = cluster_action_confirm(
            client,
            "message_leads",
            [cluster],
            subject="Meet each other",
            body="You are working on the same problem.",
            follow=True,
        )

        message = ClusterMessage.objects.get()
        assert (message.subject, message.sent_by, message.recipient_count) == (
            "Meet each other",
            fund_manager,
            2,
        )
        emails = OutgoingEmail.objects.all()
        assert {email.recipient for email in emails} == {eoi.created_by.email for eoi in eois}
        assert messages_of(response) == [
            "Sent your message to the leads of “Missed bins” (2 leads)."
        ]

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({"subject": "", "body": "Hello."}, "subject", "Enter the email's subject."),
            (
                {"subject": "Meet", "body": ""},
                "body",
                "Write the message: it introduces the leads to each other.",
            ),
        ],
    )
    def test_names_what_is_missing_and_keeps_the_rest(self, client, cluster, data, field, message):
        cluster_of_two(cluster)

        response = cluster_action_confirm(client, "message_leads", [cluster], **data)

        assert response.status_code == 200
        assert "<title>Error:" in response.text
        assert response.context["form"].errors == {field: [message]}
        kept = data["body"] or data["subject"]
        assert kept in response.text
        assert not ClusterMessage.objects.exists()
        assert not OutgoingEmail.objects.exists()

    def test_refuses_a_cluster_with_one_eoi_and_says_why(self, client, cluster):
        EoiFactory(round=cluster.round, submitted=True, cluster=cluster)

        response = cluster_action_confirm(
            client, "message_leads", [cluster], subject="Meet", body="Hello.", follow=True
        )

        assert messages_of(response) == [
            "Not sent to “Missed bins” (A cluster needs at least 2 expressions of interest from "
            "different people before their leads can be introduced.)"
        ]
        assert not ClusterMessage.objects.exists()

    def test_returns_to_the_cluster_when_sent_from_its_page(self, client, cluster):
        cluster_of_two(cluster)

        page = client.get(cluster_url(cluster))
        url = object_action_url(cluster, "message_leads")
        response = client.post(url, {"confirm": "yes", "subject": "Meet", "body": "Hello."})

        assert f'action="{url}"' in page.text
        assert response["Location"] == cluster_url(cluster)

    def test_refuses_staff_who_do_not_manage_the_fund(self, otp_verified_client_for, cluster):
        cluster_of_two(cluster)
        assessor = otp_verified_client_for(UserFactory(staff=True, groups=["Assessor"]))

        response = cluster_action_confirm(
            assessor, "message_leads", [cluster], subject="Meet", body="Hello."
        )

        assert response.status_code == 403
        assert not ClusterMessage.objects.exists()


class TestInviteJointly:
    def test_asks_which_eoi_leads_offering_only_the_submitted_ones(self, client, cluster):
        eois = cluster_of_two(cluster)
        declined = EoiFactory(round=cluster.round, declined=True, cluster=cluster)

        response = act(client, "invite_joint", [cluster])

        assert response.status_code == 200
        assert "Invite as one joint application" in response.text
        choices = [eoi.pk for eoi in response.context["form"].fields["lead"].queryset]
        assert choices == [eoi.pk for eoi in eois]
        assert f'value="{eois[0].pk}"' in response.text
        assert declined.reference not in response.text
        assert "<legend" in response.text

    def test_invites_the_cluster_to_one_application_led_by_the_eoi_chosen(
        self, client, cluster, fund_manager
    ):
        lead, other = cluster_of_two(cluster)

        response = cluster_action_confirm(
            client, "invite_joint", [cluster], lead=other.pk, follow=True
        )

        application = Application.objects.get()
        assert application.lead_organisation == other.lead_organisation
        assert {fresh(eoi).status for eoi in (lead, other)} == {EoiStatus.INVITED}
        assert set(application.partners.values_list("organisation__name", flat=True)) == {
            "Ambridge Council",
            "Ambridge Partner",
            "Borsetshire Partner",
        }
        assert messages_of(response) == [
            f"Invited “Missed bins” to joint application {application.reference}, led by "
            "Borsetshire Council: 2 expressions of interest. Each writer has been emailed."
        ]
        assert AuditEvent.objects.get(verb="funding.cluster.invited").actor == fund_manager
        assert OutgoingEmail.objects.count() == 2

    def test_refuses_when_no_lead_is_chosen_and_keeps_the_page(self, client, cluster):
        cluster_of_two(cluster)

        response = cluster_action_confirm(client, "invite_joint", [cluster])

        assert response.status_code == 200
        assert response.context["form"].errors == {
            "lead": ["Choose the expression of interest that leads the application."]
        }
        assert not Application.objects.exists()

    def test_refuses_a_lead_from_outside_the_cluster(self, client, cluster):
        cluster_of_two(cluster)
        outsider = EoiFactory(round=cluster.round, submitted=True)

        response = cluster_action_confirm(client, "invite_joint", [cluster], lead=outsider.pk)

        assert response.context["form"].errors == {
            "lead": ["Choose one of the cluster's submitted expressions of interest."]
        }
        assert not Application.objects.exists()

    def test_says_why_when_the_cluster_has_one_submitted_eoi(self, client, cluster):
        only = EoiFactory(round=cluster.round, submitted=True, cluster=cluster)

        response = cluster_action_confirm(
            client, "invite_joint", [cluster], lead=only.pk, follow=True
        )

        assert messages_of(response) == [
            "Nothing was changed. A joint application needs at least 2 submitted EOIs in the "
            "cluster. Invite a single EOI on its own instead."
        ]
        assert fresh(only).status == EoiStatus.SUBMITTED

    def test_says_why_when_the_cluster_has_no_submitted_eois(self, client, cluster):
        EoiFactory(round=cluster.round, declined=True, cluster=cluster)

        response = act(client, "invite_joint", [cluster], follow=True)

        assert messages_of(response) == [
            "Nothing was changed. “Missed bins” has no submitted expressions of interest to invite."
        ]

    def test_refuses_two_clusters_at_once(self, client, cluster):
        other = EoiClusterFactory(round=cluster.round)

        response = act(client, "invite_joint", [cluster, other], follow=True)

        assert messages_of(response) == [
            "Nothing was changed. Choose one cluster at a time: each joint application has a "
            "lead that you choose."
        ]

    def test_refuses_staff_who_do_not_manage_the_fund(self, otp_verified_client_for, cluster):
        lead, _ = cluster_of_two(cluster)
        comms = otp_verified_client_for(UserFactory(staff=True, groups=["Communications"]))

        response = cluster_action_confirm(comms, "invite_joint", [cluster], lead=lead.pk)

        assert response.status_code == 403
        assert not Application.objects.exists()


class TestClusterMessageAdmin:
    def test_shows_messages_read_only(self, client, cluster):
        message = ClusterMessage.objects.create(
            cluster=cluster, subject="Meet each other", body="Hello.", recipient_count=2
        )
        url = reverse("admin:funding_clustermessage_change", args=[message.pk])

        page = client.get(url)
        change = client.post(url, {"subject": "Changed"})

        assert page.status_code == 200
        assert "Meet each other" in page.text
        assert 'name="_save"' not in page.text
        assert change.status_code == 403
        assert ClusterMessage.objects.get().subject == "Meet each other"
