"""Create a member of staff and print their one-time set-up link."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from localdigital.accounts import services
from localdigital.accounts.errors import AccountsError


class Command(BaseCommand):
    help = (
        "Create an active member of staff in one or more staff groups, with no password, and "
        "print a link that works once: with it they choose their password, then set up their "
        "authenticator app. Refuses an email address that has an account already."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email", metavar="EMAIL", help="Their work email address.")
        parser.add_argument(
            "--group",
            dest="groups",
            action="append",
            required=True,
            metavar="NAME",
            help='A staff group, such as "Fund manager"; give --group again for more than one.',
        )
        parser.add_argument("--name", default="", help="Their full name.")
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="Give every permission too: for the first member of staff, who manages users.",
        )

    def handle(
        self, *args: Any, email: str, groups: list[str], name: str, superuser: bool, **options: Any
    ) -> None:
        try:
            validate_email(email.strip())
        except ValidationError as error:
            raise CommandError(
                f"{email!r} is not an email address: give one like name@example.gov.uk"
            ) from error
        try:
            user = services.staff_user_create(
                email=email,
                groups=groups,
                full_name=name,
                is_superuser=superuser,
                created_by=None,
            )
        except AccountsError as error:
            raise CommandError(str(error)) from error
        groups_list = ", ".join(sorted(user.groups.values_list("name", flat=True)))
        self.stdout.write(
            f"Created {user.email}, staff in: {groups_list}"
            + (", with every permission (superuser)" if superuser else "")
        )
        self.stdout.write(
            "Send them this link. It works once, within "
            f"{services.staff_set_up_link_hours()} hours: they choose a password, "
            "then set up their authenticator app."
        )
        self.stdout.write(services.staff_set_up_link(user=user))
