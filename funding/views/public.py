"""The Fund's public pages: the rounds with the Fund's figures, and each round's timeline,
rules and questions."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from localdigital.public_cache import public_page

from ..selectors import rounds as selectors
from ..selectors.statistics import funding_statistics


@public_page("funding")
@require_safe
def round_list(request: HttpRequest) -> HttpResponse:
    """List every published round, open ones first, with its status and next date, and the
    Fund's figures: projects funded, the total awarded, the councils taking part, and a
    chart (with a table of the same figures) of funding by round."""
    return render(
        request,
        "funding/public/round_list.html",
        {"rounds": selectors.rounds_public(), "statistics": funding_statistics()},
    )


@public_page("funding")
@require_safe
def round_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a round: its timeline, rules, phases, criteria and published questions."""
    detail = selectors.round_get_public(slug=slug)
    if detail is None:
        raise Http404("No such round.")
    return render(
        request,
        "funding/public/round_detail.html",
        {
            "detail": detail,
            "round": detail.round,
            "eoi_start_url": reverse("funding:eoi-start", args=[slug]),
            "application_start_url": reverse("funding:application-start", args=[slug]),
        },
    )
