"""Request ids and the log lines that carry them (localdigital/request_id.py, logs.py).

The log lines are read as production writes them: logging is configured with production's
JSON configuration, its handler writing to the captured standard error.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import logging.config
import re
import time
from collections.abc import Callable, Iterator

import pytest
import redis
from django.db import OperationalError, transaction
from django.http import HttpRequest, HttpResponse
from django.urls import path

from localdigital import urls as service_urls
from localdigital.celery import app as celery_app
from localdigital.mail.services import email_queue
from localdigital.mail.tasks import send_email
from localdigital.queueing import enqueue_on_commit
from localdigital.settings.logging_config import logging_config
from tests.accounts.factories import UserFactory
from tests.support.concurrency import wait_until

pytestmark = pytest.mark.django_db

EMAIL = "officer@borsetshire.gov.uk"


# --- Views for these tests alone (pytest.mark.urls) -------------------------------------------


def crash(request: HttpRequest) -> HttpResponse:
    # The database going away is the failure the error page must survive.
    raise OperationalError(f"connection to server failed for {EMAIL}")


def queue_a_task(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        enqueue_on_commit(send_email, 0)
    return HttpResponse("queued")


def queue_an_email(request: HttpRequest) -> HttpResponse:
    with transaction.atomic():
        email_queue(
            to=EMAIL,
            subject="Your sign-in link",
            body="Sign in to Local Digital.",
            idempotency_key=f"tests.request_id.{time.monotonic_ns()}",
        )
    return HttpResponse("queued")


@celery_app.task(name="tests.test_request_id.fail_for_a_person")
def fail_for_a_person() -> None:
    raise RuntimeError(f"No organisation for {EMAIL}")


urlpatterns = [
    path("crash/", crash),
    path("queue-a-task/", queue_a_task),
    path("queue-an-email/", queue_an_email),
    *service_urls.urlpatterns,
]
handler500 = "localdigital.pages.views.server_error"
uses_these_views = pytest.mark.urls(__name__)


# --- Reading production's log lines -------------------------------------------------------------

LogLines = Callable[[], list[dict]]


@pytest.fixture
def production_logs() -> Iterator[LogLines]:
    """Log as production does, to a buffer; return a reader of the lines written so far.

    The loggers production's configuration touches are put back as they were afterwards.
    """
    config = logging_config(level="INFO", json=True)
    buffer = io.StringIO()
    config["handlers"]["console"]["stream"] = buffer
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in config["loggers"])]
    saved = [(lg, lg.level, lg.handlers[:], lg.propagate, lg.disabled) for lg in loggers]
    logging.config.dictConfig(config)
    try:
        yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    finally:
        for lg, level, handlers, propagate, disabled in saved:
            lg.setLevel(level)
            lg.handlers[:] = handlers
            lg.propagate, lg.disabled = propagate, disabled


def raw_lines(capsys_lines: list[dict]) -> str:
    return "\n".join(json.dumps(line) for line in capsys_lines)


class TestRequestId:
    def test_every_response_carries_a_new_request_id(self, client):
        first = client.get("/").headers["X-Request-Id"]
        second = client.get("/").headers["X-Request-Id"]
        assert re.fullmatch(r"[0-9a-f]{32}", first)
        assert first != second

    def test_ignores_an_id_the_visitor_sends_when_no_proxy_is_trusted(self, client, settings):
        """Anyone can send X-Request-Id; without a trusted proxy it would be theirs to choose."""
        settings.TRUST_REQUEST_ID_HEADER = False
        response = client.get("/", headers={"X-Request-Id": "chosen-by-the-visitor"})
        assert response.headers["X-Request-Id"] != "chosen-by-the-visitor"

    def test_takes_the_trusted_proxy_s_id(self, client, settings):
        settings.TRUST_REQUEST_ID_HEADER = True
        for given in ("1-67891233-abcdef012345678912345678", "lb-7f3a.9c21:0042", "x" * 128):
            response = client.get("/", headers={"X-Request-Id": given})
            assert response.headers["X-Request-Id"] == given

    @pytest.mark.parametrize(
        "given",
        ["", "two words", "x" * 129, "<script>", "id\r\nSet-Cookie: a=b", "-starts-with-a-dash"],
    )
    def test_makes_a_new_id_when_the_trusted_header_does_not_look_like_one(
        self, client, settings, given
    ):
        settings.TRUST_REQUEST_ID_HEADER = True
        response = client.get("/", headers={"X-Request-Id": given})
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])


class TestRequestLine:
    def test_one_line_per_request_with_path_status_duration_and_user_id(
        self, client, production_logs
    ):
        """The line has the path without its query string and the user's id, no email."""
        user = UserFactory(email=EMAIL)
        client.force_login(user)
        response = client.get(
            "/account/?token=sign-in-secret", headers={"referer": "/?token=referer-secret"}
        )
        assert response.status_code == 200
        lines = [line for line in production_logs() if line["logger"] == "localdigital.request"]
        assert len(lines) == 1
        line = lines[0]
        assert line["request_id"] == response.headers["X-Request-Id"]
        assert (line["level"], line["method"], line["path"], line["status"]) == (
            "INFO",
            "GET",
            "/account/",
            200,
        )
        assert line["user_id"] == user.pk
        assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+\+00:00", line["time"])
        written = raw_lines(production_logs())
        assert EMAIL not in written
        assert "secret" not in written

    def test_an_anonymous_request_has_no_user_id(self, client, production_logs):
        response = client.get("/")
        [line] = [line for line in production_logs() if line["logger"] == "localdigital.request"]
        assert line["request_id"] == response.headers["X-Request-Id"]
        assert line["user_id"] is None


