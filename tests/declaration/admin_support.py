"""What the Declaration's admin tests share: the admin's lists, and a signing's status there."""

from __future__ import annotations

from django.urls import reverse

from declaration.models import Signing

SIGNINGS = reverse("admin:declaration_signing_changelist")
MEMBERSHIPS = reverse("admin:declaration_membership_changelist")


def status_of(signing: Signing) -> str:
    """Return the signing's status as saved."""
    return Signing.objects.get(pk=signing.pk).status
