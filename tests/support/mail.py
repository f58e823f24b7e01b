"""Reading the outbox: the emails a service queued."""

from __future__ import annotations

from localdigital.mail.models import OutgoingEmail


def emails_to(address: str) -> list[OutgoingEmail]:
    """Return the emails queued to ``address``, oldest first."""
    return list(OutgoingEmail.objects.filter(recipient=address).order_by("pk"))
