"""The public list of signatories, each signatory's page, and posting project updates."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from declaration.forms.public import ProjectUpdateForm, SignatoryFilterForm
from declaration.models import OrganisationType
from declaration.selectors import organisation_get_by_slug
from declaration.selectors import public as selectors
from declaration.services.updates import project_update_post
from localdigital.accounts.ratelimit import is_limited
from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.forms import posted
from localdigital.http import require_safe_or_post
from localdigital.pagination import ActiveFilter, page_asked_for, pagination, url_with
from localdigital.public_cache import kept_for_versions, public_page

from ..errors import UpdateNotAllowed

SIGNATORIES_PER_PAGE = 50
TOO_MANY_UPDATES = (
    "You have posted too many updates in a short time. Wait an hour, then post this one again"
)


def _url_with(query: QueryDict, **changes: str | None) -> str:
    """Return the list of signatories' address with ``query`` changed."""
    return url_with(reverse("declaration:signatories"), query, **changes)


def _active_filters(filters: selectors.SignatoryFilters, query: QueryDict) -> list[ActiveFilter]:
    """Return each filter in use, with the address of the list without it (and on page 1)."""
    active = []
    if filters.query:
        active.append(ActiveFilter("Name", filters.query, _url_with(query, q=None, page=None)))
    if filters.organisation_type:
        label = OrganisationType(filters.organisation_type).label
        active.append(ActiveFilter("Type", label, _url_with(query, type=None, page=None)))
    if filters.region:
        active.append(
            ActiveFilter("Region", filters.region, _url_with(query, region=None, page=None))
        )
    if filters.co_publishers_only:
        active.append(
            ActiveFilter("Co-publishers", "only", _url_with(query, co_publisher=None, page=None))
        )
    return active


def _filter_options() -> tuple[list, list]:
    return list(selectors.signatory_type_options()), list(selectors.signatory_region_options())


@public_page("declaration", params=("q", "type", "region", "co_publisher", "sort", "page"))
@require_safe
def signatory_list(request: HttpRequest) -> HttpResponse:
    """List the signatories, 50 a page, with search, filters and sorting from the address.

    A value that is not allowed is reported and ignored; a page number past the end shows
    the last page, and one that is not a number the first, each with a note saying so.
    """
    # The options and their counts are the same for every search and page: counted once
    # for each version of the Declaration's content.
    type_options, region_options = kept_for_versions(
        "declaration", name="declaration.signatory-filter-options", compute=_filter_options
    )
    form = SignatoryFilterForm(
        request.GET, type_options=type_options, region_options=region_options
    )
    filters = form.filters()
    paginator = Paginator(selectors.signatories_search(filters=filters), SIGNATORIES_PER_PAGE)
    page, page_note = page_asked_for(paginator, request.GET.get("page", ""))
    active_filters = _active_filters(filters, request.GET)
    return render(
        request,
        "declaration/public/signatory_list.html",
        {
            "form": form,
            "signatory_count": selectors.signatory_count(),
            "result_count": paginator.count,
            "rows": selectors.signatory_rows(page.object_list),
            "first_shown": page.start_index(),
            "last_shown": page.end_index(),
            "page_note": page_note,
            "page_number": page.number,
            "page_count": paginator.num_pages,
            "pagination": pagination(
                page, base=reverse("declaration:signatories"), query=request.GET
            ),
            "active_filters": active_filters,
            "clear_filters_url": _url_with(
                QueryDict(), sort=filters.sort if request.GET.get("sort") else None
            ),
            "is_sorted_by_date": filters.sort == selectors.SignatorySort.DATE,
        },
    )


@public_page("declaration", "funding")
@require_safe
def signatory_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Show a signatory: when it signed, its declaration project and updates, and the
    funded projects it leads or partners on. Only published signatories have a page."""
    detail = selectors.signatory_get(slug=slug)
    if detail is None:
        raise Http404("No signatory has this address.")
    return render(request, "declaration/public/signatory_detail.html", {"signatory": detail})


@login_required
@require_safe_or_post
def project_update_new(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Ask a member of a signatory for an update on its declaration project, and post it.

    Each person may post ``PROJECT_UPDATE_RATE_PER_USER`` updates (10 an hour by default);
    past that the page says so, with status 429, and keeps what they typed.
    """
    if organisation_get_by_slug(slug=slug) is None:
        raise Http404("No organisation has this address.")
    signing = selectors.signatory_for_member(user=request.user, slug=slug)
    if signing is None:
        raise PermissionDenied("Only approved members of a signatory can post its updates.")
    form = ProjectUpdateForm(posted(request))
    status = 200
    if form.is_valid():
        if is_limited(
            request,
            group="declaration.project_update",
            key=f"user:{request.user.pk}",
            rate=settings.PROJECT_UPDATE_RATE_PER_USER,
        ):
            form.add_error(None, TOO_MANY_UPDATES)
            status = 429
        else:
            try:
                project_update_post(
                    signing=signing,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    posted_by=request.user,
                )
            except UpdateNotAllowed as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Your update has been posted")
                return redirect("declaration:signatory", slug=slug)
    return render(
        request,
        "declaration/public/update_new.html",
        {
            "form": form,
            "organisation_name": signing.organisation_name,
            "signatory_url": reverse("declaration:signatory", kwargs={"slug": slug}),
        },
        status=status,
    )
