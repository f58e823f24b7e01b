"""Print a staff member's current authenticator code, for demos without an authenticator app."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from localdigital.accounts import selectors as account_selectors


class Command(BaseCommand):
    help = (
        "Print the current code of the user's authenticator (TOTP) device. "
        "Refuses to run unless DEBUG is on, so it cannot be used in production."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email", help="The staff member's email address.")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "totp_code runs only with DEBUG on: anywhere else it would let whoever has a "
                "shell skip the second factor."
            )
        user = account_selectors.user_get_by_email(email=email)
        if user is None:
            raise CommandError(f"There is no account with the email address {email}.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(f"{user.email} has no confirmed authenticator device.")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
