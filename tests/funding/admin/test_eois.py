"""Expressions of interest in the admin (funding/admin/eois.py): the list staff cluster from,
and each EOI's read-only page with the most similar EOIs of its round. The actions are tested in
test_eois_actions.py."""

from __future__ import annotations

import pytest
from django.urls import reverse

from funding.models import ExpressionOfInterest, Phase
from tests.funding.admin_support import EOIS, change_url, fresh
from tests.funding.factories import EoiClusterFactory, EoiFactory, RoundFactory, SignatoryFactory
from tests.support.admin import listed

pytestmark = pytest.mark.django_db


@pytest.fixture
def round():
    """A round whose EOI stage has closed: staff work on the EOIs it received."""
    return RoundFactory(eoi_closed=True)


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
            return [button.name for button in client.get(change_url(eoi)).context["object_actions"]]

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
        assert '<th scope="col">Similarity</th>' in section
        assert "Missed bins" in section
        assert "Not taken forward" in section

    def test_says_so_when_no_eoi_is_like_it(self, client, round):
        eoi = EoiFactory(round=round, submitted=True, title="Ransomware", problem="Recovery.")

        response = client.get(change_url(eoi))

        assert response.context["similar"] == []
        assert "No other expression of interest sent to this round shares its words." in (
            response.text
        )
