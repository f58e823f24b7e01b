"""Reads about the payment of awards: whether each instalment is due for payment, what has
been paid, and the warning when a project says it has spent more than it has been paid.

An instalment tied to a progress report is due for payment only once that report is
accepted; one tied to the offer, once the offer is accepted; one tied to neither, as soon as
the offer is accepted (it is paid on its date). The rule is here once, as the
``payment_state`` of ``instalments_with_state()``, which the admin and the payment service
both read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, CharField, Q, QuerySet, Sum, Value, When

from .. import formats
from ..models import Award, AwardStatus, Instalment, ProgressReport, ReportStatus

# Awards whose instalments may be paid: a completed project's last payment comes after its
# final report is accepted.
PAYABLE_AWARDS = (AwardStatus.ACCEPTED, AwardStatus.ACTIVE, AwardStatus.COMPLETED)


class PaymentState:
    """Where an instalment stands, as ``instalments_with_state`` annotates it."""

    PAID = "paid"
    DUE = "due"
    WAITING_REPORT = "waiting_report"
    WAITING_OFFER = "waiting_offer"
    CLOSED = "closed"

    LABELS = {
        PAID: "Paid",
        DUE: "Due for payment",
        WAITING_REPORT: "Waiting for its report to be accepted",
        WAITING_OFFER: "Waiting for the offer to be accepted",
        CLOSED: "Not to be paid: the offer was declined",
    }


def instalments_with_state() -> QuerySet[Instalment]:
    """Return every instalment, annotated with its ``payment_state``."""
    return Instalment.objects.annotate(
        payment_state=Case(
            When(paid_at__isnull=False, then=Value(PaymentState.PAID)),
            When(award__status=AwardStatus.OFFERED, then=Value(PaymentState.WAITING_OFFER)),
            When(~Q(award__status__in=PAYABLE_AWARDS), then=Value(PaymentState.CLOSED)),
            When(
                Q(report__isnull=False) & ~Q(report__status=ReportStatus.ACCEPTED),
                then=Value(PaymentState.WAITING_REPORT),
            ),
            default=Value(PaymentState.DUE),
            output_field=CharField(),
        )
    )


def instalment_payment_state(*, instalment: Instalment) -> str:
    """Return where one instalment stands (a ``PaymentState``)."""
    found = instalments_with_state().get(pk=instalment.pk)
    return str(found.payment_state)  # type: ignore[attr-defined]


def report_instalments_due(*, report: ProgressReport) -> list[Instalment]:
    """Return the instalments tied to ``report`` that are due for payment (once it is
    accepted), earliest first."""
    tied = instalments_with_state().filter(report=report).order_by("due_on", "pk")
    return [i for i in tied if getattr(i, "payment_state", "") == PaymentState.DUE]


@dataclass(frozen=True)
class AwardPayments:
    """What an award has been paid, and the next instalment not yet paid."""

    paid: Decimal
    next_amount: Decimal
    next_due_on: object

    @property
    def paid_and_next(self) -> Decimal:
        return self.paid + self.next_amount


def award_payments(*, award: Award) -> AwardPayments:
    """Return what ``award`` has been paid and its next instalment, in two queries."""
    paid = Instalment.objects.filter(award=award, paid_at__isnull=False).aggregate(
        total=Sum("paid_amount", default=Decimal(0))
    )["total"]
    following = (
        Instalment.objects.filter(award=award, paid_at__isnull=True)
        .order_by("due_on", "pk")
        .only("amount", "due_on")
        .first()
    )
    return AwardPayments(
        paid=paid,
        next_amount=following.amount if following is not None else Decimal(0),
        next_due_on=following.due_on if following is not None else None,
    )


def spend_warning(*, award: Award, spent_to_date: Decimal) -> str:
    """Return the warning for a report whose spend to date is more than the award has been
    paid plus its next instalment, or "" when it is not."""
    payments = award_payments(award=award)
    if spent_to_date <= payments.paid_and_next:
        return ""
    following = (
        f" and the next instalment, {formats.money(payments.next_amount)}"
        if payments.next_amount
        else ""
    )
    return (
        f"The spend to date, {formats.money(spent_to_date)}, is more than the "
        f"{formats.money(payments.paid)} paid so far{following}. If the project needs money "
        "sooner than planned, say so under risks and issues."
    )


def budget_above_award(*, award: Award, budget: list[Decimal]) -> str:
    """Return what the spend page says when the application's budget lines (``budget``,
    each line's amount) total more than the grant, as they do when the Fund awards less than
    was asked; else ""."""
    total = sum(budget, Decimal(0))
    if total <= award.amount:
        return ""
    return (
        f"The budget lines in the application total {formats.money(total)}, more than the "
        f"grant of {formats.money(award.amount)}. Give what was really spent on each line: "
        "the Local Digital team compares the spend to date with what has been paid, not "
        "with the lines."
    )
