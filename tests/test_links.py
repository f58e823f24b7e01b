import pytest

from localdigital.links import absolute_url, link_on_site
from tests.funding.factories import AwardFactory, RoundFactory, SignatoryFactory
from tests.training.factories import CourseFactory


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


class TestLinkOnSite:
    @pytest.mark.parametrize(
        ("url", "expected"),
        [
            ("/signatories/", "https://localdigital.gov.uk/signatories/"),
            ("signatories/", "https://localdigital.gov.uk/signatories/"),
            ("#principles", "https://localdigital.gov.uk/#principles"),
            ("https://www.gov.uk/", "https://www.gov.uk/"),
            ("mailto:team@localdigital.gov.uk", "mailto:team@localdigital.gov.uk"),
            ("//www.gov.uk/", "https://www.gov.uk/"),
        ],
    )
    def test_resolves_relative_addresses_against_the_site(self, url, expected):
        assert link_on_site(url) == expected


# Each kind of object with a public page: how to make one, and its page's address and heading.
PUBLIC_OBJECTS = {
    "signatory": (
        lambda: SignatoryFactory(name="Borsetshire County Council", slug="borsetshire"),
        "/signatories/borsetshire/",
        "Borsetshire County Council",
    ),
    "round": (
        lambda: RoundFactory(name="Round 3", slug="round-3"),
        "/funding/rounds/round-3/",
        "Round 3",
    ),
    "funded project": (
        lambda: AwardFactory(title="Missed bins", slug="missed-bins"),
        "/funding/projects/missed-bins/",
        "Missed bins",
    ),
    "course": (
        lambda: CourseFactory(title="Agile for councils", slug="agile-for-councils"),
        "/training/agile-for-councils/",
        "Agile for councils",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "path", "heading"), PUBLIC_OBJECTS.values(), ids=PUBLIC_OBJECTS.keys()
)
def test_an_object_with_a_public_page_gives_its_address(make, path, heading, client):
    """A signatory, a round, a funded project and a course each know their public page
    (``get_absolute_url``), at the address of the URL contract, and it opens for anyone."""
    thing = make()

    assert thing.get_absolute_url() == path
    response = client.get(path)
    assert response.status_code == 200
    assert heading in response.content.decode()
