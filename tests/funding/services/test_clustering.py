"""Staff's work on EOIs: clusters, introductions, invitations and declines."""

from __future__ import annotations

import pytest
from django.db import IntegrityError

from funding.errors import FundingError, LeadLimitReached, TransitionNotAllowed
from funding.models import (
    Application,
    ApplicationSection,
    ClusterMessage,
    EoiStatus,
    ExpressionOfInterest,
    Section,
)
from funding.services import clustering as services
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.funding.factories import (
    EoiClusterFactory,
    EoiFactory,
    RoundFactory,
    SignatoryFactory,
)
from tests.support.audit import audit_break

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return UserFactory(staff=True, groups=["Fund manager"])


@pytest.fixture
def eoi_round():
    return RoundFactory(eoi_closed=True)


def submitted(round, **kwargs) -> ExpressionOfInterest:
    return EoiFactory.create(round=round, submitted=True, **kwargs)


class TestClusters:
    def test_groups_submitted_eois_of_the_round(self, eoi_round, staff):
        cluster = services.cluster_create(round=eoi_round, name="Missed bins", created_by=staff)
        eois = [submitted(eoi_round) for _ in range(3)]

        moved = services.eois_cluster_assign(eois=eois, cluster=cluster, assigned_by=staff)

        assert moved == 3
        assert set(cluster.eois.values_list("pk", flat=True)) == {e.pk for e in eois}
        assert services.eois_cluster_assign(eois=eois, cluster=cluster, assigned_by=staff) == 0

    def test_refuses_a_name_used_in_the_round(self, eoi_round, staff):
        services.cluster_create(round=eoi_round, name="Missed bins", created_by=staff)

        with pytest.raises(FundingError, match="already has a cluster"):
            services.cluster_create(round=eoi_round, name="missed bins", created_by=staff)

    def test_refuses_eois_of_another_round_or_not_submitted_and_moves_none(self, eoi_round, staff):
        cluster = EoiClusterFactory(round=eoi_round)
        good = submitted(eoi_round)
        elsewhere = submitted(RoundFactory(eoi_closed=True))
        draft = EoiFactory(round=eoi_round)

        with pytest.raises(FundingError, match="not in"):
            services.eois_cluster_assign(eois=[good, elsewhere], cluster=cluster, assigned_by=staff)
        with pytest.raises(FundingError, match="Only submitted"):
            services.eois_cluster_assign(eois=[good, draft], cluster=cluster, assigned_by=staff)
        assert not cluster.eois.exists()

    def test_takes_eois_out_of_their_cluster(self, eoi_round, staff):
        cluster = EoiClusterFactory(round=eoi_round)
        eoi = submitted(eoi_round, cluster=cluster)

        assert services.eois_cluster_remove(eois=[eoi], removed_by=staff) == 1
        eoi.refresh_from_db()
        assert eoi.cluster is None


class TestClusterMessage:
    def test_introduces_each_lead_to_the_others(self, eoi_round, staff):
        cluster = EoiClusterFactory(round=eoi_round)
        eois = [submitted(eoi_round, cluster=cluster) for _ in range(3)]

        message = services.cluster_message_send(
            cluster=cluster, subject="Meet each other", body="You share a problem.", sent_by=staff
        )

        assert message.recipient_count == 3
        for eoi in eois:
            email = OutgoingEmail.objects.get(recipient=eoi.created_by.email)
            assert email.subject == "Meet each other"
            assert "You share a problem." in email.body_text
            others = [e for e in eois if e != eoi]
            for other in others:
                assert other.lead_organisation.name in email.body_text
                assert other.created_by.email in email.body_text
            assert eoi.title not in email.body_text

    def test_needs_two_eois(self, eoi_round, staff):
        cluster = EoiClusterFactory(round=eoi_round)
        submitted(eoi_round, cluster=cluster)

        with pytest.raises(FundingError, match="at least 2"):
            services.cluster_message_send(cluster=cluster, subject="Hi", body="Hi", sent_by=staff)
        assert not ClusterMessage.objects.exists()


