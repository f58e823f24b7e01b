"""The Atom feed of new signatories: ``/signatories.atom``, linked from the list."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils.html import escape

from declaration.models import Signing
from declaration.selectors import public as selectors
from localdigital.feeds import FEED_LENGTH, SiteUrlFeed
from localdigital.formats import calendar_date


class NewSignatoriesFeed(SiteUrlFeed):
    """The organisations that joined the public list of signatories most recently."""

    url_name = "declaration:signatories-feed"
    page_url_name = "declaration:signatories"
    title = "New signatories of the Local Digital Declaration"
    subtitle = "Organisations that have signed the Local Digital Declaration, newest first."

    def items(self) -> QuerySet[Signing]:
        return selectors.signatories_newest(limit=FEED_LENGTH)

    def item_title(self, item: Signing) -> str:
        return item.organisation_name

    def item_description(self, item: Signing) -> str:
        """Return when it signed and its declaration project, as HTML (Atom's summary)."""
        signed = "Signed the Local Digital Declaration"
        if item.signed_on is not None:
            signed += f" on {calendar_date(item.signed_on)}"
        if item.project_title:
            return escape(f"{signed}. Declaration project: {item.project_title}.")
        return escape(f"{signed}.")

    def item_pubdate(self, item: Signing) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Signing) -> datetime:
        if item.organisation is None:
            return item.updated_at
        return max(item.updated_at, item.organisation.updated_at)
