"""A public update that a member of a team posts on its work (a declaration project's, a
funded project's): the abstract model each domain's updates share. This module knows no
domain."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

# The longest title an update may have.
UPDATE_TITLE_MAX = 200


class Update(models.Model):
    """A title and what happened, who posted it and when. Each domain names what it is an
    update on, and its order."""

    title = models.CharField(max_length=UPDATE_TITLE_MAX)
    body = models.TextField()
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    posted_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title
