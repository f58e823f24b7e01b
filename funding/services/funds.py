"""Writes about funds: making one, changing its name, address and summary, and deleting funds
that have run no round, each with an audit event that says what was set, what changed from
what to what, or what was deleted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction

from localdigital.accounts.models import User
from localdigital.audit.changes import changes_set, unknown_fields_refused, values_of, values_set
from localdigital.audit.services import audit_record
from localdigital.public_cache import content_changed

from ..errors import TransitionNotAllowed
from ..models import Fund, Round

# What staff set of a fund, in the order its page shows it.
FUND_FIELDS = ("name", "slug", "summary")


def fund_create(*, values: Mapping[str, Any], created_by: User) -> Fund:
    """Make a fund with ``values`` (its name, slug and summary), and return it. One audit
    event (``funding.fund.created``) lists every value it was given. Raise ``ValueError`` for
    a field that is not set here (a bug in the caller)."""
    unknown_fields_refused("fund", FUND_FIELDS, values)
    with transaction.atomic():
        fund = Fund()
        given = values_set(fund, FUND_FIELDS, values)
        fund.save()
        audit_record(
            actor=created_by, verb="funding.fund.created", target=fund, data={"values": given}
        )
        content_changed("funding")
    return fund


def fund_update(*, fund_id: int, values: Mapping[str, Any], updated_by: User) -> Fund:
    """Change the fund's name, slug or summary to ``values``, and return the fund.

    Only the fields that differ from what is saved are written, and one audit event
    (``funding.fund.updated``) lists each with its old and new value; giving the values the
    fund has already changes nothing and records nothing. Raise ``ValueError`` for a field
    that is not set here (a bug in the caller).
    """
    unknown_fields_refused("fund", FUND_FIELDS, values)
    with transaction.atomic():
        fund = Fund.objects.select_for_update(no_key=True).get(pk=fund_id)
        changes = changes_set(fund, FUND_FIELDS, values)
        if not changes:
            return fund
        fund.save(update_fields=[change["field"] for change in changes])
        audit_record(
            actor=updated_by, verb="funding.fund.updated", target=fund, data={"changes": changes}
        )
        content_changed("funding")
    return fund


def funds_delete(*, fund_ids: Sequence[int], deleted_by: User) -> None:
    """Delete the funds ``fund_ids``, all or none, each with an audit event
    (``funding.fund.deleted``) that keeps what it was.

    A fund that has run a round stays, with its rounds: refused with
    ``TransitionNotAllowed``, and nothing is deleted. The funds are locked first, so that no
    round is added to one while it goes.
    """
    with transaction.atomic():
        funds = list(Fund.objects.select_for_update().filter(pk__in=fund_ids).order_by("pk"))
        with_rounds = sorted(
            {r.fund.name for r in Round.objects.filter(fund__in=funds).select_related("fund")}
        )
        if with_rounds:
            raise TransitionNotAllowed(
                f"{', '.join(with_rounds)} {'has' if len(with_rounds) == 1 else 'have'} run "
                "rounds, so cannot be deleted."
            )
        for fund in funds:
            audit_record(
                actor=deleted_by,
                verb="funding.fund.deleted",
                target=fund,
                data=values_of(fund, FUND_FIELDS),
            )
            fund.delete()
        if funds:
            content_changed("funding")
