"""Moderating signings in the admin (declaration/admin/signing.py): the list with its flags, and
the read-only detail page. The actions are tested in test_signing_actions.py."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from declaration.models import Signing, SigningStatus
from localdigital.admin_actions import object_action_url
from tests.accounts.factories import UserFactory
from tests.declaration.admin_support import SIGNINGS, status_of
from tests.declaration.factories import OrganisationFactory, SigningFactory
from tests.support.admin import listed

pytestmark = pytest.mark.django_db


class TestSigningList:
    def test_shows_pending_signings_when_no_status_is_chosen(self, client):
        pending = SigningFactory(submitted=True)
        SigningFactory()
        SigningFactory(rejected=True)

        response = client.get(SIGNINGS)

        assert listed(response) == [pending]
        assert "Pending" in response.text

    @pytest.mark.parametrize(
        "status",
        ["published", "rejected", "withdrawn", "unpublished", "draft"],
    )
    def test_shows_only_that_status_when_staff_choose_one(self, client, status):
        SigningFactory(submitted=True)
        chosen = SigningFactory(**({} if status == "published" else {status: True}))

        assert listed(client.get(SIGNINGS, {"status": status})) == [chosen]

    def test_shows_every_signing_when_staff_choose_all(self, client):
        signings = [SigningFactory(submitted=True), SigningFactory(), SigningFactory(draft=True)]

        assert set(listed(client.get(SIGNINGS, {"status": "all"}))) == set(signings)

    def test_shows_pending_signings_when_the_status_is_unknown(self, client):
        pending = SigningFactory(submitted=True)
        SigningFactory()

        assert listed(client.get(SIGNINGS, {"status": "nonsense"})) == [pending]

    def test_filters_by_each_flag(self, client):
        mismatch = SigningFactory(submitted=True, domain_mismatch=True)
        unlisted = SigningFactory(submitted=True, unlisted=True)
        duplicate = SigningFactory(submitted=True, possible_duplicate=True)

        assert listed(client.get(SIGNINGS, {"email_domain": "mismatch"})) == [mismatch]
        assert set(listed(client.get(SIGNINGS, {"email_domain": "match"}))) == {
            unlisted,
            duplicate,
        }
        assert listed(client.get(SIGNINGS, {"in_register": "no"})) == [unlisted]
        assert set(listed(client.get(SIGNINGS, {"in_register": "yes"}))) == {
            mismatch,
            duplicate,
        }
        assert listed(client.get(SIGNINGS, {"possible_duplicate__exact": "1"})) == [duplicate]

    def test_shows_each_check_that_failed_as_a_warning_in_words_and_never_as_a_tick(self, client):
        """A raised flag is something for staff to check: its column says what is wrong,
        beside a warning icon. A green tick would read as "all is well"."""
        SigningFactory(submitted=True, unlisted=True, domain_mismatch=True, possible_duplicate=True)

        response = client.get(SIGNINGS)

        for heading in ["Email domain", "Register", "Duplicate"]:
            assert f">{heading}<" in response.text
        for words in ["Does not match", "Not in the register", "Possible duplicate"]:
            assert words in response.text
        assert response.text.count("icon-alert.svg") == 3
        assert "icon-yes.svg" not in response.text.split('id="result_list"')[1]

    def test_shows_each_check_that_passed_in_words_without_a_warning(self, client):
        organisation = OrganisationFactory(email_domains=["hull.gov.uk"])
        SigningFactory(
            submitted=True, organisation=organisation, signer=UserFactory(email="a@hull.gov.uk")
        )

        response = client.get(SIGNINGS)

        for words in ["Matches", "In the register"]:
            assert words in response.text
        assert "icon-alert.svg" not in response.text

    @pytest.mark.parametrize(
        ("query", "index"),
        [
            ("Ambridge", 0),
            ("Borsetshire Fire", 1),
            ("LDD-ABC234", 2),
            ("signer@loxley.gov.uk", 3),
        ],
        ids=["organisation", "proposed name", "reference", "signer's email"],
    )
    def test_finds_exactly_the_signing_when_searching(self, client, query, index):
        """Each search finds its own signing and no other, the decoy included."""
        organisation = OrganisationFactory(name="Ambridge Parish Council")
        signings = [
            SigningFactory(submitted=True, organisation=organisation),
            SigningFactory(submitted=True, unlisted=True, proposed_name="Borsetshire Fire"),
            SigningFactory(submitted=True, reference="LDD-ABC234"),
            SigningFactory(submitted=True, signer=UserFactory(email="signer@loxley.gov.uk")),
            SigningFactory(submitted=True),  # a decoy that no search finds
        ]

        assert listed(client.get(SIGNINGS, {"q": query})) == [signings[index]]

    def test_links_to_the_import(self, client):
        response = client.get(SIGNINGS)

        assert reverse("admin:declaration_signing_import") in response.text

    @pytest.mark.parametrize("status", ["submitted", "all"])
    def test_makes_the_same_number_of_queries_for_10_and_200_signings(self, client, status):
        """No query per row, whatever the flags and the organisations."""

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(SIGNINGS, {"status": status, "all": ""})
            assert response.status_code == 200
            return len(captured)

        def grow(count: int) -> None:
            for index in range(count):
                SigningFactory(
                    submitted=True,
                    unlisted=index % 3 == 0,
                    domain_mismatch=index % 2 == 0,
                    possible_duplicate=index % 5 == 0,
                )

        grow(10)
        small = queries()
        grow(190)
        large = queries()

        assert Signing.objects.count() == 200
        assert small == large


class TestSigningDetail:
    def test_shows_every_answer_read_only(self, client):
        signing = SigningFactory(
            submitted=True,
            senior_leader_name="Jane Smith",
            elected_member_name="Cllr Brian Aldridge",
            digital_lead_email="lead@example.gov.uk",
            project_title="Reusable booking",
        )

        response = client.get(reverse("admin:declaration_signing_change", args=[signing.pk]))

        assert response.status_code == 200
        for answer in [
            signing.reference,
            "Jane Smith",
            "Cllr Brian Aldridge",
            "lead@example.gov.uk",
            "Reusable booking",
            "Redesign services around the needs of the people using them",
            signing.signer.email,
        ]:
            assert answer in response.text
        assert 'name="senior_leader_name"' not in response.text
        assert 'name="_save"' not in response.text

    def test_links_to_the_signatory_page_only_while_it_is_published(self, client):
        published = SigningFactory(organisation=OrganisationFactory(slug="hackney"))
        pending = SigningFactory(submitted=True)

        shown = client.get(reverse("admin:declaration_signing_change", args=[published.pk]))
        hidden = client.get(reverse("admin:declaration_signing_change", args=[pending.pk]))

        assert 'href="/signatories/hackney/"' in shown.text
        assert "View on site" in shown.text
        assert "View on site" not in hidden.text

    def test_says_plainly_when_the_signers_email_domain_does_not_match(self, client):
        organisation = OrganisationFactory(name="Hull City Council", email_domains=["hull.gov.uk"])
        signing = SigningFactory(
            submitted=True,
            organisation=organisation,
            signer=UserFactory(email="ada@example.com"),
            domain_mismatch=True,
        )

        response = client.get(reverse("admin:declaration_signing_change", args=[signing.pk]))

        checks = response.text.split(">Checks<")[1].split("</fieldset>")[0]
        assert "Email domain" in checks
        assert (
            "Does not match: the signer&#x27;s email, ada@example.com, is not at one of "
            "Hull City Council&#x27;s email domains (hull.gov.uk)."
        ) in checks
        assert "icon-alert.svg" in checks
        assert "icon-yes.svg" not in checks

    def test_says_plainly_when_the_signers_email_domain_matches(self, client):
        organisation = OrganisationFactory(name="Hull City Council", email_domains=["hull.gov.uk"])
        signing = SigningFactory(
            submitted=True, organisation=organisation, signer=UserFactory(email="ada@hull.gov.uk")
        )

        response = client.get(reverse("admin:declaration_signing_change", args=[signing.pk]))

        checks = response.text.split(">Checks<")[1].split("</fieldset>")[0]
        assert "Matches: the signer&#x27;s email, ada@hull.gov.uk, is at one of" in checks
        assert "In the register" in checks
        assert "icon-alert.svg" not in checks

    def test_refuses_a_change_to_the_answers(self, client):
        signing = SigningFactory(submitted=True)

        response = client.post(
            reverse("admin:declaration_signing_change", args=[signing.pk]),
            {"senior_leader_name": "Someone else"},
        )

        assert response.status_code == 403
        assert Signing.objects.get(pk=signing.pk).senior_leader_name == signing.senior_leader_name

    def test_offers_the_actions_that_the_state_allows(self, client):
        pending = SigningFactory(submitted=True)
        unlisted = SigningFactory(submitted=True, unlisted=True)
        published = SigningFactory()
        co_publisher = SigningFactory(co_published=True)
        rejected = SigningFactory(rejected=True)

        def buttons(signing):
            url = reverse("admin:declaration_signing_change", args=[signing.pk])
            return client.get(url).context["object_actions"]

        assert [button.name for button in buttons(pending)] == [
            "publish_selected",
            "reject_selected",
        ]
        assert [button.name for button in buttons(unlisted)] == [
            "publish_selected",
            "publish_different_organisation",
            "reject_selected",
        ]
        assert [button.name for button in buttons(published)] == [
            "unpublish_selected",
            "mark_co_publisher",
        ]
        assert [button.name for button in buttons(co_publisher)] == [
            "unpublish_selected",
            "unmark_co_publisher",
        ]
        assert buttons(rejected) == []

    def test_publishes_and_returns_to_the_signing_when_staff_publish_from_its_page(self, client):
        signing = SigningFactory(submitted=True)
        page = client.get(reverse("admin:declaration_signing_change", args=[signing.pk]))

        response = client.post(object_action_url(signing, "publish_selected"))

        assert f'action="{object_action_url(signing, "publish_selected")}"' in page.text

        assert response.status_code == 302
        assert response["Location"] == reverse(
            "admin:declaration_signing_change", args=[signing.pk]
        )
        assert status_of(signing) == SigningStatus.PUBLISHED

    def test_refuses_to_add_or_delete_when_even_a_superuser_asks(
        self, otp_verified_superuser_client
    ):
        signing = SigningFactory()

        add = otp_verified_superuser_client.get(reverse("admin:declaration_signing_add"))
        delete = otp_verified_superuser_client.post(
            reverse("admin:declaration_signing_delete", args=[signing.pk]), {"post": "yes"}
        )

        assert add.status_code == 403
        assert delete.status_code == 403
        assert Signing.objects.filter(pk=signing.pk).exists()
