"""Pages that compose every domain: home, the account dashboard, the service's own pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from declaration import selectors as declaration_selectors
from declaration.selectors import organisation_admin as organisation_admin_selectors
from declaration.selectors import public as public_selectors
from declaration.selectors import signing as signing_selectors
from declaration.selectors import signing_record
from funding.selectors import dashboard as funding_dashboard
from funding.selectors import rounds as funding_rounds
from localdigital.accounts.types import AuthenticatedHttpRequest
from localdigital.public_cache import public_page
from localdigital.queueing import broker_answers
from localdigital.request_id import current_request_id
from training import selectors as training_selectors


@public_page("declaration", "funding", "training")
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Say what the Declaration is, with the live count of signatories and the latest ones,
    the Fund's rounds open now, and the courses with their next cohorts."""
    return render(
        request,
        "pages/home.html",
        {
            "signatory_count": public_selectors.signatory_count(),
            "latest_signatories": public_selectors.signatories_latest(limit=5),
            "organisation_counts": declaration_selectors.organisation_counts_by_type(),
            "open_rounds": funding_rounds.rounds_open(),
            "courses": training_selectors.courses_with_upcoming_cohorts(),
        },
    )


@login_required
@require_safe
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "pages/account.html",
        {
            "memberships": list(declaration_selectors.memberships_for_user(user=request.user)),
            "signatory_update_links": public_selectors.signatory_update_links(user=request.user),
            "managed_organisations": organisation_admin_selectors.organisations_managed_by(
                user=request.user
            ),
            "signings": signing_selectors.signings_for_account(user=request.user),
            "member_signings": signing_record.signings_for_member_account(user=request.user),
            "funding": funding_dashboard.funding_dashboard(user=request.user),
            "training_enrolments": training_selectors.enrolments_for_user(user=request.user),
        },
    )


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "unavailable"
    return "ok"


def _broker_status() -> str:
    return "ok" if broker_answers() else "unavailable"


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever a page says (the admin's pages say nothing)."""
    return redirect(static("vendor/govuk-frontend/assets/images/favicon.ico"), permanent=True)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Report the database and broker. 200 when the database answers, else 503."""
    database = _database_status()
    body = {
        "status": "ok" if database == "ok" else "unavailable",
        "database": database,
        "broker": _broker_status(),
    }
    return JsonResponse(body, status=200 if database == "ok" else 503)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Render the 400 page without context processors: the request itself is what is wrong.

    A bad Host header, for one, makes anything that asks for the request's host fail again.
    """
    from django.template import loader

    return HttpResponse(loader.get_template("400.html").render(), status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain a form refused for want of a valid CSRF token, usually an expired session.

    Django calls this (``CSRF_FAILURE_VIEW``) with the technical ``reason``, and logs that
    reason to ``django.security.csrf`` itself; it is not for the person reading the page.
    """
    return render(request, "403_csrf.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Render the 500 page without context processors, which may be what failed, and with
    no query (the database may be what failed): only the request's id, for the person to
    quote to the helpdesk, which finds the request's log line and error report by it.

    If the page itself cannot be rendered (its static files missing, say), a plain page
    still gives the reference.
    """
    from django.template import loader

    reference = getattr(request, "request_id", None) or current_request_id()
    try:
        content = loader.get_template("500.html").render({"reference": reference})
    except Exception:  # whatever broke the page, the person still gets the reference
        content = format_html(
            '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
            "<title>Sorry, there is a problem with the service</title></head><body>"
            "<h1>Sorry, there is a problem with the service</h1><p>Try again later.</p>"
            "<p>If you contact us about this problem, quote this reference: "
            "<strong>{}</strong></p></body></html>",
            reference or "none",
        )
    return HttpResponse(content, status=500)
