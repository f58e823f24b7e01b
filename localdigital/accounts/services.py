"""Writes about users: sign-in links and their use, staff accounts and their devices."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from sesame.utils import get_token, get_user

from localdigital.audit.services import audit_record
from localdigital.links import absolute_url
from localdigital.mail.services import email_queue

from .errors import EmailAlreadyUsed, StaffGroupUnknown, StaffNotAwaitingSetUp
from .models import User
from .tokens import staff_set_up_tokens


def sign_in_link_send(*, email: str, next_url: str = "") -> None:
    """Email a sign-in link to ``email``, creating an unverified account for a new address.

    The caller shows the same page whatever happens here, so nobody can learn from it whether
    an address has an account. Staff are told how to sign in to the admin instead (their
    accounts need a password and a second factor), and deactivated accounts are sent nothing.
    """
    with transaction.atomic():
        user, _ = User.objects.get_or_create(
            email__iexact=email,
            defaults={
                "email": User.objects.normalize_email(email),
                "password": make_password(None),
                "created_by_sign_in": True,
            },
        )
        if not user.is_active:
            return
        if user.is_staff:
            template, subject = (
                "accounts/email/staff_sign_in.txt",
                "How to sign in to Local Digital",
            )
            context: dict[str, object] = {"admin_url": absolute_url("admin:index")}
        else:
            query = {settings.SESAME_TOKEN_NAME: get_token(user)}
            if next_url:
                query["next"] = next_url
            template = "accounts/email/sign_in_link.txt"
            subject = "Your Local Digital sign-in link"
            context = {
                "link": absolute_url("accounts:link", query=query),
                "minutes": settings.SESAME_MAX_AGE // 60,
                "sign_in_url": absolute_url("accounts:sign-in"),
            }
        email_queue(
            to=user.email,
            subject=subject,
            body=render_to_string(template, context),
            idempotency_key=f"accounts.sign-in.{uuid.uuid4().hex}",
            sensitive=not user.is_staff,
        )


def _sign_in_user(token: str, *, use: bool) -> User | None:
    user = get_user(token, update_last_login=use) if token else None
    if user is None or user.is_staff:
        # Staff never sign in by link, even with a link sent before they became staff.
        return None
    return user


def sign_in_link_is_valid(*, token: str) -> bool:
    """Return whether ``token`` would sign someone in, without using it up."""
    return _sign_in_user(token, use=False) is not None


def sign_in_link_use(*, token: str) -> User | None:
    """Use up a sign-in token and return its user, or None if it is expired, used or staff's.

    The token is tied to the user's last sign-in time, which using it moves on, so every
    link sent before works no more. The user's row is locked while that happens, so two
    presses of one link at the same moment sign in once. The first use verifies the email
    address.
    """
    user = _sign_in_user(token, use=False)
    if user is None:
        return None
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        user = _sign_in_user(token, use=True)
        if user is None:
            return None
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
            audit_record(actor=user, verb="accounts.user.email_verified", target=user)
    return user


def unverified_users_prune(*, now: datetime, older_than: timedelta) -> int:
    """Delete accounts that asked for a sign-in link but never used it. Return how many.

    Such an account holds nothing but an address somebody typed, so it is kept only as long
    as a link could matter. Accounts that staff created are never pruned.
    """
    stale = User.objects.filter(
        created_by_sign_in=True,
        email_verified_at__isnull=True,
        last_login__isnull=True,
        is_staff=False,
        date_joined__lt=now - older_than,
    )
    _, deleted = User.objects.filter(pk__in=stale.values("pk")).delete()
    return deleted.get(User._meta.label, 0)


def user_create(*, email: str, full_name: str = "", created_by: User | None) -> User:
    """Create an account for someone, as staff do in the admin.

    It has no usable password: a council user signs in by link, and a member of staff is
    given a password by a superuser.
    """
    with transaction.atomic():
        user = User.objects.create_user(email, full_name=full_name)
        audit_record(actor=created_by, verb="accounts.user.created", target=user)
    return user


def user_privileges_record(*, user: User, changed: Iterable[str], changed_by: User | None) -> None:
    """Record a change to a user's staff status, superuser status, groups or permissions."""
    watched = {"is_active", "is_staff", "is_superuser", "groups", "user_permissions"}
    fields = sorted(watched & set(changed))
    if fields:
        audit_record(
            actor=changed_by,
            verb="accounts.user.privileges_changed",
            target=user,
            data={
                "fields": fields,
                "is_active": user.is_active,
                "is_staff": user.is_staff,
                "is_superuser": user.is_superuser,
                "groups": sorted(user.groups.values_list("name", flat=True)),
            },
        )


