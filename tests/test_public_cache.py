"""Public pages for anonymous visitors are cacheable, kept rendered and answered with 304
(localdigital/public_cache.py), and never personal. Each domain's changes are checked to show
at the next request in tests/<domain>/test_public_cache.py."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import MessageEncoder
from django.contrib.messages.storage.session import SessionStorage
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from localdigital.public_cache import content_changed, kept_for_versions, public_page
from tests.accounts.factories import UserFactory
from tests.declaration.factories import OrganisationFactory, SigningFactory

pytestmark = pytest.mark.django_db

PUBLIC_PATHS = (
    "/",
    "/declaration/",
    "/signatories/",
    "/signatories/open-data/",
    "/funding/",
    "/funding/projects/",
    "/funding/open-data/",
    "/training/",
)


def signatory(name: str) -> None:
    slug = name.lower().replace(" ", "-")
    SigningFactory.create(organisation=OrganisationFactory.create(name=name, slug=slug))


def signed_in_client() -> Client:
    client = Client()
    client.force_login(UserFactory.create(full_name="Ada Lovelace"))
    return client


class TestHeaders:
    @pytest.mark.parametrize("path", PUBLIC_PATHS)
    def test_a_public_page_is_cacheable_with_an_etag_and_sets_no_cookie(self, client, path):
        response = client.get(path)

        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=60"
        assert response["ETag"].startswith('"')
        assert "Cookie" in response["Vary"]
        assert not response.cookies
        assert b"csrfmiddlewaretoken" not in response.content

    def test_max_age_comes_from_the_setting(self, client, settings):
        settings.PUBLIC_CACHE_MAX_AGE = 17

        assert client.get("/signatories/")["Cache-Control"] == "public, max-age=17"

    def test_head_answers_with_the_headers_of_get_and_no_body(self, client):
        got = client.get("/signatories/")
        head = client.head("/signatories/")

        assert head.status_code == 200
        assert head.content == b""
        assert head["ETag"] == got["ETag"]
        assert head["Cache-Control"] == got["Cache-Control"]


class TestKeptRendered:
    def test_a_second_request_is_served_without_a_query(self, client, django_assert_num_queries):
        signatory("Borsetshire County Council")
        first = client.get("/signatories/")

        with django_assert_num_queries(0):
            second = client.get("/signatories/")

        assert second.status_code == 200
        assert second.content == first.content
        assert second["ETag"] == first["ETag"]
        assert "Borsetshire County Council" in second.content.decode()

    def test_a_matching_if_none_match_is_answered_304_without_a_query(
        self, client, django_assert_num_queries
    ):
        etag = client.get("/")["ETag"]

        with django_assert_num_queries(0):
            response = client.get("/", headers={"If-None-Match": etag})

        assert response.status_code == 304
        assert response.content == b""
        assert response["ETag"] == etag
        assert response["Cache-Control"] == "public, max-age=60"

    def test_an_old_etag_gets_the_page(self, client):
        response = client.get("/", headers={"If-None-Match": '"not-this-one"'})

        assert response.status_code == 200
        assert b"Local Digital" in response.content

    def test_nothing_is_kept_when_max_age_is_0(self, client, settings, django_assert_num_queries):
        settings.PUBLIC_CACHE_MAX_AGE = 0
        client.get("/signatories/")
        signatory("Borsetshire County Council")

        assert "Borsetshire County Council" in client.get("/signatories/").content.decode()

    def test_a_change_shows_only_once_its_transaction_commits(
        self, client, django_capture_on_commit_callbacks
    ):
        client.get("/signatories/")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            signatory("Borsetshire County Council")
            content_changed("declaration")
            # Not committed: the page kept is still the one served.
            assert "Borsetshire" not in client.get("/signatories/").content.decode()
        for callback in callbacks:
            callback()

        assert "Borsetshire County Council" in client.get("/signatories/").content.decode()

    def test_a_change_to_one_area_leaves_the_others_pages_kept(
        self, client, django_assert_num_queries, django_capture_on_commit_callbacks
    ):
        client.get("/training/")
        client.get("/signatories/")
        with django_capture_on_commit_callbacks(execute=True):
            content_changed("declaration")

        with django_assert_num_queries(0):
            client.get("/training/")
        with CaptureQueriesContext(connection) as rendering:
            client.get("/signatories/")
        assert len(rendering) > 0  # rendered again


class TestQueryString:
    def test_the_order_of_parameters_and_empty_or_unknown_ones_make_no_new_page(
        self, client, django_assert_num_queries
    ):
        first = client.get("/signatories/?type=LBO&q=hack")

        with django_assert_num_queries(0):
            again = client.get("/signatories/?q=hack&region=&type=LBO&utm_source=slack")

        assert again.content == first.content

    def test_a_parameter_the_page_does_not_read_never_reaches_the_page(self, client):
        """The sign-in link comes back to the page: without the stray parameter."""
        page = client.get("/signatories/?q=hack&utm_source=slack").content.decode()

        assert "utm_source" not in page
        assert "next=%2Fsignatories%2F%3Fq%3Dhack" in page

    def test_a_different_search_is_a_different_page(self, client):
        signatory("Borsetshire County Council")
        signatory("Ambridge District Council")

        client.get("/signatories/?q=borsetshire")
        found = client.get("/signatories/?q=ambridge").content.decode()

        assert "Ambridge District Council" in found
        assert "Borsetshire County Council" not in found


class TestNeverPersonal:
    def test_a_signed_in_person_is_never_served_the_anonymous_page(self, client):
        anonymous = client.get("/")
        person = signed_in_client()

        response = person.get("/", headers={"If-None-Match": anonymous["ETag"]})

        assert response.status_code == 200
        page = response.content.decode()
        assert "Your account" in page and "Sign out" in page
        for directive in ("no-cache", "no-store", "private"):
            assert directive in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]

    def test_a_signed_in_persons_page_is_never_kept_for_anyone_else(self, client):
        signed_in_client().get("/")

        page = client.get("/").content.decode()

        assert "Sign in" in page
        assert "Sign out" not in page and "Your account" not in page
        assert "csrfmiddlewaretoken" not in page

    def test_a_message_waiting_for_an_anonymous_visitor_is_shown_to_them_alone(self, client):
        """A message queued for an anonymous visitor (after a form, say) is shown on the
        next page they open, kept private, and never kept for anyone else."""
        client.get("/signatories/")  # kept before the message
        session = client.session
        session[SessionStorage.session_key] = MessageEncoder().encode(
            [Message(constants.SUCCESS, "You have subscribed to the newsletter")]
        )
        session.save()
        client.cookies["sessionid"] = session.session_key

        shown = client.get("/signatories/")

        assert "You have subscribed to the newsletter" in shown.content.decode()
        assert "no-store" in shown["Cache-Control"]
        assert "public" not in shown["Cache-Control"]
        later = Client().get("/signatories/").content.decode()
        assert "You have subscribed" not in later
        # Shown once: the next page of theirs has no message, and comes from the cache.
        assert "You have subscribed" not in client.get("/signatories/").content.decode()

    def test_an_empty_session_still_gets_the_kept_page(self, client, django_assert_num_queries):
        """A session cookie with nothing behind it (expired, say) is anonymous."""
        etag = Client().get("/signatories/")["ETag"]
        client.cookies["sessionid"] = "expired-or-unknown"

        response = client.get("/signatories/", headers={"If-None-Match": etag})

        assert response.status_code == 304


def _render_count_view(
    body: Callable[[HttpRequest], HttpResponse],
) -> tuple[Callable[[HttpRequest], HttpResponse], list[int]]:
    calls: list[int] = []

    @public_page()
    def view(request: HttpRequest) -> HttpResponse:
        calls.append(1)
        return body(request)

    return view, calls


class TestWhatIsNeverKept:
    def request(self) -> HttpRequest:
        return RequestFactory().get("/a-public-page/")

    def test_a_page_with_a_csrf_token_is_not_kept(self):
        view, calls = _render_count_view(
            lambda request: HttpResponse(f'<input value="{get_token(request)}">')
        )

        first = view(self.request())
        view(self.request())

        assert len(calls) == 2
        assert "public" not in first.get("Cache-Control", "")

    def test_a_page_that_sets_a_cookie_is_not_kept(self):
        def with_cookie(request: HttpRequest) -> HttpResponse:
            response = HttpResponse("hello")
            response.set_cookie("seen", "yes")
            return response

        view, calls = _render_count_view(with_cookie)

        view(self.request())
        view(self.request())

        assert len(calls) == 2

    def test_an_error_is_not_kept(self):
        view, calls = _render_count_view(lambda request: HttpResponse("busy", status=503))

        view(self.request())
        view(self.request())

        assert len(calls) == 2

    def test_a_plain_page_is_kept(self):
        view, calls = _render_count_view(lambda request: HttpResponse("hello"))

        view(self.request())
        response = view(self.request())

        assert len(calls) == 1
        assert response.content == b"hello"


class TestKeptForVersions:
    def test_a_value_is_computed_again_only_when_its_areas_change(
        self, django_capture_on_commit_callbacks
    ):
        computed: list[int] = []

        def compute() -> int:
            computed.append(1)
            return len(computed)

        def kept() -> int:
            return kept_for_versions("declaration", name="test.value", compute=compute)

        assert (kept(), kept()) == (1, 1)
        with django_capture_on_commit_callbacks(execute=True):
            content_changed("training")
        assert kept() == 1
        with django_capture_on_commit_callbacks(execute=True):
            content_changed("declaration")
        assert (kept(), kept()) == (2, 2)

    def test_nothing_is_kept_when_max_age_is_0(self, settings):
        settings.PUBLIC_CACHE_MAX_AGE = 0
        computed: list[int] = []

        for _ in range(2):
            kept_for_versions("declaration", name="test.value", compute=lambda: computed.append(1))

        assert len(computed) == 2
