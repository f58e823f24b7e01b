"""Clusters of expressions of interest in the admin (funding/admin/clusters.py): the list,
making and naming them, and their page with members and suggestions. Messages to a cluster's
leads and the joint invitation are tested in test_clusters_messages.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funding.models import ClusterMessage, EoiCluster
from localdigital.admin_actions import object_action_url
from localdigital.audit.models import AuditEvent
from tests.funding.admin_support import CLUSTERS, cluster_url, fresh
from tests.funding.factories import EoiClusterFactory, EoiFactory, RoundFactory, SignatoryFactory

pytestmark = pytest.mark.django_db


ADD_CLUSTER = reverse("admin:funding_eoicluster_add")


@pytest.fixture
def round():
    return RoundFactory(eoi_closed=True)


class TestClusterList:
    def test_shows_each_clusters_round_and_counts(self, client, cluster):
        EoiFactory.create_batch(2, round=cluster.round, submitted=True, cluster=cluster)
        EoiFactory(round=cluster.round, declined=True, cluster=cluster)

        response = client.get(CLUSTERS)

        (listed,) = response.context["cl"].result_list
        assert (listed.eoi_count, listed.submitted_count, listed.message_count) == (3, 2, 0)
        assert cluster.round.name in response.text


class TestMakingClusters:
    def test_makes_a_cluster_through_the_service(self, client, round, fund_manager):
        response = client.post(
            ADD_CLUSTER, {"round": round.pk, "name": " Bulky waste ", "notes": "Ask Ambridge."}
        )

        assert response.status_code == 302
        cluster = EoiCluster.objects.get()
        assert (cluster.name, cluster.notes, cluster.created_by) == (
            "Bulky waste",
            "Ask Ambridge.",
            fund_manager,
        )
        assert AuditEvent.objects.get(verb="funding.cluster.created").actor == fund_manager

    def test_refuses_a_name_the_round_already_has_whatever_its_case(self, client, cluster):
        response = client.post(ADD_CLUSTER, {"round": cluster.round.pk, "name": "MISSED bins"})

        assert response.status_code == 200
        assert response.context["adminform"].form.errors["name"] == [
            f"{cluster.round.name} already has a cluster called “MISSED bins”."
        ]
        assert 'value="MISSED bins"' in response.text
        assert EoiCluster.objects.count() == 1

    def test_offers_only_rounds_with_an_eoi_stage(self, client, round):
        without = RoundFactory(name="Round without EOIs")

        response = client.post(ADD_CLUSTER, {"round": without.pk, "name": "Bins"})

        assert list(response.context["adminform"].form.errors) == ["round"]
        assert not EoiCluster.objects.exists()

    def test_renames_a_cluster_but_not_to_a_name_taken(self, client, cluster):
        EoiClusterFactory(round=cluster.round, name="Bulky waste")

        taken = client.post(cluster_url(cluster), {"name": "bulky waste", "notes": ""})
        renamed = client.post(cluster_url(cluster), {"name": "Missed collections", "notes": ""})

        assert taken.status_code == 200
        assert list(taken.context["adminform"].form.errors) == ["name"]
        assert renamed.status_code == 302
        assert EoiCluster.objects.get(pk=cluster.pk).name == "Missed collections"

    def test_refuses_to_delete_a_cluster_even_for_a_superuser(
        self, otp_verified_superuser_client, cluster
    ):
        response = otp_verified_superuser_client.post(
            reverse("admin:funding_eoicluster_delete", args=[cluster.pk]), {"post": "yes"}
        )

        assert response.status_code == 403
        assert EoiCluster.objects.filter(pk=cluster.pk).exists()


class TestClusterPage:
    def test_lists_its_eois_and_the_messages_sent(self, client, cluster, fund_manager):
        eoi = EoiFactory(
            round=cluster.round,
            submitted=True,
            cluster=cluster,
            lead_organisation=SignatoryFactory(name="Borsetshire County Council"),
        )
        ClusterMessage.objects.create(
            cluster=cluster,
            subject="Meet each other",
            body="You are all working on bins.",
            sent_by=fund_manager,
            recipient_count=2,
        )

        response = client.get(cluster_url(cluster))

        assert response.status_code == 200
        members = response.text.split('id="cluster-eois"')[1].split('id="cluster-suggestions"')[0]
        assert eoi.reference in members
        assert "Borsetshire County Council" in members
        assert eoi.created_by.email in members
        sent = response.text.split('id="cluster-messages"')[1]
        assert "Meet each other" in sent
        assert "You are all working on bins." in sent
        assert "to 2 leads" in sent

    def test_suggests_the_unclustered_submitted_eois_most_like_its_members(self, client, cluster):
        round = cluster.round
        EoiFactory(
            round=round,
            submitted=True,
            cluster=cluster,
            title="Reporting missed bin collections",
            problem="Residents phone us when their bin collection is missed.",
        )
        EoiFactory(
            round=round,
            submitted=True,
            cluster=cluster,
            title="Missed bins and crews",
            problem="Crews never see reports of a missed bin.",
        )
        closest = EoiFactory(
            round=round,
            submitted=True,
            title="Missed bin reports",
            problem="Crews cannot see when residents report a missed bin collection.",
        )
        further = EoiFactory(
            round=round,
            submitted=True,
            title="Bulky waste collection",
            problem="Residents phone to book a bulky waste collection.",
        )
        EoiFactory(round=round, submitted=True, title="Ransomware", problem="No recovery plan.")
        EoiFactory(round=round, declined=True, title="Missed bin reports", problem="Missed bin.")
        EoiFactory(
            round=round,
            submitted=True,
            cluster=EoiClusterFactory(round=round),
            title="Missed bin reports",
            problem="Missed bin collection.",
        )

        response = client.get(cluster_url(cluster))

        suggested = [row["eoi"] for row in response.context["suggestions"]]
        assert suggested == [closest, further]
        section = response.text.split('id="cluster-suggestions"')[1]
        assert section.index(closest.reference) < section.index(further.reference)
        assert '<th scope="col">Similarity</th>' in section

    def test_adds_a_suggestion_and_returns_to_the_cluster(self, client, cluster):
        EoiFactory(round=cluster.round, submitted=True, cluster=cluster, title="Missed bins")
        suggestion = EoiFactory(round=cluster.round, submitted=True, title="Missed bins too")
        # Words every EOI of a round shares tell nothing apart: give the round others.
        for title in ("Ransomware recovery", "Adult social care records"):
            EoiFactory(round=cluster.round, submitted=True, title=title, problem=title)
        page = client.get(cluster_url(cluster))
        section = page.text.split('id="cluster-suggestions"')[1]

        response = client.post(
            object_action_url(suggestion, "add_to_cluster"),
            {"confirm": "yes", "cluster": cluster.pk, "next": cluster_url(cluster)},
        )

        assert f'action="{object_action_url(suggestion, "add_to_cluster")}"' in section
        assert f'name="cluster" value="{cluster.pk}"' in section
        assert f'name="next" value="{cluster_url(cluster)}"' in section
        assert response["Location"] == cluster_url(cluster)
        assert fresh(suggestion).cluster == cluster

    def test_suggests_nothing_for_a_cluster_with_no_members(self, client, cluster):
        EoiFactory(round=cluster.round, submitted=True)

        response = client.get(cluster_url(cluster))

        assert response.context["suggestions"] == []
        assert "No submitted expression of interest outside a cluster" in response.text
