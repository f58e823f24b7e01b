"""The Fund's Atom feeds: funded projects (``/funding/projects.atom``) and rounds opening
(``/funding/rounds.atom``), linked from their lists. Only public projects (announced, not
declined) and published rounds are in them."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils.html import escape

from localdigital.feeds import FEED_LENGTH, SiteUrlFeed

from . import formats
from .models import Award, Round
from .selectors import projects as project_selectors
from .selectors import rounds as round_selectors


class FundedProjectsFeed(SiteUrlFeed):
    """The projects funded most recently."""

    url_name = "funding:projects-feed"
    page_url_name = "funding:project-list"
    title = "Projects funded by the Local Digital Fund"
    subtitle = "Projects the Local Digital Fund has funded, newest award first."

    def items(self) -> QuerySet[Award]:
        return project_selectors.projects_with_last_change()[:FEED_LENGTH]

    def item_title(self, item: Award) -> str:
        return item.title

    def item_description(self, item: Award) -> str:
        """Return who leads it, what the round gave and what it does, as HTML."""
        application = item.application
        return escape(
            f"Led by {application.lead_organisation.name}. "
            f"{formats.money(item.amount)} from {application.round.name}, "
            f"awarded on {formats.day(item.awarded_on)}. {item.summary}"
        )

    def item_pubdate(self, item: Award) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Award) -> datetime:
        return item.last_changed  # type: ignore[attr-defined]


class RoundsOpeningFeed(SiteUrlFeed):
    """The Fund's published rounds, latest opening first."""

    url_name = "funding:rounds-feed"
    page_url_name = "funding:round-list"
    title = "Local Digital Fund rounds"
    subtitle = "Rounds of the Local Digital Fund and when they open, latest first."

    def items(self) -> QuerySet[Round]:
        return round_selectors.rounds_by_opening(limit=FEED_LENGTH)

    def item_title(self, item: Round) -> str:
        return item.name

    def item_description(self, item: Round) -> str:
        """Return when it opens and its budget, as HTML."""
        return escape(
            f"{round_selectors.round_opening(item)} Budget: {formats.money(item.budget)}."
        )

    def item_pubdate(self, item: Round) -> datetime:
        return item.opens_at  # type: ignore[attr-defined]

    def item_updateddate(self, item: Round) -> datetime:
        return item.updated_at
