"""What the funding services share: who may act on a bid, and the links emails carry."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.urls import reverse

from declaration import selectors as declaration_selectors
from declaration.models import Organisation
from localdigital.accounts.models import User

from ..errors import FundingError, NotPermitted


def require_member(*, user: User, organisation_ids: Iterable[int], action: str) -> None:
    """Raise ``NotPermitted`` unless ``user`` is an approved member of one of the
    organisations; ``action`` says, for the message, what they tried to do."""
    if not set(organisation_ids) & declaration_selectors.organisation_ids_for_member(user=user):
        raise NotPermitted(f"Only members of the organisations in this bid can {action}.")


def require_signatory_member(*, user: User, organisation: Organisation) -> None:
    """Raise unless ``user`` is an approved member of ``organisation`` and it is a published
    signatory: only signatories bid to the Fund."""
    require_member(user=user, organisation_ids=[organisation.pk], action="bid for it")
    if not declaration_selectors.signatory_organisation_ids(organisation_ids=[organisation.pk]):
        raise FundingError(
            f"{organisation.name} has not signed the Local Digital Declaration, so it cannot "
            "lead a bid to the Fund."
        )


def site_url(name: str, *args: object) -> str:
    """Return the full address of the named URL, for an email."""
    return settings.SITE_URL + reverse(name, args=args)


def field_label(model: type[models.Model], name: str) -> str:
    """Return how a field of ``model`` is named to people: its verbose name."""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def person_name(user: User | None) -> str:
    """Return how a collaborator is named to others: their name, else their email."""
    if user is None:
        return "Someone who no longer has an account"
    return user.full_name or user.email
