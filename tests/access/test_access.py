"""Who may open what: an explicit table of (URL name, role) → status, checked for every URL.

Every named URL pattern outside the admin must be in ``URL_ACCESS``, and every model
registered in the admin must be in ``ADMIN_MODEL_ACCESS``, so no page can be added unguarded.
Later issues extend both tables.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.accounts.factories import UserFactory
from tests.conftest import sign_in_staff
from tests.declaration.factories import MembershipFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = "anonymous"
COUNCIL = "council user"
ORG_ADMIN = "organisation admin"
FUND_MANAGER = "Fund manager"
ASSESSOR = "Assessor"
TRAINING = "Training administrator"
COMMS = "Communications"
SUPERUSER = "superuser"
ROLES = (ANONYMOUS, COUNCIL, ORG_ADMIN, FUND_MANAGER, ASSESSOR, TRAINING, COMMS, SUPERUSER)
PUBLIC = (ANONYMOUS, COUNCIL, ORG_ADMIN)
STAFF = (FUND_MANAGER, ASSESSOR, TRAINING, COMMS, SUPERUSER)


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, anonymous: int = 302) -> dict[str, int]:
    return {**everyone(status), ANONYMOUS: anonymous}


def staff_only(status: int, *, council: int = 403, anonymous: int = 302) -> dict[str, int]:
    return {
        ANONYMOUS: anonymous,
        COUNCIL: council,
        ORG_ADMIN: council,
        **dict.fromkeys(STAFF, status),
    }


# URL name → (kwargs for reverse, expected GET status per role).
URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    "pages:home": ({}, everyone(200)),
    "pages:account": ({}, signed_in(200)),
    "pages:accessibility": ({}, everyone(200)),
    "pages:privacy": ({}, everyone(200)),
    "pages:cookies": ({}, everyone(200)),
    "pages:healthz": ({}, everyone(200)),
    "pages:favicon": ({}, everyone(301)),
    "accounts:sign-in": ({}, everyone(200)),
    "accounts:check-email": ({}, everyone(200)),
    "accounts:link": ({}, everyone(200)),
    "accounts:sign-out": ({}, everyone(405)),
    "two_factor:login": ({}, everyone(200)),
    # Staff who already have a device are sent on from setup.
    "two_factor:setup": ({}, staff_only(302)),
    # The QR code exists only during setup; outside it there is nothing to show.
    "two_factor:qr": ({}, staff_only(404)),
    "two_factor:setup_complete": ({}, staff_only(200)),
    "two_factor:backup_tokens": ({}, staff_only(200)),
    "declaration:declaration": ({}, everyone(200)),
    # GOV.UK Notify posts delivery receipts here, with its bearer token.
    "mail:notify-delivery-receipt": ({}, everyone(405)),
    "admin:index": ({}, staff_only(200, council=302)),
    "admin:login": ({}, everyone(302)),
    "admin:logout": ({}, staff_only(405, council=302)),
    "admin:password_change": ({}, staff_only(200, council=302)),
    "admin:password_change_done": ({}, staff_only(200, council=302)),
    # No model has a public page yet, so "view on site" finds nothing to show.
    "admin:view_on_site": (
        {"content_type_id": "accounts.user", "object_id": "1"},
        staff_only(404, council=302),
    ),
    "admin:jsi18n": ({}, staff_only(200, council=302)),
    "admin:autocomplete": ({}, staff_only(403, council=302)),
}

# Admin model (app_label.model) → staff roles that may view its list and add to it.
ADMIN_MODEL_ACCESS: dict[str, dict[str, set[str]]] = {
    "accounts.user": {"view": {SUPERUSER}, "add": {SUPERUSER}},
    "auth.group": {"view": {SUPERUSER}, "add": {SUPERUSER}},
    "otp_totp.totpdevice": {"view": {SUPERUSER}, "add": {SUPERUSER}},
    "otp_static.staticdevice": {"view": {SUPERUSER}, "add": {SUPERUSER}},
    "audit.auditevent": {"view": {FUND_MANAGER, SUPERUSER}, "add": set()},
    "declaration.organisation": {
        "view": {FUND_MANAGER, SUPERUSER},
        "add": {FUND_MANAGER, SUPERUSER},
    },
    "declaration.membership": {"view": {FUND_MANAGER, SUPERUSER}, "add": {FUND_MANAGER, SUPERUSER}},
    # Emails are written only by the service; nobody adds one by hand.
    "mail.outgoingemail": {"view": {FUND_MANAGER, COMMS, SUPERUSER}, "add": set()},
    "mail.suppression": {"view": {COMMS, SUPERUSER}, "add": {COMMS, SUPERUSER}},
}


def named_patterns(patterns=None, namespace: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """Yield (qualified name, route) for every URL pattern, unnamed ones as ``?``."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + ((pattern.namespace,) if pattern.namespace else ())
            for name, route in named_patterns(pattern.url_patterns, inner):
                yield name, f"{pattern.pattern}{route}"
        elif isinstance(pattern, URLPattern):
            yield ":".join((*namespace, pattern.name or "?")), str(pattern.pattern)


