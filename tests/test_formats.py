"""Dates and times as the service says them (localdigital/formats.py), and the one template
filter, ``govuk_date``, that every page and email uses: GOV.UK style, in London time."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.conf import settings
from django.template import Context, Template
from django.template.loader import get_template
from django.urls import reverse

from funding.models import ApplicationChange, EoiChange
from tests.funding.factories import ApplicationFactory, EoiFactory

UTC = datetime.UTC
LONDON = ZoneInfo("Europe/London")


def render(template: str, **context: object) -> str:
    return Template(template).render(Context(context))


def at(
    year: int, month: int, day: int, hour: int, minute: int, tz: datetime.tzinfo = UTC
) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=tz)


class TestGovukDateFilter:
    @pytest.mark.parametrize(
        ("moment", "expected"),
        [
            (at(2026, 12, 5, 12, 0), "midday on 5 December 2026"),
            (at(2026, 12, 5, 0, 0), "midnight on 5 December 2026"),
            (at(2026, 12, 5, 17, 0), "5pm on 5 December 2026"),
            (at(2026, 12, 5, 1, 32), "1:32am on 5 December 2026"),
            (at(2026, 12, 5, 12, 30), "12:30pm on 5 December 2026"),
            (at(2026, 12, 5, 0, 5), "12:05am on 5 December 2026"),
        ],
    )
    def test_says_the_time_the_govuk_way(self, moment, expected):
        assert render('{{ moment|govuk_date:"time" }}', moment=moment) == expected

    def test_says_summer_times_in_british_summer_time(self):
        """16:00 UTC in July is 5pm in London (BST)."""
        moment = at(2026, 7, 1, 16, 0)
        assert render('{{ moment|govuk_date:"time" }}', moment=moment) == "5pm on 1 July 2026"

    def test_says_winter_times_in_greenwich_mean_time(self):
        """16:00 UTC in January is 4pm in London (GMT)."""
        moment = at(2026, 1, 15, 16, 0)
        assert render('{{ moment|govuk_date:"time" }}', moment=moment) == "4pm on 15 January 2026"

    def test_the_date_is_londons_date(self):
        """23:30 UTC on 30 June is 12:30am on 1 July in London."""
        moment = at(2026, 6, 30, 23, 30)
        assert render("{{ moment|govuk_date }}", moment=moment) == "1 July 2026"
        assert render('{{ moment|govuk_date:"time" }}', moment=moment) == "12:30am on 1 July 2026"

    def test_a_moment_given_in_another_zone_is_said_in_london(self):
        moment = at(2026, 12, 5, 9, 0, tz=ZoneInfo("America/New_York"))
        assert render('{{ moment|govuk_date:"time" }}', moment=moment) == "2pm on 5 December 2026"

    def test_says_a_date_without_the_weekday_unless_asked(self):
        assert render("{{ day|govuk_date }}", day=datetime.date(2026, 12, 5)) == "5 December 2026"
        assert (
            render('{{ day|govuk_date:"day" }}', day=datetime.date(2026, 12, 5))
            == "Saturday 5 December 2026"
        )
        assert (
            render('{{ moment|govuk_date:"day time" }}', moment=at(2026, 12, 5, 17, 0))
            == "5pm on Saturday 5 December 2026"
        )

    def test_says_nothing_for_no_date(self):
        assert render("[{{ moment|govuk_date }}]", moment=None) == "[]"

    def test_refuses_an_unknown_part(self):
        with pytest.raises(ValueError, match="hour"):
            render('{{ moment|govuk_date:"hour" }}', moment=at(2026, 12, 5, 17, 0))


@pytest.mark.django_db
class TestHistoryPages:
    """The EOI and application history pages said "1:32a.m." while emails said "1:34am"."""

    def test_an_eois_history_says_times_the_govuk_way(self, client):
        eoi = EoiFactory()
        EoiChange.objects.create(
            eoi=eoi,
            changed_by=eoi.created_by,
            changed_at=at(2026, 12, 5, 1, 32, tz=LONDON),
            description="Saved the details",
        )
        client.force_login(eoi.created_by)
        page = client.get(reverse("funding:eoi-detail", args=[eoi.reference])).content.decode()
        assert "1:32am on 5 December 2026: Saved the details" in page
        assert "a.m." not in page

    def test_an_applications_history_says_times_the_govuk_way(self, client):
        application = ApplicationFactory()
        ApplicationChange.objects.create(
            application=application,
            changed_by=application.created_by,
            changed_at=at(2026, 7, 1, 11, 0),
            description="Saved users and their needs",
        )
        client.force_login(application.created_by)
        page = client.get(
            reverse("funding:application-history", args=[application.reference])
        ).content.decode()
        assert "midday on 1 July 2026" in page
        assert "noon" not in page
        assert "a.m." not in page
        assert "p.m." not in page


OTHER_FILTERS = re.compile(
    r"\|\s*(date|time|naturaltime|naturalday|timesince|timeuntil|date_and_time|day)\b"
)


def is_the_projects(path: Path) -> bool:
    return path.is_relative_to(settings.BASE_DIR) and ".venv" not in path.parts


def test_no_template_says_a_date_any_other_way():
    """Django's ``|date`` and ``|time`` write "1:32 a.m." and "13:32"; ``naturaltime`` says
    "2 hours ago". Every template uses ``govuk_date`` instead."""
    roots = [Path(settings.BASE_DIR) / "templates"] + [
        Path(config.path) / "templates"
        for config in apps.get_app_configs()
        if is_the_projects(Path(config.path))
    ]
    found = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}"
        for root in roots
        if root.is_dir()
        for path in sorted(root.rglob("*"))
        if path.suffix in {".html", ".txt"}
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if OTHER_FILTERS.search(line)
    ]
    assert not found, "\n".join(found)


def test_no_template_of_the_admin_or_another_app_says_a_date_any_other_way():
    """Each template of Django's admin (or of any other installed app) that says a date with
    ``|date`` is replaced by the project's own, which the test above checks: the admin's
    history page said "5 Dec 2026, 1:32 a.m."."""
    their_roots = [
        Path(config.path) / "templates"
        for config in apps.get_app_configs()
        if not is_the_projects(Path(config.path))
    ]
    theirs = {
        path.relative_to(root).as_posix()
        for root in their_roots
        if root.is_dir()
        for path in root.rglob("*")
        if path.suffix in {".html", ".txt"} and OTHER_FILTERS.search(path.read_text())
    }
    assert "admin/object_history.html" in theirs  # the scan reads Django's admin
    not_replaced = sorted(
        name for name in theirs if not is_the_projects(Path(get_template(name).origin.name))
    )
    assert not not_replaced, "\n".join(not_replaced)
