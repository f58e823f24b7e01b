"""Who may open what: an explicit table of (URL name, role) → status, checked for every URL.

Each ``tests/access/table_*.py`` module holds part of the table: ``URL_ACCESS`` for named
URLs, ``ADMIN_MODEL_ACCESS`` for the models in the admin (with ``ADMIN_MODEL_OBJECTS`` to make
one of each), and optionally ``setup()``, run before each role's walk to create the objects
its URLs name (by fixed slugs or references in their kwargs).

Every named URL pattern outside the admin must be in a ``URL_ACCESS``, and every model
registered in the admin in an ``ADMIN_MODEL_ACCESS``, so no page can be added unguarded.
Later issues add their own table modules.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access.roles import ANONYMOUS, PUBLIC, ROLES, UNVERIFIED_STAFF, client_for
from tests.access.table import (
    ADMIN_MODEL_ACCESS,
    ADMIN_MODEL_OBJECTS,
    URL_ACCESS,
    resolve_kwargs,
    table_objects_make,
)

pytestmark = pytest.mark.django_db


def named_patterns(patterns=None, namespace: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """Yield (qualified name, route) for every URL pattern, unnamed ones as ``?``."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            for name, route in named_patterns(pattern.url_patterns, inner):
                yield name, f"{pattern.pattern}{route}"
        elif isinstance(pattern, URLPattern):
            yield ":".join((*namespace, pattern.name or "?")), str(pattern.pattern)


# The pages the admin makes for every registered model, which ADMIN_MODEL_ACCESS checks.
MODEL_ADMIN_PAGES = ("changelist", "add", "change", "delete", "history")


def is_model_admin_route(name: str, route: str) -> bool:
    """Return whether a route is one the admin makes for each registered model (checked
    through ADMIN_MODEL_ACCESS): its five pages, the redirects of old-style addresses to
    them, and the per-app index. A model admin's own extra pages are not: they must be in a
    URL_ACCESS like any other page."""
    if not route.startswith("admin/"):
        return False
    if name == "admin:?" or name.startswith("admin:app_list"):
        return True
    registered = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    standard = {f"admin:{model}_{page}" for model in registered for page in MODEL_ADMIN_PAGES}
    return name in standard


def test_every_url_is_in_the_table():
    """A URL pattern missing from the table fails, so no page can be added unguarded."""
    missing = sorted(
        f"{name} ({route})"
        for name, route in named_patterns()
        if name not in URL_ACCESS and not is_model_admin_route(name, route)
    )
    assert not missing, "Add these URLs to a tests/access/table_*.py:\n" + "\n".join(missing)
    stale = sorted(set(URL_ACCESS) - {name for name, _ in named_patterns()})
    assert not stale, f"URL_ACCESS names URLs that no longer exist: {stale}"


def test_every_admin_model_is_in_the_table():
    registered = {m._meta.label_lower for m in admin.site._registry}
    for table in (ADMIN_MODEL_ACCESS, ADMIN_MODEL_OBJECTS):
        assert registered == set(table), (
            f"missing: {sorted(registered - set(table))}, stale: {sorted(set(table) - registered)}"
        )


@pytest.fixture
def table_objects() -> None:
    """Create the objects that the tables' URLs name."""
    table_objects_make()


SIGNED_IN_ROLES = tuple(role for role in ROLES if role != ANONYMOUS)
# What a shared cache must never keep: a page that shows a signed-in person's data.
PRIVATE_DIRECTIVES = {"no-cache", "no-store", "private"}


def cache_directives(response: HttpResponseBase) -> set[str]:
    return {
        directive.strip().split("=")[0]
        for directive in response.get("Cache-Control", "").split(",")
        if directive.strip()
    }


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_for_every_url(role, table_objects):
    """Every URL, as each role, answers:

    - GET with the status the table gives;
    - HEAD with the same status (uptime monitors and link checkers send HEAD: never 405
      where GET is allowed), /healthz included;
    - for a signed-in person, staff included, every page and redirect marked
      ``no-cache, no-store, private``, so no browser or shared cache keeps it.
    """
    client = client_for(role)
    wrong = []
    for name, (kwargs, expected) in URL_ACCESS.items():
        url = reverse(name, kwargs=resolve_kwargs(kwargs))
        response = client.get(url)
        status = response.status_code
        if status != expected[role]:
            wrong.append(f"{name}: expected {expected[role]}, got {status}")
        head_status = client.head(url).status_code
        if head_status != expected[role]:
            wrong.append(f"{name}: GET gives {expected[role]}, HEAD gave {head_status}")
        if role in SIGNED_IN_ROLES and (status == 200 or 300 <= status < 400):
            missing = PRIVATE_DIRECTIVES - cache_directives(response)
            if missing:
                wrong.append(f"{name} ({status}) lacks {sorted(missing)}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


# Public pages an anonymous visitor may be served from a cache.
PUBLIC_PAGES = (
    "pages:home",
    "pages:accessibility",
    "declaration:declaration",
    "declaration:signatories",
    "declaration:signatory",
    "declaration:signatories-csv",
    "funding:round-list",
    "funding:project-list",
    "funding:projects-json",
    "training:course-list",
    "pages:robots-txt",
    "pages:sitemap",
    "pages:security-txt",
    "declaration:signatories-feed",
    "funding:projects-feed",
    "funding:rounds-feed",
)


def test_public_pages_stay_cacheable_for_anonymous_visitors(table_objects):
    """Marking signed-in pages private leaves the public ones cacheable for visitors."""
    client = client_for(ANONYMOUS)
    marked = []
    for name in PUBLIC_PAGES:
        kwargs, expected = URL_ACCESS[name]
        response = client.get(reverse(name, kwargs=resolve_kwargs(kwargs)))
        assert response.status_code == expected[ANONYMOUS] == 200, name
        if cache_directives(response) & {"no-store", "private"}:
            marked.append(f"{name}: {response['Cache-Control']}")
    assert not marked, "\n".join(marked)


def expected_admin_status(role: str, allowed: set[str]) -> int:
    if role in PUBLIC or role in UNVERIFIED_STAFF:
        return 302
    return 200 if role in allowed else 403


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_its_admin_models(role):
    """Every admin page of every model: its list, add, change, delete and history pages.

    A model whose list is open to more roles than each object's pages (an assessor's list
    holds only their own assessments, and the object made here is never theirs) names
    those roles under ``changelist``; otherwise the list is for the ``view`` roles.
    """
    client = client_for(role)
    wrong = []
    for label, allowed in ADMIN_MODEL_ACCESS.items():
        app_label, model_name = label.split(".")
        pk = ADMIN_MODEL_OBJECTS[label]().pk
        pages = {
            "changelist": ((), allowed.get("changelist", allowed["view"])),
            "add": ((), allowed["add"]),
            "change": ((pk,), allowed["view"]),
            "history": ((pk,), allowed["view"]),
            "delete": ((pk,), allowed["delete"]),
        }
        for page, (args, roles) in pages.items():
            url = reverse(f"admin:{app_label}_{model_name}_{page}", args=args)
            status = client.get(url).status_code
            expected = expected_admin_status(role, roles)
            if status != expected:
                wrong.append(f"{label} {page}: expected {expected}, got {status}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
