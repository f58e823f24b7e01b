"""Writes about users: sign-in links and their use."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from sesame.utils import get_token, get_user

from localdigital.mail.services import email_queue

from .models import User


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
            },
        )
        if not user.is_active:
            return
        if user.is_staff:
            template, subject = (
                "accounts/email/staff_sign_in.txt",
                "How to sign in to Local Digital",
            )
            context = {"admin_url": settings.SITE_URL + reverse("admin:index")}
        else:
            query = {"token": get_token(user)}
            if next_url:
                query["next"] = next_url
            template, subject = "accounts/email/sign_in_link.txt", "Your Local Digital sign-in link"
            context = {
                "link": f"{settings.SITE_URL}{reverse('accounts:link')}?{urlencode(query)}",
                "minutes": settings.SESAME_MAX_AGE // 60,
                "sign_in_url": settings.SITE_URL + reverse("accounts:sign-in"),
            }
        email_queue(
            to=user.email,
            subject=subject,
            body=render_to_string(template, context),
            idempotency_key=f"accounts.sign-in.{uuid.uuid4().hex}",
        )


def sign_in_link_is_valid(*, token: str) -> bool:
    """Return whether ``token`` would sign someone in, without using it up."""
    return bool(token) and get_user(token, update_last_login=False) is not None


def sign_in_link_use(*, token: str) -> User | None:
    """Use up a sign-in token and return its user, or None if it is expired or used.

    The token is tied to the user's last sign-in time, which using it moves on, so every
    link sent before works no more. The first use verifies the email address.
    """
    user = get_user(token, update_last_login=True) if token else None
    if user is None:
        return None
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def unverified_users_prune(*, now: datetime, older_than: timedelta) -> int:
    """Delete accounts that asked for a sign-in link but never used it. Return how many.

    Accounts are created when a link is requested; one never signed in to holds nothing but
    an email address somebody typed, so it is kept only as long as a link could matter.
    """
    stale = User.objects.filter(
        email_verified_at__isnull=True,
        last_login__isnull=True,
        is_staff=False,
        date_joined__lt=now - older_than,
    )
    _, deleted = User.objects.filter(pk__in=stale.values("pk")).delete()
    return deleted.get(User._meta.label, 0)
