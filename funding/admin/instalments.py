"""Staff screens for the payment of awards: each award's payment schedule (on its page),
where fund managers plan instalments and tie each to a progress report or to the offer's
acceptance; the list of every instalment by where it stands; and the page that records an
instalment paid, with the amount and the date.

An instalment tied to a report is due for payment only once the report is accepted; the
payment service checks it, whatever screen asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from localdigital.accounts.requests import request_staff_user
from localdigital.admin_actions import run_each, service_error_show
from localdigital.admin_filters import NamedChoicesFilter, Narrowing
from localdigital.admin_pages import ReadOnlyRowsMixin, admin_form_page
from localdigital.errors import DomainError
from localdigital.formats import calendar_date
from localdigital.forms import posted

from .. import formats
from ..models import AwardStatus, Instalment, ProgressReport
from ..selectors.payments import PaymentState, instalments_with_state
from ..services import awards as services
from .forms.awards import InstalmentForm, InstalmentFormSet, PayForm

AWARD_CHANGE = "admin:funding_award_change"
INSTALMENT_LIST = "admin:funding_instalment_changelist"
# The admin's own name for the list's filters, kept while a person leaves the list and
# comes back to it (`ModelAdmin.get_preserved_filters`).
LIST_FILTERS = "_changelist_filters"


def pay_url(instalment: Instalment, list_filters: str | None = None) -> str:
    """The page that records ``instalment`` paid. Given the Instalments list's filters (its
    query string, perhaps empty), the page goes back to that list; without, to the award."""
    url = reverse("admin:funding_instalment_pay", args=[instalment.pk])
    return url if list_filters is None else f"{url}?{urlencode({LIST_FILTERS: list_filters})}"


def payment_state(instalment: Instalment, list_filters: str | None = None) -> SafeString | str:
    """Say where an instalment stands, with a link to record it paid when it is due (back
    to the list with ``list_filters``, see `pay_url`); dates without their weekday, as the
    admin says every date (`localdigital.admin_dates`)."""
    state = getattr(instalment, "payment_state", "")
    if state == PaymentState.PAID:
        by = instalment.paid_by.email if instalment.paid_by else "someone"
        return (
            f"Paid {formats.money(instalment.paid_amount)} on "
            f"{calendar_date(instalment.paid_on or instalment.due_on)} (recorded by {by})"
        )
    if state == PaymentState.DUE:
        return format_html(
            '<a href="{}">Mark paid<span class="visually-hidden"> the instalment of {} due {}'
            "</span></a>",
            pay_url(instalment, list_filters),
            formats.money(instalment.amount),
            calendar_date(instalment.due_on),
        )
    if state == PaymentState.WAITING_REPORT and instalment.report is not None:
        return f"Waiting for {instalment.report.name_in_text} to be accepted"
    return PaymentState.LABELS.get(state, "-")


class InstalmentInline(admin.TabularInline):
    """The award's payment schedule: staff plan instalments, tie each to a report or to the
    offer's acceptance, and record each paid once it is due. The award's page saves it
    through ``instalments_save`` (``AwardAdmin.save_related``), which checks its rules."""

    model = Instalment
    form = InstalmentForm
    formset = InstalmentFormSet
    extra = 1
    fields = ["due_on", "amount", "report", "on_offer_acceptance", "payment"]
    readonly_fields = ["payment"]
    verbose_name = "instalment"
    verbose_name_plural = "payment schedule"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Instalment]:
        return instalments_with_state().select_related("paid_by", "award", "report")

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        field = formset.form.base_fields["report"]
        field.queryset = (  # type: ignore[attr-defined]
            ProgressReport.objects.filter(award=obj).order_by("due_at")
            if obj is not None
            else ProgressReport.objects.none()
        )
        return formset

    @admin.display(description="payment")
    def payment(self, instalment: Instalment) -> SafeString | str:
        if instalment.pk is None:
            return "-"
        return payment_state(instalment)


class PaymentStateFilter(NamedChoicesFilter):
    title = "payment"
    parameter_name = "payment"

    def named_choices(self) -> Mapping[str, tuple[str, Narrowing]]:
        return {
            state: (label, Q(payment_state=state)) for state, label in PaymentState.LABELS.items()
        }


class ClosingFilter(NamedChoicesFilter):
    """Instalments not yet paid of projects that have finished: to pay or to cancel."""

    title = "closing"
    parameter_name = "closing"

    def named_choices(self) -> Mapping[str, tuple[str, Narrowing]]:
        return {
            "unpaid": (
                "Not paid, project completed",
                Q(award__status=AwardStatus.COMPLETED, paid_at__isnull=True),
            )
        }


@admin.register(Instalment)
class InstalmentAdmin(ReadOnlyRowsMixin, admin.ModelAdmin):
    """Every instalment of every award, by where it stands: due for payment, waiting for a
    report or for the offer, or paid. Instalments are planned on each award's page; here
    staff find those due, and record each paid."""

    list_display = ["amount_display", "award_title", "due_on", "tied_to", "payment"]
    list_display_links = ["amount_display"]
    list_filter = [PaymentStateFilter, ClosingFilter, "award__application__round"]
    actions = ["cancel_selected"]
    list_select_related = ["award", "report", "paid_by"]
    search_fields = ["award__title", "award__application__lead_organisation__name"]
    search_help_text = "Search by project title or lead organisation."
    ordering = ["due_on", "pk"]
    fields = ["award_title", "amount_display", "due_on", "tied_to", "payment"]
    readonly_fields = ["award_title", "amount_display", "due_on", "tied_to", "payment"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Instalment]:
        return instalments_with_state().select_related("award", "report", "paid_by")

    @admin.display(description="project", ordering="award__title")
    def award_title(self, instalment: Instalment) -> SafeString:
        return format_html(
            '<a href="{}">{}</a>',
            reverse(AWARD_CHANGE, args=[instalment.award_id]),
            instalment.award.title,
        )

    @admin.display(description="amount", ordering="amount")
    def amount_display(self, instalment: Instalment) -> str:
        return formats.money(instalment.amount)

    @admin.display(description="becomes due")
    def tied_to(self, instalment: Instalment) -> str:
        if instalment.report is not None:
            return f"When {instalment.report.name_in_text} is accepted"
        if instalment.on_offer_acceptance:
            return "When the offer is accepted"
        return "On its planned date"

    @admin.display(description="payment")
    def payment(self, instalment: Instalment) -> SafeString | str:
        return payment_state(instalment)

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        """The list's columns, its "Mark paid" links coming back to the list as it was
        filtered."""
        list_filters = request.GET.urlencode()

        @admin.display(description="payment")
        def payment(instalment: Instalment) -> SafeString | str:
            return payment_state(instalment, list_filters)

        return [payment if column == "payment" else column for column in self.list_display]

    def get_urls(self) -> list[URLPattern]:
        return [
            admin_form_page(
                self, "<int:instalment_id>/pay/", self.pay_view, "funding_instalment_pay"
            ),
            *super().get_urls(),
        ]

    def pay_view(self, request: HttpRequest, instalment_id: int) -> HttpResponse:
        """Record that an instalment due for payment was paid: the amount and the date."""
        instalment = get_object_or_404(
            instalments_with_state().select_related("award", "report"), pk=instalment_id
        )
        if not self.has_change_permission(request, instalment):
            raise PermissionDenied
        award_url = reverse(AWARD_CHANGE, args=[instalment.award_id])
        list_filters = request.GET.get(LIST_FILTERS)
        back_url = (
            award_url
            if list_filters is None
            # Read and written again, so that only a query string follows the list's address.
            else f"{reverse(INSTALMENT_LIST)}?{QueryDict(list_filters).urlencode()}".rstrip("?")
        )
        form = PayForm(
            posted(request), initial={"amount": instalment.amount, "paid_on": timezone.localdate()}
        )
        if form.is_valid():
            try:
                services.instalment_mark_paid(
                    instalment=instalment,
                    paid_by=request_staff_user(request),
                    amount=form.cleaned_data["amount"],
                    paid_on=form.cleaned_data["paid_on"],
                )
            except DomainError as error:
                service_error_show(form, error, None)
            else:
                self.message_user(
                    request,
                    f"Recorded {formats.money(form.cleaned_data['amount'])} paid on "
                    f"{formats.day(form.cleaned_data['paid_on'])} for the instalment of "
                    f"{instalment.award.title} planned for {formats.day(instalment.due_on)}.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(back_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Record a payment: {instalment.award.title}",
            "instalment": instalment,
            "award_url": award_url,
            "back_url": back_url,
            "amount": formats.money(instalment.amount),
            "planned": formats.day(instalment.due_on),
            "tied_to": self.tied_to(instalment),
            "state": PaymentState.LABELS.get(instalment.payment_state, ""),  # type: ignore[attr-defined]
            "is_due": instalment.payment_state == PaymentState.DUE,  # type: ignore[attr-defined]
            "is_paid": instalment.payment_state == PaymentState.PAID,  # type: ignore[attr-defined]
            "form": form,
        }
        return TemplateResponse(request, "admin/funding/instalment/pay.html", context)

    @admin.action(description="Cancel the instalments not paid", permissions=["change"])
    def cancel_selected(self, request: HttpRequest, queryset: QuerySet[Instalment]) -> None:
        """Remove instalments not yet paid from their projects' payment schedules."""
        staff = request_staff_user(request)
        run_each(
            self,
            request,
            list(queryset.select_related("award").order_by("due_on", "pk")),
            lambda instalment: services.instalment_cancel(
                instalment=instalment, cancelled_by=staff
            ),
            label=lambda instalment: (
                f"{formats.money(instalment.amount)} for {instalment.award.title}"
            ),
            done="Cancelled the instalments of {}.",
            refused="Not cancelled:",
        )