def is_model_admin_route(name: str, route: str) -> bool:
    """Routes the admin makes for each registered model, checked through ADMIN_MODEL_ACCESS."""
    if not route.startswith("admin/"):
        return False
    parts = route.split("/")
    registered = {f"{m._meta.app_label}/{m._meta.model_name}" for m in admin.site._registry}
    return (
        name == "admin:?" or "/".join(parts[1:3]) in registered or name.startswith("admin:app_list")
    )


def resolve_kwargs(kwargs: dict[str, object]) -> dict[str, object]:
    """Turn a content type given as ``app_label.model`` into its id."""
    if "content_type_id" in kwargs:
        app_label, model = str(kwargs["content_type_id"]).split(".")
        ct = ContentType.objects.get_by_natural_key(app_label, model)
        return {**kwargs, "content_type_id": str(ct.pk)}
    return kwargs


def client_for(role: str) -> Client:
    client = Client()
    if role == ANONYMOUS:
        return client
    if role in (COUNCIL, ORG_ADMIN):
        membership = MembershipFactory.create(admin=role == ORG_ADMIN)
        client.force_login(membership.user)
        return client
    user = UserFactory.create(staff=True, is_superuser=role == SUPERUSER)
    if role != SUPERUSER:
        user.groups.add(Group.objects.get(name=role))
    return sign_in_staff(client, user)


def test_every_url_is_in_the_table():
    """A URL pattern missing from the table fails, so no page can be added unguarded."""
    missing = sorted(
        f"{name} ({route})"
        for name, route in named_patterns()
        if name not in URL_ACCESS and not is_model_admin_route(name, route)
    )
    assert not missing, "Add these URLs to URL_ACCESS in tests/test_access.py:\n" + "\n".join(
        missing
    )
    stale = sorted(set(URL_ACCESS) - {name for name, _ in named_patterns()})
    assert not stale, f"URL_ACCESS names URLs that no longer exist: {stale}"


def test_every_admin_model_is_in_the_table():
    registered = {m._meta.label_lower for m in admin.site._registry}
    assert registered == set(ADMIN_MODEL_ACCESS), (
        f"missing: {sorted(registered - set(ADMIN_MODEL_ACCESS))}, "
        f"stale: {sorted(set(ADMIN_MODEL_ACCESS) - registered)}"
    )


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_status_for_every_url(role):
    client = client_for(role)
    wrong = []
    for name, (kwargs, expected) in URL_ACCESS.items():
        status = client.get(reverse(name, kwargs=resolve_kwargs(kwargs))).status_code
        if status != expected[role]:
            wrong.append(f"{name}: expected {expected[role]}, got {status}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_sees_only_its_admin_models(role):
    client = client_for(role)
    wrong = []
    for label, allowed in ADMIN_MODEL_ACCESS.items():
        app_label, model_name = label.split(".")
        for action in ("view", "add"):
            url_name = "changelist" if action == "view" else "add"
            status = client.get(reverse(f"admin:{app_label}_{model_name}_{url_name}")).status_code
            if role in PUBLIC:
                expected = 302
            else:
                expected = 200 if role in allowed[action] else 403
            if status != expected:
                wrong.append(f"{label} {action}: expected {expected}, got {status}")
    assert not wrong, f"as {role}:\n" + "\n".join(wrong)
