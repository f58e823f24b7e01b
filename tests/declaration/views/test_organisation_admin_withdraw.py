"""Withdrawing an organisation from the Declaration, from the organisation admin's pages."""

from __future__ import annotations

import pytest

from declaration.models import SigningStatus
from declaration.selectors import organisation_admin as selectors
from tests.declaration.factories import SigningFactory
from tests.declaration.support import assert_error_summary, organisation_admin_url, text_of

pytestmark = pytest.mark.django_db


class TestWithdraw:
    @pytest.fixture
    def signing(self, organisation):
        return SigningFactory(organisation=organisation, reference="LDD-7K3Q9M")

    def test_warns_what_withdrawing_means(self, admin_client, signing):
        response = admin_client.get(organisation_admin_url("withdraw"))

        assert response.status_code == 200
        page = text_of(response)
        assert "Warning Borsetshire County Council will stop being a signatory" in page
        assert "it leaves the public list of signatories" in page
        assert "its commitments under the Declaration end" in page
        assert "LDD-7K3Q9M" in page

    def test_finds_nothing_to_withdraw_when_the_organisation_has_not_signed(
        self, admin_client, organisation
    ):
        SigningFactory(organisation=organisation, submitted=True)

        assert admin_client.get(organisation_admin_url("withdraw")).status_code == 404

    @pytest.mark.parametrize("reason", ["", "   \n  "])
    def test_asks_for_a_reason_when_none_is_given(self, admin_client, signing, reason):
        response = admin_client.post(organisation_admin_url("withdraw"), {"reason": reason})

        assert_error_summary(
            response, "Enter why your organisation is withdrawing from the Declaration"
        )
        signing.refresh_from_db()
        assert signing.status == SigningStatus.PUBLISHED

    def test_refuses_a_reason_that_is_too_long_and_keeps_it(self, admin_client, signing):
        reason = "We are merging. " * 200

        response = admin_client.post(organisation_admin_url("withdraw"), {"reason": reason})

        assert_error_summary(response, "The reason must be 2,000 characters or fewer")
        assert "We are merging. We are merging." in response.content.decode()
        signing.refresh_from_db()
        assert signing.status == SigningStatus.PUBLISHED

    def test_withdraws_and_confirms_when_a_reason_is_given(self, admin_client, admin, signing):
        response = admin_client.post(
            organisation_admin_url("withdraw"),
            {"reason": "We are merging with Felpersham."},
            follow=True,
        )

        assert response.redirect_chain == [(organisation_admin_url("withdrawn"), 302)]
        signing.refresh_from_db()
        assert signing.status == SigningStatus.WITHDRAWN
        assert signing.withdrawn_by == admin.user
        assert signing.withdrawal_reason == "We are merging with Felpersham."
        page = text_of(response)
        assert "Borsetshire County Council has withdrawn from the Declaration" in page
        assert "Reference LDD-7K3Q9M" in page

    def test_explains_when_the_signing_was_unpublished_meanwhile(
        self, admin_client, signing, monkeypatch
    ):
        """Staff took it off the list between the warning page and the press of the button."""
        stale = type(signing).objects.get(pk=signing.pk)
        type(signing).objects.filter(pk=signing.pk).update(
            status=SigningStatus.UNPUBLISHED, unpublish_reason="Asked to."
        )
        monkeypatch.setattr(selectors, "signing_published_get", lambda **kwargs: stale)

        response = admin_client.post(
            organisation_admin_url("withdraw"), {"reason": "We are merging."}
        )

        assert_error_summary(
            response,
            "Borsetshire County Council is no longer on the list of signatories, "
            "so there is nothing to withdraw",
        )
        assert "We are merging." in response.content.decode()

    def test_confirmation_finds_nothing_before_a_withdrawal(self, admin_client, signing):
        assert admin_client.get(organisation_admin_url("withdrawn")).status_code == 404
