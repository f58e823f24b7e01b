"""The public training pages: ``/training/`` with the programme's figures and every course
with its upcoming cohorts, and a course's own page. Each makes the same number of queries
however many courses and cohorts there are."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from localdigital.markdown import markdown_to_html
from localdigital.public_cache import public_page

from .. import selectors


@public_page("training")
@require_safe
def course_list(request: HttpRequest) -> HttpResponse:
    """Show the programme's figures, and the courses with their upcoming cohorts."""
    return render(
        request,
        "training/course_list.html",
        {
            "courses": selectors.courses_with_upcoming_cohorts(now=timezone.now()),
            "figures": selectors.training_figures(),
        },
    )


@public_page("training")
@require_safe
def course_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a published course: what it covers and who for, and its upcoming cohorts with
    their sessions, places and a way to enrol; to a signed-in person, the places they can
    take and what enrolling will give them."""
    page = selectors.course_page_for(slug=slug, user=request.user, now=timezone.now())
    if page is None:
        raise Http404("No such course.")
    return render(
        request,
        "training/course_detail.html",
        {
            "page": page,
            "course": page.course,
            # markdown_to_html escapes any raw HTML that staff typed, so this is safe.
            "description_html": mark_safe(markdown_to_html(page.course.description)),  # noqa: S308
        },
    )
