"""Print a new set-up link for a member of staff who has not yet chosen a password."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from localdigital.accounts import services
from localdigital.accounts.errors import AccountsError


class Command(BaseCommand):
    help = (
        "Print a new one-time set-up link for a member of staff made by staff_create who has "
        "not yet chosen a password, when their first link expired or was lost."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email", metavar="EMAIL", help="Their email address.")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        try:
            link = services.staff_set_up_link_again(email=email)
        except AccountsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            "Send them this link. It works once, within "
            f"{services.staff_set_up_link_hours()} hours: they choose a password, "
            "then set up their authenticator app."
        )
        self.stdout.write(link)
