"""The public pages of funded projects: the list, with search and filters, and each
project's page. Declined offers and awards of rounds not yet announced never appear."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from declaration import selectors as declaration_selectors
from funding.selectors import projects_detail
from localdigital.pagination import (
    ActiveFilter,
    CountedPaginator,
    page_asked_for,
    pagination,
    url_with,
)
from localdigital.public_cache import kept_for_versions, public_page

from ..forms.projects import ProjectFilterForm
from ..models import Phase
from ..selectors import project_list as list_selectors

PROJECTS_PER_PAGE = 50


def _active_filters(
    filters: list_selectors.ProjectFilters, form: ProjectFilterForm, query: QueryDict
) -> list[ActiveFilter]:
    """Return each filter in use, with the address of the list without it (on page 1)."""
    base = reverse("funding:project-list")
    labels = {
        name: dict(form.fields[name].choices)  # type: ignore[attr-defined]
        for name in ("round", "organisation")
    }

    def label_of(name: str, value: str) -> str:
        # Options read "Round 3 (7)": the tag names the value without its count.
        return str(labels[name].get(value, value)).rsplit(" (", 1)[0]

    active = []
    if filters.query:
        active.append(
            ActiveFilter("Search", filters.query, url_with(base, query, q=None, page=None))
        )
    if filters.round:
        active.append(
            ActiveFilter(
                "Round",
                label_of("round", filters.round),
                url_with(base, query, round=None, page=None),
            )
        )
    if filters.phase:
        active.append(
            ActiveFilter(
                "Phase", Phase(filters.phase).label, url_with(base, query, phase=None, page=None)
            )
        )
    if filters.organisation:
        active.append(
            ActiveFilter(
                "Organisation",
                label_of("organisation", filters.organisation),
                url_with(base, query, organisation=None, page=None),
            )
        )
    return active


def _filter_form(
    request: HttpRequest, options: list_selectors.ProjectFilterOptions
) -> ProjectFilterForm:
    asked_for = request.GET.get("organisation", "")
    extra = None
    if asked_for and asked_for not in {option.value for option in options.organisations}:
        organisation = declaration_selectors.organisation_get_by_slug(slug=asked_for[:200])
        if organisation is not None:
            extra = (organisation.slug, organisation.name)
    return ProjectFilterForm(
        request.GET,
        round_options=options.rounds,
        phase_options=options.phases,
        organisation_options=options.organisations,
        extra_organisation=extra,
    )


@public_page("funding", "declaration", params=("round", "phase", "organisation", "q", "page"))
@require_safe
def project_list(request: HttpRequest) -> HttpResponse:
    """List the funded projects, 50 a page, with search and filters from the address.

    A value that is not allowed is reported and ignored; a page number past the end shows
    the last page, and one that is not a number the first, each with a note saying so.
    """
    # The options, their counts and the number of projects are the same for every search
    # and page: counted once for each version of the content they come from.
    options = kept_for_versions(
        "funding",
        "declaration",
        name="funding.project-filter-options",
        compute=list_selectors.project_filter_options,
    )
    form = _filter_form(request, options)
    filters = form.filters()
    found = list_selectors.projects_search(filters=filters)
    paginator = (
        Paginator(found, PROJECTS_PER_PAGE)
        if filters.is_narrowing
        else CountedPaginator(found, PROJECTS_PER_PAGE, count=options.project_count)
    )
    page, page_note = page_asked_for(paginator, request.GET.get("page", ""))
    active_filters = _active_filters(filters, form, request.GET)
    base = reverse("funding:project-list")
    return render(
        request,
        "funding/projects/list.html",
        {
            "form": form,
            "project_count": options.project_count,
            "result_count": paginator.count,
            "rows": list_selectors.project_rows(page.object_list),
            "first_shown": page.start_index(),
            "last_shown": page.end_index(),
            "page_note": page_note,
            "page_number": page.number,
            "page_count": paginator.num_pages,
            "pagination": pagination(page, base=base, query=request.GET),
            "active_filters": active_filters,
            "clear_filters_url": base,
            "is_searching": list_selectors.project_search_query(filters.query) is not None,
        },
    )


@public_page("funding", "declaration")
@require_safe
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a funded project: its summary, lead and partners, round, phase, amount and
    status, its progress updates (newest first) and its outputs."""
    project = projects_detail.project_get_public(slug=slug)
    if project is None:
        raise Http404("No funded project has this address.")
    return render(request, "funding/projects/detail.html", {"project": project})
