"""References that people read out and quote, such as ``LDD-7K3Q9M``: a prefix that says
what it is, then six letters and digits that cannot be misread for each other."""

from __future__ import annotations

import secrets

# Letters and digits that cannot be misread for each other (no 0/O, 1/I/L).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 6


def new_reference(prefix: str) -> str:
    """Return a new random reference with ``prefix``, such as ``EOI-7K3Q9M``.

    With 31 characters in 6 places there are about 887 million; a model keeps its
    references unique in the database, so a clash (which a save would refuse) is rare enough
    that nothing retries it."""
    return f"{prefix}-" + "".join(
        secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH)
    )
