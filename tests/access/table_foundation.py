"""Access to the foundation's pages: the service pages, sign-in and the admin's own pages."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import Group
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from localdigital.audit.services import audit_record
from tests.access.roles import (
    BY_LINK,
    COMMS,
    FUND_MANAGER,
    NO_DEVICE,
    SUPERUSER,
    everyone,
    signed_in,
    staff_only,
)
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory
from tests.mail.factories import OutgoingEmailFactory, SuppressionFactory

# A user and a TOTP device that the admin's own pages name; ids far above any a test makes.
USER_PK = 990_201
DEVICE_PK = 990_202
# Only a verified superuser; other staff are refused, anyone else sent to sign in.
SUPERUSER_ONLY = {**staff_only(403, council=302), SUPERUSER: 200}

# URL name → (kwargs for reverse, expected GET status per role).
URL_ACCESS: dict[str, tuple[dict[str, object], dict[str, int]]] = {
    "pages:home": ({}, everyone(200)),
    "pages:account": ({}, signed_in(200)),
    "pages:accessibility": ({}, everyone(200)),
    "pages:privacy": ({}, everyone(200)),
    "pages:cookies": ({}, everyone(200)),
    "pages:healthz": ({}, everyone(200)),
    "pages:favicon": ({}, everyone(301)),
    "pages:robots-txt": ({}, everyone(200)),
    "pages:sitemap": ({}, everyone(200)),
    "pages:security-txt": ({}, everyone(200)),
    "accounts:sign-in": ({}, everyone(200)),
    "accounts:check-email": ({}, everyone(200)),
    # Without a link in the session: the used-link page, or, for someone signed in (Back
    # from the page the link led to), their account.
    "accounts:link": ({}, signed_in(302, anonymous=200)),
    "accounts:sign-out": ({}, everyone(405)),
    "two_factor:login": ({}, everyone(200)),
    # A new member of staff's set-up link; without one in the session it says the link has
    # expired or been used, to everyone.
    "two_factor:set-up": ({}, everyone(200)),
    # Staff who already have a device are sent on from setup; a password session without
    # one sets it up; a session begun by link must sign in with a password first.
    "two_factor:setup": ({}, {**staff_only(302), NO_DEVICE: 200, BY_LINK: 302}),
    # The QR code exists only during setup; outside it there is nothing to show.
    "two_factor:qr": ({}, {**staff_only(404), NO_DEVICE: 404}),
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
    # A user has no public page, so "view on site" finds nothing to show.
    "admin:view_on_site": (
        {"content_type_id": "accounts.user", "object_id": "1"},
        staff_only(404, council=302),
    ),
    "admin:jsi18n": ({}, staff_only(200, council=302)),
    "admin:autocomplete": ({}, staff_only(403, council=302)),
    # The model admins' own extra pages: a user's password, a TOTP device's secret.
    "admin:auth_user_password_change": ({"id": USER_PK}, SUPERUSER_ONLY),
    "admin:otp_totp_totpdevice_config": ({"pk": DEVICE_PK}, SUPERUSER_ONLY),
    "admin:otp_totp_totpdevice_qrcode": ({"pk": DEVICE_PK}, SUPERUSER_ONLY),
}

# Admin model (app_label.model) → staff roles that may view it, add to it, delete from it.
ADMIN_MODEL_ACCESS: dict[str, dict[str, set[str]]] = {
    "accounts.user": {"view": {SUPERUSER}, "add": {SUPERUSER}, "delete": {SUPERUSER}},
    "auth.group": {"view": {SUPERUSER}, "add": {SUPERUSER}, "delete": {SUPERUSER}},
    "otp_totp.totpdevice": {"view": {SUPERUSER}, "add": {SUPERUSER}, "delete": {SUPERUSER}},
    "otp_static.staticdevice": {"view": {SUPERUSER}, "add": {SUPERUSER}, "delete": {SUPERUSER}},
    # The audit log is read-only, even for superusers.
    "audit.auditevent": {"view": {FUND_MANAGER, SUPERUSER}, "add": set(), "delete": set()},
    # Organisations are closed, never deleted.
    "declaration.organisation": {
        "view": {FUND_MANAGER, SUPERUSER},
        "add": {FUND_MANAGER, SUPERUSER},
        "delete": set(),
    },
    "declaration.membership": {
        "view": {FUND_MANAGER, SUPERUSER},
        "add": {FUND_MANAGER, SUPERUSER},
        "delete": {SUPERUSER},
    },
    # Emails are written only by the service; nobody adds or deletes one by hand.
    "mail.outgoingemail": {"view": {FUND_MANAGER, COMMS, SUPERUSER}, "add": set(), "delete": set()},
    "mail.suppression": {
        "view": {COMMS, SUPERUSER},
        "add": {COMMS, SUPERUSER},
        "delete": {COMMS, SUPERUSER},
    },
}


def _audit_event() -> object:
    membership = MembershipFactory.create()
    return audit_record(actor=None, verb="declaration.membership.approved", target=membership)


def _totp_device() -> object:
    return TOTPDevice.objects.create(user=UserFactory.create(), name="phone")


def _static_device() -> object:
    return StaticDevice.objects.create(user=UserFactory.create(), name="backup")


# Admin model → how to make one object, for its change, delete and history pages.
ADMIN_MODEL_OBJECTS: dict[str, Callable[[], object]] = {
    "accounts.user": lambda: UserFactory.create(),
    "auth.group": lambda: Group.objects.get(name="Assessor"),
    "otp_totp.totpdevice": _totp_device,
    "otp_static.staticdevice": _static_device,
    "audit.auditevent": _audit_event,
    "declaration.organisation": lambda: OrganisationFactory.create(),
    "declaration.membership": lambda: MembershipFactory.create(),
    "mail.outgoingemail": lambda: OutgoingEmailFactory.create(),
    "mail.suppression": lambda: SuppressionFactory.create(),
}


def setup() -> None:
    """Make the user and the TOTP device that the admin's own pages name."""
    user = UserFactory.create(pk=USER_PK)
    TOTPDevice.objects.create(pk=DEVICE_PK, user=user, name="phone")
