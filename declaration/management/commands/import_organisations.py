"""Load every English local authority from mySociety's register of local authorities."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from declaration import services
from declaration.errors import RegisterFileError
from declaration.register import register_csv_read, register_entries_parse


class Command(BaseCommand):
    help = (
        "Create or update an organisation for every English authority, current and ended, "
        "in mySociety's register of local authorities (CSV, from a file or an http(s) URL). "
        "A file with any problem is rejected whole and nothing is written."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("location", metavar="PATH_OR_URL", help="The register's CSV file.")

    def handle(self, *args: Any, location: str, **options: Any) -> None:
        try:
            entries = register_entries_parse(csv_text=register_csv_read(location=location))
            result = services.organisations_import_register(entries=entries, source=location)
        except RegisterFileError as error:
            raise CommandError(f"Nothing was imported from {location}:\n{error}") from error
        self.stdout.write(import_summary(result))


def import_summary(result: services.RegisterImportResult) -> str:
    """Return the counts of an import, one to a line, for people to read."""
    return "\n".join(
        [
            f"English authorities in the register: {result.total}",
            f"Created: {result.created}",
            f"Updated: {result.updated}",
            f"Unchanged: {result.unchanged}",
            f"Closed (ended authorities marked closed by this import): {result.closed}",
        ]
    )
