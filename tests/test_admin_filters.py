"""The list filters every domain's admin shares (localdigital/admin_filters.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.declaration.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

ORGANISATIONS = reverse("admin:declaration_organisation_changelist")


class TestNamedChoicesFilter:
    """A filter of a few named choices: each narrows the list; anything else leaves it whole."""

    @pytest.fixture
    def organisations(self):
        return OrganisationFactory(name="Open council"), OrganisationFactory(
            name="Closed council", closed=True
        )

    def listed(self, client, query: str) -> set[str]:
        response = client.get(f"{ORGANISATIONS}?{query}")
        assert response.status_code == 200
        return {organisation.name for organisation in response.context["cl"].result_list}

    def test_offers_its_choices_in_its_words(self, otp_verified_superuser_client, organisations):
        response = otp_verified_superuser_client.get(ORGANISATIONS)

        assert ">Open</a>" in response.text
        assert ">Closed</a>" in response.text

    @pytest.mark.parametrize(
        ("query", "names"),
        [
            ("status=open", {"Open council"}),
            ("status=closed", {"Closed council"}),
            ("status=nonsense", {"Open council", "Closed council"}),
            ("", {"Open council", "Closed council"}),
        ],
    )
    def test_each_choice_narrows_the_list(
        self, otp_verified_superuser_client, organisations, query, names
    ):
        listed = self.listed(otp_verified_superuser_client, query)

        assert listed & {"Open council", "Closed council"} == names
