"""What the funding pages share: who is asking, and problems shown as a GOV.UK summary."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from ..errors import RuleProblem


@dataclass(frozen=True)
class ProblemLink:
    """A rule a bid breaks, as the error summary lists it: the message, and where to fix it."""

    message: str
    url: str


def sign_in_url(next_url: str) -> str:
    return f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': next_url})}"


def problem_links(
    problems: list[RuleProblem], *, section_urls: dict[str, str], fallback: str = "#main-content"
) -> list[ProblemLink]:
    """Return each problem with a link to the part of the bid that fixes it."""
    return [
        ProblemLink(message=problem.message, url=section_urls.get(problem.section, fallback))
        for problem in problems
    ]