@uses_these_views
class TestServerError:
    def test_a_crashing_view_writes_one_error_line_and_shows_its_id_on_the_500_page(
        self, client, production_logs, django_assert_num_queries
    ):
        """The reference on the page finds the one line, with the traceback, in the logs."""
        client.raise_request_exception = False
        with django_assert_num_queries(0):
            response = client.get("/crash/")
        assert response.status_code == 500
        reference = response.headers["X-Request-Id"]
        assert "quote this reference: <strong" in response.text
        assert f">{reference}</strong>" in response.text
        lines = production_logs()
        errors = [line for line in lines if line["level"] == "ERROR"]
        assert len(errors) == 1, lines
        [error] = errors
        assert [line for line in lines if line.get("request_id") == reference] == [error]
        assert error["request_id"] == reference
        assert (error["logger"], error["path"], error["status"]) == (
            "localdigital.request",
            "/crash/",
            500,
        )
        assert "OperationalError: connection to server failed" in error["exc_info"]
        assert EMAIL not in raw_lines(lines)
        assert "[email]" in error["exc_info"]

    def test_the_500_page_gives_the_reference_even_when_it_cannot_render_itself(
        self, client, production_logs, monkeypatch
    ):
        """A broken template or a missing static file still leaves the person a reference."""

        def broken(*args, **kwargs):
            raise ValueError("Missing staticfiles manifest entry for 'application.css'")

        monkeypatch.setattr("django.template.loader.get_template", broken)
        client.raise_request_exception = False
        response = client.get("/crash/")
        assert response.status_code == 500
        reference = response.headers["X-Request-Id"]
        assert f"quote this reference: <strong>{reference}</strong>" in response.text
        [error] = [line for line in production_logs() if line["level"] == "ERROR"]
        assert error["request_id"] == reference

    def test_the_admins_are_emailed_the_traceback(self, client, settings, mailoutbox):
        """Leaving Django's repeated log line out of the logs leaves its email to ADMINS."""
        settings.ADMINS = [("Local Digital operations", "ops@example.gov.uk")]
        settings.SERVER_EMAIL = "errors@example.gov.uk"
        client.raise_request_exception = False
        client.get("/crash/")
        [message] = mailoutbox
        assert message.to == ["ops@example.gov.uk"]
        assert message.from_email == "errors@example.gov.uk"
        assert message.subject.startswith("[Local Digital] ERROR")
        assert "Internal Server Error: /crash/" in message.subject
        assert "OperationalError" in message.body

    def test_the_500_page_without_a_request_id_has_no_reference(self):
        from django.test import RequestFactory

        from localdigital.pages.views import server_error

        response = server_error(RequestFactory().get("/"))
        assert "quote this reference" not in response.content.decode()


@uses_these_views
class TestTasksCarryTheRequestId:
    def test_a_task_queued_by_a_request_carries_its_id_to_the_broker(
        self, client, celery_broker, transactional_db
    ):
        response = client.get("/queue-a-task/")
        assert response.status_code == 200
        with redis.Redis.from_url(celery_broker.url) as connection:
            messages = [json.loads(raw) for raw in connection.lrange(celery_broker.queue, 0, -1)]
        assert len(messages) == 1
        [message] = messages
        assert message["headers"]["task"] == "localdigital.mail.tasks.send_email"
        assert message["headers"]["request_id"] == response.headers["X-Request-Id"]
        assert json.loads(base64.b64decode(message["body"]))[0] == [0]

    def test_a_task_run_at_once_logs_its_line_with_the_request_s_id(
        self, client, production_logs, transactional_db
    ):
        """Unit tests run tasks eagerly, when the request's transaction commits: the task's
        line has the request's id."""
        response = client.get("/queue-an-email/")
        tasks = [line for line in production_logs() if line["logger"] == "localdigital.task"]
        assert len(tasks) == 1
        [task] = tasks
        assert task["task"] == "localdigital.mail.tasks.send_email"
        assert task["state"] == "SUCCESS"
        assert task["request_id"] == response.headers["X-Request-Id"]
        assert task["task_id"]

    def test_a_failing_task_writes_one_error_line_with_its_traceback(self, production_logs):
        with pytest.raises(RuntimeError):
            fail_for_a_person.delay()
        lines = production_logs()
        assert [line["logger"] for line in lines] == ["localdigital.task"], lines
        [line] = lines
        assert (line["level"], line["task"], line["state"]) == (
            "ERROR",
            "tests.test_request_id.fail_for_a_person",
            "FAILURE",
        )
        assert "RuntimeError: No organisation for [email]" in line["exc_info"]
        assert line["request_id"] is None
        assert EMAIL not in raw_lines(lines)

    @pytest.mark.worker
    def test_a_worker_logs_the_task_s_line_with_the_request_s_id(
        self, client, start_worker, smtp_sink
    ):
        """A real worker, logging as production does, writes the request id it was sent."""
        worker = start_worker(env={"LOG_JSON": "True"})
        response = client.get("/queue-an-email/")
        reference = response.headers["X-Request-Id"]

        def task_lines() -> list[dict]:
            return [
                json.loads(line)
                for line in worker.log_path.read_text(errors="replace").splitlines()
                if line.startswith("{") and '"localdigital.task"' in line
            ]

        assert wait_until(lambda: bool(task_lines()), timeout=30), worker.log()
        [line] = task_lines()
        assert line["task"] == "localdigital.mail.tasks.send_email"
        assert line["state"] == "SUCCESS"
        assert line["request_id"] == reference
        assert line["task_id"]
        assert smtp_sink.count() == 1
        assert EMAIL not in worker.log_path.read_text(errors="replace")
