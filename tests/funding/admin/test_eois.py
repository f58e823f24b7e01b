"""Expressions of interest in the admin: the list staff cluster from, each EOI's read-only
page with the most similar EOIs of its round, and the actions that add to and remove from
clusters, invite and decline."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funding.models import Application, EoiCluster, EoiStatus, ExpressionOfInterest, Phase
from localdigital.admin_actions import object_action_url
from localdigital.audit.models import AuditEvent
from localdigital.mail.models import OutgoingEmail
from tests.accounts.factories import UserFactory
from tests.funding.factories import EoiClusterFactory, EoiFactory, RoundFactory, SignatoryFactory

pytestmark = pytest.mark.django_db

EOIS = reverse("admin:funding_expressionofinterest_changelist")


def change_url(eoi: ExpressionOfInterest) -> str:
    return reverse("admin:funding_expressionofinterest_change", args=[eoi.pk])


@pytest.fixture
def round():
    """A round whose EOI stage has closed: staff work on the EOIs it received."""
    return RoundFactory(eoi_closed=True)


def listed(response) -> list[ExpressionOfInterest]:
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


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


def fresh(eoi: ExpressionOfInterest) -> ExpressionOfInterest:
    return ExpressionOfInterest.objects.get(pk=eoi.pk)


class TestEoiList:
    def test_shows_submitted_eois_and_hides_drafts_when_no_status_is_chosen(self, client, round):
        submitted = EoiFactory(round=round, submitted=True)
        EoiFactory(round=round)
        EoiFactory(round=round, declined=True)

        response = client.get(EOIS)

        assert listed(response) == [submitted]

    @pytest.mark.parametrize("status", ["draft", "declined", "withdrawn"])
    def test_shows_only_that_status_when_staff_choose_one(self, client, round, status):
        EoiFactory(round=round, submitted=True)
        chosen = EoiFactory(round=round, **({} if status == "draft" else {status: True}))

        assert listed(client.get(EOIS, {"status": status})) == [chosen]

    def test_shows_every_eoi_when_staff_choose_all(self, client, round):
        eois = [
            EoiFactory(round=round, submitted=True),
            EoiFactory(round=round),
            EoiFactory(round=round, withdrawn=True),
        ]

        assert set(listed(client.get(EOIS, {"status": "all"}))) == set(eois)

    def test_shows_submitted_eois_when_the_status_is_unknown(self, client, round):
        submitted = EoiFactory(round=round, submitted=True)
        EoiFactory(round=round)

        assert listed(client.get(EOIS, {"status": "nonsense"})) == [submitted]

    def test_filters_by_round_cluster_and_phase(self, client, round):
        other_round = RoundFactory(eoi_closed=True)
        cluster = EoiClusterFactory(round=round, name="Missed bins")
        clustered = EoiFactory(round=round, submitted=True, cluster=cluster)
        alpha = EoiFactory(round=round, submitted=True, phase=Phase.ALPHA)
        elsewhere = EoiFactory(round=other_round, submitted=True)

        assert set(listed(client.get(EOIS, {"round": round.pk}))) == {clustered, alpha}
        assert listed(client.get(EOIS, {"round": other_round.pk})) == [elsewhere]
        assert listed(client.get(EOIS, {"cluster": cluster.pk})) == [clustered]
        assert set(listed(client.get(EOIS, {"cluster": "none"}))) == {alpha, elsewhere}
        assert listed(client.get(EOIS, {"cluster": "any"})) == [clustered]
        assert listed(client.get(EOIS, {"phase__exact": "alpha"})) == [alpha]

    def test_offers_the_clusters_of_the_round_chosen(self, client, round):
        EoiClusterFactory(round=round, name="Missed bins")
        EoiClusterFactory(round=RoundFactory(eoi_closed=True), name="Cyber resilience")

        every = client.get(EOIS).text
        one_round = client.get(EOIS, {"round": round.pk}).text

        assert f"Missed bins ({round.name})" in every
        assert "Cyber resilience (" in every
        assert "Missed bins" in one_round
        assert "Cyber resilience" not in one_round

    @pytest.mark.parametrize(
        ("query", "index"),
        [("EOI-ABC234", 0), ("Ransomware", 1), ("Ambridge", 2)],
        ids=["reference", "title", "lead organisation"],
    )
    def test_finds_exactly_the_eoi_when_searching(self, client, round, query, index):
        eois = [
            EoiFactory(round=round, submitted=True, reference="EOI-ABC234"),
            EoiFactory(round=round, submitted=True, title="Ransomware recovery"),
            EoiFactory(
                round=round,
                submitted=True,
                lead_organisation=SignatoryFactory(name="Ambridge Parish Council"),
            ),
            EoiFactory(round=round, submitted=True),  # a decoy that no search finds
        ]

        assert listed(client.get(EOIS, {"q": query})) == [eois[index]]

    def test_shows_the_lead_partners_cluster_and_status(self, client, round):
        cluster = EoiClusterFactory(round=round, name="Missed bins")
        EoiFactory(
            round=round,
            submitted=True,
            cluster=cluster,
            lead_organisation=SignatoryFactory(name="Borsetshire County Council"),
            partners=[SignatoryFactory(), SignatoryFactory(), SignatoryFactory()],
        )

        response = client.get(EOIS)

        (eoi,) = listed(response)
        assert eoi.partner_count == 3
        row = response.text.split("<tbody>")[1].split("</tr>")[0]
        for shown in ["Borsetshire County Council", ">3<", "Missed bins", "Submitted"]:
            assert shown in row


class TestEoiPage:
    def test_shows_the_answers_read_only(self, client, round):
        partner = SignatoryFactory(name="Felpersham City Council")
        eoi = EoiFactory(
            round=round,
            submitted=True,
            title="Joined-up missed bin reports",
            problem="Crews cannot see the reports residents make.",
            partners=[partner],
        )

        response = client.get(change_url(eoi))

        assert response.status_code == 200
        for shown in [
            eoi.reference,
            "Joined-up missed bin reports",
            "Crews cannot see the reports residents make.",
            eoi.lead_organisation.name,
            "Felpersham City Council",
        ]:
            assert shown in response.text
        assert 'name="title"' not in response.text
        assert 'name="_save"' not in response.text

    def test_refuses_a_change_to_the_answers(self, client, round):
        eoi = EoiFactory(round=round, submitted=True)

        response = client.post(change_url(eoi), {"title": "Something else"})

        assert response.status_code == 403
        assert fresh(eoi).title == eoi.title

    def test_refuses_to_add_or_delete_when_even_a_superuser_asks(
        self, otp_verified_superuser_client, round
    ):
        eoi = EoiFactory(round=round, submitted=True)
        client = otp_verified_superuser_client

        add = client.get(reverse("admin:funding_expressionofinterest_add"))
        delete = client.post(
            reverse("admin:funding_expressionofinterest_delete", args=[eoi.pk]), {"post": "yes"}
        )

        assert (add.status_code, delete.status_code) == (403, 403)
        assert ExpressionOfInterest.objects.filter(pk=eoi.pk).exists()

    def test_offers_the_actions_that_the_state_allows(self, client, round):
        cluster = EoiClusterFactory(round=round)
        submitted = EoiFactory(round=round, submitted=True)
        clustered = EoiFactory(round=round, submitted=True, cluster=cluster)
        declined_in_cluster = EoiFactory(round=round, declined=True, cluster=cluster)
        draft = EoiFactory(round=round)

        def buttons(eoi):
            return [button.name for button in client.get(change_url(eoi)).context["eoi_actions"]]

        assert buttons(submitted) == ["add_to_cluster", "invite_selected", "decline_selected"]
        assert buttons(clustered) == [
            "add_to_cluster",
            "remove_from_cluster",
            "invite_selected",
            "decline_selected",
        ]
        assert buttons(declined_in_cluster) == ["remove_from_cluster"]
        assert buttons(draft) == []

    def test_lists_the_most_similar_eois_of_the_round_best_first(self, client, round):
        """The EOI about the same problem comes first, one sharing fewer telling words next;
        one about another problem, drafts, and other rounds' EOIs are not listed."""
        cluster = EoiClusterFactory(round=round, name="Missed bins")
        eoi = EoiFactory(
            round=round,
            submitted=True,
            title="Reporting missed bin collections",
            problem="Residents phone the contact centre when their bin collection is missed, "
            "and the crews cannot see the reports.",
        )
        same_problem = EoiFactory(
            round=round,
            submitted=True,
            cluster=cluster,
            title="Missed bin collection reports for crews",
            problem="Our crews never see the reports of a missed bin collection that residents "
            "phone in.",
        )
        related = EoiFactory(
            round=round,
            declined=True,
            title="Booking a bulky waste collection",
            problem="Residents cannot book a bulky waste collection online, so they phone the "
            "contact centre.",
        )
        EoiFactory(
            round=round,
            submitted=True,
            title="Ransomware recovery",
            problem="Our servers have no tested way back after a ransomware attack.",
        )
        EoiFactory(round=round, title=eoi.title, problem=eoi.problem)  # a draft
        EoiFactory(round=RoundFactory(eoi_closed=True), submitted=True, title=eoi.title)

        response = client.get(change_url(eoi))

        similar = response.context["similar"]
        assert [row["reference"] for row in similar] == [
            same_problem.reference,
            related.reference,
        ]
        assert similar[0]["percent"] > similar[1]["percent"] > 0
        section = response.text.split('id="similar-eois"')[1]
        assert "Most similar expressions of interest in this round" in response.text
        assert section.index(same_problem.reference) < section.index(related.reference)
        assert f'href="{change_url(same_problem)}"' in section
        assert f"{similar[0]['percent']}%" in section
        assert "Missed bins" in section
        assert "Not taken forward" in section

    def test_says_so_when_no_eoi_is_like_it(self, client, round):
        eoi = EoiFactory(round=round, submitted=True, title="Ransomware", problem="Recovery.")

        response = client.get(change_url(eoi))

        assert response.context["similar"] == []
        assert "No other expression of interest sent to this round shares its words." in (
            response.text
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
        assert f'<a href="{change_url(eoi)}" class="closelink">Cancel</a>' in form.text
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