class TestInvitations:
    def test_invites_one_eoi_to_an_application_filled_in_from_it(self, eoi_round, staff):
        partner = SignatoryFactory()
        eoi = submitted(eoi_round, partners=[partner])

        application = services.eoi_invite(eoi=eoi, invited_by=staff)

        eoi.refresh_from_db()
        assert (eoi.status, eoi.application) == (EoiStatus.INVITED, application)
        assert (application.title, application.problem, application.phase) == (
            eoi.title,
            eoi.problem,
            eoi.phase,
        )
        assert application.created_by == eoi.created_by
        assert list(application.partners.values_list("organisation", flat=True)) == [partner.pk]
        assert ApplicationSection.objects.filter(application=application).count() == len(Section)
        email = OutgoingEmail.objects.get(recipient=eoi.created_by.email)
        assert application.reference in email.body_text

    def test_refuses_to_invite_twice_or_a_draft(self, eoi_round, staff):
        eoi = submitted(eoi_round)
        services.eoi_invite(eoi=eoi, invited_by=staff)

        with pytest.raises(TransitionNotAllowed):
            services.eoi_invite(eoi=eoi, invited_by=staff)
        with pytest.raises(TransitionNotAllowed):
            services.eoi_invite(eoi=EoiFactory(round=eoi_round), invited_by=staff)
        assert Application.objects.count() == 1

    def test_invites_a_cluster_to_one_joint_application(self, eoi_round, staff):
        cluster = EoiClusterFactory(round=eoi_round)
        shared_partner = SignatoryFactory()
        lead = submitted(eoi_round, cluster=cluster, partners=[shared_partner])
        others = [
            submitted(eoi_round, cluster=cluster, partners=[shared_partner]) for _ in range(2)
        ]
        declined = EoiFactory(round=eoi_round, cluster=cluster, declined=True)

        application = services.cluster_invite(cluster=cluster, lead_eoi=lead, invited_by=staff)

        assert application.lead_organisation == lead.lead_organisation
        partners = set(application.partners.values_list("organisation", flat=True))
        assert partners == {o.lead_organisation_id for o in others} | {shared_partner.pk}
        for eoi in [lead, *others]:
            eoi.refresh_from_db()
            assert (eoi.status, eoi.application) == (EoiStatus.INVITED, application)
            assert OutgoingEmail.objects.filter(recipient=eoi.created_by.email).exists()
        declined.refresh_from_db()
        assert declined.status == EoiStatus.DECLINED

    def test_cluster_invite_needs_the_lead_in_the_cluster(self, eoi_round, staff):
        cluster = EoiClusterFactory(round=eoi_round)
        submitted(eoi_round, cluster=cluster)
        submitted(eoi_round, cluster=cluster)

        with pytest.raises(FundingError, match="must be one of the cluster"):
            services.cluster_invite(
                cluster=cluster, lead_eoi=submitted(eoi_round), invited_by=staff
            )
        assert not Application.objects.exists()

    def test_refuses_an_invitation_that_passes_the_lead_limit(self, staff):
        round = RoundFactory(eoi_closed=True, max_led_applications=1)
        lead = SignatoryFactory()
        services.eoi_invite(eoi=submitted(round, lead_organisation=lead), invited_by=staff)
        second = submitted(round, lead_organisation=lead)

        with pytest.raises(LeadLimitReached):
            services.eoi_invite(eoi=second, invited_by=staff)
        second.refresh_from_db()
        assert second.status == EoiStatus.SUBMITTED

    def test_writes_nothing_when_the_audit_fails(self, eoi_round, staff, monkeypatch):
        audit_break(monkeypatch, services)
        eoi = submitted(eoi_round)

        with pytest.raises(IntegrityError):
            services.eoi_invite(eoi=eoi, invited_by=staff)

        eoi.refresh_from_db()
        assert eoi.status == EoiStatus.SUBMITTED
        assert not Application.objects.exists()
        assert not OutgoingEmail.objects.exists()


class TestDecline:
    def test_declines_with_feedback_emailed_to_the_writer(self, eoi_round, staff):
        eoi = submitted(eoi_round)

        services.eoi_decline(eoi=eoi, feedback="Talk to Leeds.", declined_by=staff)

        eoi.refresh_from_db()
        assert (eoi.status, eoi.decline_feedback) == (EoiStatus.DECLINED, "Talk to Leeds.")
        assert (
            "Talk to Leeds." in OutgoingEmail.objects.get(recipient=eoi.created_by.email).body_text
        )

    def test_refuses_empty_feedback_and_a_second_decline(self, eoi_round, staff):
        eoi = submitted(eoi_round)

        with pytest.raises(FundingError, match="Give feedback"):
            services.eoi_decline(eoi=eoi, feedback="  ", declined_by=staff)
        services.eoi_decline(eoi=eoi, feedback="No.", declined_by=staff)
        with pytest.raises(TransitionNotAllowed):
            services.eoi_decline(eoi=eoi, feedback="No again.", declined_by=staff)
        assert OutgoingEmail.objects.count() == 1
