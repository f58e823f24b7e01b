"""Every link in every email points at the web server, whichever process renders the email.

``make run`` starts the web server, a Celery worker and beat under honcho, which gives each
process a ``PORT`` of its own (8765, 8865 and 8965 when the web's is 8765). Emails are
rendered in all three: a sign-in link in the web server, a newsletter in the worker, a
reminder in beat. So each process is started here as ``make run`` starts it (the
Makefile's exported variables, and the environment honcho's own code gives that process of
``localdigital/Procfile.dev``), and renders every kind of email the service sends
(``tests/mail/email_catalogue.py``). Every link in each email, in its text, its HTML and its
headers, must be a page of the site (Django's ``resolve()`` finds it) at the host and port the
web server listens on.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from email import message_from_string, policy
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from tests.fixtures.worker import worker_database_url
from tests.mail.email_catalogue import EXTERNAL_LINKS, LINK

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
# The port ``make run PORT=…`` is asked for; honcho counts the others from it.
WEB_PORT = 8765

# Stands in for honcho in ``make run``: it works out, with honcho's own code as ``honcho
# start`` does, the environment of each process of the Procfile, and writes them down
# instead of starting them.
FAKE_HONCHO = """\
import json
import os
import sys

from honcho import command, environ

args = command.parser.parse_args(sys.argv[1:])
assert args.command == "start", args
env = command.Env(command.map_from(args))
processes = environ.expand_processes(
    command._procfile(env).processes,
    env=command._read_env(args.app_root, args.env),
    port=command._port(env),
)
with open(os.environ["HONCHO_ENVIRONMENTS"], "w") as out:
    json.dump(
        {process.name.split(".")[0]: {**os.environ, **process.env} for process in processes},
        out,
    )
"""


@pytest.fixture(scope="module")
def process_environments(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Return the environment ``make run PORT=8765`` gives each process, by its Procfile name.

    Make starts from a bare environment, as in a new terminal: only ``PATH`` and ``HOME``.
    """
    folder = tmp_path_factory.mktemp("make-run")
    bin_folder = folder / "bin"
    bin_folder.mkdir()
    honcho = bin_folder / "honcho"
    honcho.write_text(f"#!{sys.executable}\n{FAKE_HONCHO}")
    honcho.chmod(0o755)
    environments = folder / "environments.json"
    subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-o",
            "setup",
            "run",
            f"PORT={WEB_PORT}",
            f"BIN={bin_folder}",
        ],
        cwd=REPO,
        env={
            "PATH": os.environ["PATH"],
            "HOME": os.environ.get("HOME", str(folder)),
            "HONCHO_ENVIRONMENTS": str(environments),
        },
        check=True,
        capture_output=True,
        timeout=60,
    )
    return json.loads(environments.read_text())


def web_address(environments: dict[str, dict[str, str]]) -> str:
    """Return where the web server listens: runserver on $HOST:$PORT, as the Procfile says."""
    procfile = (REPO / "localdigital" / "Procfile.dev").read_text()
    assert "runserver --noreload $HOST:$PORT" in procfile
    web = environments["web"]
    return f"http://{web['HOST']}:{web['PORT']}"


def render_emails_in(environment: dict[str, str]) -> dict:
    """Render every kind of email in a process with ``environment``, as the catalogue does,
    against the test database; return what it printed."""
    completed = subprocess.run(
        [sys.executable, "-m", "tests.mail.email_catalogue"],
        cwd=REPO,
        env={**environment, "DATABASE_URL": worker_database_url()},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


class HtmlLinks(HTMLParser):
    """Collect the addresses an HTML body links to or loads, and those in its words."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.links += [value for name, value in attrs if name in ("href", "src") and value]

    def handle_data(self, data: str) -> None:
        self.links += LINK.findall(data)


def links_in(message: EmailMessage) -> list[tuple[str, str]]:
    """Return (where, address) for every link in a message: headers, text and HTML."""
    found = [
        (f"header {name}", link)
        for name, value in message.items()
        for link in LINK.findall(str(value))
    ]
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            found += [("text", link.rstrip(".,;:")) for link in LINK.findall(part.get_content())]
        elif part.get_content_type() == "text/html":
            parser = HtmlLinks()
            parser.feed(part.get_content())
            found += [("HTML", link) for link in parser.links]
    return found


def email_templates() -> set[str]:
    """Return every email template of the service, by the name the loader gives it."""
    root = REPO / "templates"
    return {
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and path.parent.name == "email"
    }


def test_make_run_gives_every_process_the_web_server_address_as_site_url(process_environments):
    """One SITE_URL, the web server's, exported by the Makefile to all three processes."""
    assert set(process_environments) == {"web", "worker", "beat"}
    ports = {name: env["PORT"] for name, env in process_environments.items()}
    assert ports == {"web": "8765", "worker": "8865", "beat": "8965"}
    address = web_address(process_environments)
    assert {env.get("SITE_URL") for env in process_environments.values()} == {address}


@pytest.mark.parametrize("process", ["web", "worker", "beat"])
def test_every_link_in_every_email_points_at_the_web_server(process, process_environments):
    address = web_address(process_environments)
    rendered = render_emails_in(process_environments[process])

    covered = {name for scenario in rendered["scenarios"] for name in scenario["templates"]}
    assert email_templates() - covered == set(), "email templates that no scenario renders"
    problems = []
    checked = 0
    for scenario in rendered["scenarios"]:
        assert scenario["emails"], f"{scenario['scenario']} sent no email"
        for email in scenario["emails"]:
            message = message_from_string(email["message"], policy=policy.default)
            assert isinstance(message, EmailMessage)
            for where, link in links_in(message):
                if link in EXTERNAL_LINKS:
                    continue
                checked += 1
                parts = urlsplit(link)
                about = f"{scenario['scenario']}, {email['subject']!r}, {where}: {link}"
                if f"{parts.scheme}://{parts.netloc}" != address:
                    problems.append(f"{about} is not on {address}")
                    continue
                try:
                    resolve(parts.path)
                except Resolver404:
                    problems.append(f"{about} is no page of the site")
    assert problems == []
    assert rendered["site_url"] == address
    # Every scenario's links were read: a parser that found none would pass the loop above.
    assert checked >= 60
