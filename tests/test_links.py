import pytest

from localdigital.links import absolute_url


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://localdigital.gov.uk"


class TestAbsoluteUrl:
    def test_puts_the_named_page_on_the_site_address(self):
        assert absolute_url("declaration:signatories") == "https://localdigital.gov.uk/signatories/"

    def test_takes_the_page_arguments_by_position_or_by_name(self):
        assert absolute_url("declaration:signatory", slug="hackney") == (
            "https://localdigital.gov.uk/signatories/hackney/"
        )
        assert absolute_url("training:offer", 7) == (
            "https://localdigital.gov.uk/account/training/offers/7/"
        )

    def test_adds_the_query_string_encoded(self):
        assert absolute_url("funding:partner-confirm", query={"token": "a b&c"}) == (
            "https://localdigital.gov.uk/funding/partners/confirm/?token=a+b%26c"
        )