def staff_user_ensure(
    *, email: str, full_name: str, password: str, is_superuser: bool, group: str | None
) -> tuple[User, TOTPDevice]:
    """Make sure a staff account exists with this password, these rights and a device.

    Used by the demo data; running it again changes nothing. The device is a confirmed TOTP
    device with a random key, made once.
    """
    with transaction.atomic():
        user, _ = User.objects.get_or_create(
            email__iexact=email,
            defaults={"email": email, "full_name": full_name, "email_verified_at": timezone.now()},
        )
        changed = []
        for name, value in {"is_staff": True, "is_superuser": is_superuser}.items():
            if getattr(user, name) != value:
                setattr(user, name, value)
                changed.append(name)
        if not user.check_password(password):
            user.set_password(password)
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
        if group and not user.groups.filter(name=group).exists():
            user.groups.add(Group.objects.get(name=group))
            changed.append("groups")
        user_privileges_record(user=user, changed=changed, changed_by=None)
        # django-two-factor-auth asks for the code of the device named "default".
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="default", defaults={"confirmed": True}
        )
    return user, device


def council_user_ensure(*, email: str, full_name: str) -> User:
    """Make sure a council user exists, verified as if they had signed in before.

    Used by the demo data, so that the prune of unused accounts leaves them alone.
    """
    user, _ = User.objects.get_or_create(
        email__iexact=email,
        defaults={
            "email": email,
            "full_name": full_name,
            "password": make_password(None),
            "email_verified_at": timezone.now(),
        },
    )
    return user


def staff_user_create(
    *,
    email: str,
    groups: Sequence[str],
    full_name: str = "",
    is_superuser: bool = False,
    created_by: User | None,
) -> User:
    """Create an active member of staff in ``groups``, with no usable password.

    They choose their password, and then set up their authenticator app, through the link
    that ``staff_set_up_link`` makes. Group names are data (each app's migrations make its
    groups), so they are checked against the groups that exist. Raise ``EmailAlreadyUsed``
    for an address that has an account already, in any case, and ``StaffGroupUnknown`` for
    a name that no group has.
    """
    email = User.objects.normalize_email(email.strip())
    with transaction.atomic():
        found = {group.name: group for group in Group.objects.filter(name__in=groups)}
        unknown = [name for name in groups if name not in found]
        if unknown:
            names = ", ".join(f'"{name}"' for name in unknown)
            existing = ", ".join(
                f'"{name}"'
                for name in Group.objects.order_by("name").values_list("name", flat=True)
            )
            raise StaffGroupUnknown(
                f"There is no staff group called {names}. The groups are: {existing or 'none'}"
            )
        if User.objects.filter(email__iexact=email).exists():
            raise EmailAlreadyUsed(f"An account with the email address {email} already exists")
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email, full_name=full_name, is_staff=True, is_superuser=is_superuser
                )
        except IntegrityError as error:
            # Someone else created the same address in the instant since the check above.
            raise EmailAlreadyUsed(
                f"An account with the email address {email} already exists"
            ) from error
        user.groups.set(found.values())
        audit_record(
            actor=created_by,
            verb="accounts.user.created",
            target=user,
            data={
                "is_staff": True,
                "is_superuser": is_superuser,
                "groups": sorted(found),
            },
        )
    return user


def staff_set_up_link(*, user: User) -> str:
    """Return the link with which a member of staff sets their password and authenticator.

    It works once (setting a password changes what its token was made from) and for
    ``STAFF_SET_UP_LINK_HOURS``. The token travels in the query string, which the web
    server's access log leaves out, and the page moves it into the session at once.
    """
    query = {
        "user": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": staff_set_up_tokens.make_token(user),
    }
    return absolute_url("two_factor:set-up", query=query)


def staff_set_up_link_again(*, email: str) -> str:
    """Return a new set-up link for a member of staff who has not yet chosen a password.

    For when the first link expired or was lost. Links made before keep working until one
    of them is used or they expire. Raise ``StaffNotAwaitingSetUp`` unless the address is an
    active member of staff's with no usable password.
    """
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None or not (user.is_staff and user.is_active):
        raise StaffNotAwaitingSetUp(
            f"There is no active member of staff with the email address {email}"
        )
    if user.has_usable_password():
        raise StaffNotAwaitingSetUp(
            f"{user.email} has chosen a password already. If they have forgotten it, a "
            "superuser can set a new one in the admin"
        )
    return staff_set_up_link(user=user)


def staff_set_up_link_hours() -> int:
    """Return how many hours a set-up link works for."""
    return settings.PASSWORD_RESET_TIMEOUT // 3600


def staff_password_set(*, user: User, token: str, password: str) -> None:
    """Set the password of a member of staff who followed their set-up link with ``token``.

    The token is checked again under a lock on the user's row, so of two presses at once
    only the first sets a password: the token is made from the old password's hash, so it
    works no more after it. Raise ``StaffNotAwaitingSetUp`` when the link has been used or
    has expired.
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if not (locked.is_staff and locked.is_active) or not staff_set_up_tokens.check_token(
            locked, token
        ):
            raise StaffNotAwaitingSetUp("This set-up link has expired or has been used")
        locked.set_password(password)
        locked.save(update_fields=["password"])
        audit_record(actor=locked, verb="accounts.user.password_set", target=locked)
    user.password = locked.password
