"""The sitemap's sections: the service's own public pages, and every domain's public pages
(signatories, rounds, funded projects, courses), each read through its domain's
selectors. Only what the public may see is listed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from declaration.models import Signing
from declaration.selectors import public as declaration_public
from funding.models import Award, Round
from funding.selectors import projects as funding_projects
from funding.selectors import rounds as funding_rounds
from localdigital.sitemaps import SiteUrlSitemap
from training import selectors as training_selectors
from training.models import Course

# The pages that are the same for everyone and have no object behind them.
STATIC_PAGES = (
    "pages:home",
    "declaration:declaration",
    "declaration:signatories",
    "declaration:open-data",
    "funding:round-list",
    "funding:project-list",
    "funding:open-data",
    "training:course-list",
    "newsletter:subscribe",
    "pages:accessibility",
    "pages:privacy",
    "pages:cookies",
)


class StaticPagesSitemap(SiteUrlSitemap):
    def items(self) -> tuple[str, ...]:
        return STATIC_PAGES

    def location(self, item: Any) -> str:
        return reverse(item)


class SignatoriesSitemap(SiteUrlSitemap):
    def items(self) -> QuerySet[Signing]:
        return declaration_public.signatories_with_last_change()

    def lastmod(self, item: Signing) -> datetime:
        return item.last_changed  # type: ignore[attr-defined]


class RoundsSitemap(SiteUrlSitemap):
    def items(self) -> QuerySet[Round]:
        return funding_rounds.rounds_published()

    def lastmod(self, item: Round) -> datetime:
        return item.updated_at


class FundedProjectsSitemap(SiteUrlSitemap):
    def items(self) -> QuerySet[Award]:
        return funding_projects.projects_with_last_change()

    def lastmod(self, item: Award) -> datetime:
        return item.last_changed  # type: ignore[attr-defined]


class CoursesSitemap(SiteUrlSitemap):
    def items(self) -> QuerySet[Course]:
        return training_selectors.courses_published()


SITEMAPS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "pages": StaticPagesSitemap,
    "signatories": SignatoriesSitemap,
    "rounds": RoundsSitemap,
    "projects": FundedProjectsSitemap,
    "courses": CoursesSitemap,
}
