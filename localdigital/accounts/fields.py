"""Model fields that other apps use to name a person."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def acted_by() -> models.ForeignKey:
    """Return a field naming the person who took a step (``submitted_by``, ``approved_by`` …).

    It is optional, since a step may be taken by the system, and is emptied rather than
    blocking when the person's account is deleted, so that the record of the step outlives
    them. It has no reverse accessor: nobody reads the steps from the person's side.
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
