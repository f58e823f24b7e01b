"""What an expression of interest and a full application have in common: a bid to a round
by a lead organisation, drafted, then submitted or withdrawn, with a reference to quote."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from localdigital.accounts.fields import acted_by

# The states both kinds of bid share: being written (``is_draft``), and sent to the Fund.
DRAFT = "draft"
SUBMITTED = "submitted"


class Bid(models.Model):
    """The history both kinds of bid keep: when it was made, last saved, submitted and
    withdrawn, and by whom. Each kind names its own round, lead and states."""

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = acted_by()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = acted_by()

    reference: str
    title: str
    status: str

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title or 'Untitled'}"

    @property
    def is_draft(self) -> bool:
        return self.status == DRAFT


class BidPartner(models.Model):
    """An organisation taking part in a bid beside its lead: who added it, and when. Each
    kind names its bid and the organisation."""

    added_at = models.DateTimeField(default=timezone.now)
    added_by = acted_by()

    organisation: models.ForeignKey

    class Meta:
        abstract = True
        ordering = ["organisation__name"]
        verbose_name = "partner"

    def __str__(self) -> str:
        return str(self.organisation)


class BidChange(models.Model):
    """One save of a draft bid by a collaborator: its visible history, and who is reminded
    of its deadline. Each kind names its bid."""

    description = models.CharField(max_length=200)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-changed_at", "-pk"]

    def __str__(self) -> str:
        return self.description
