"""The payment schedule on an award's page, saved through ``instalments_save``: what the
service refuses is shown above the schedule, with everything typed kept and nothing saved,
and what it saves is audited in one event."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Instalment
from funding.services.instalments import VERB
from localdigital.audit.models import AuditEvent
from tests.funding.admin_support import errors_of, instalments_data
from tests.funding.factories import AwardFactory, InstalmentFactory

pytestmark = pytest.mark.django_db


def change_url(award) -> str:
    return reverse("admin:funding_award_change", args=[award.pk])


def row(instalment: Instalment, **typed) -> dict:
    """The instalment's row as its page posts it, with ``typed`` in place of what it has."""
    return {
        "id": instalment.pk,
        "due_on": instalment.due_on.isoformat(),
        "amount": str(instalment.amount),
        **typed,
    }


def refusal_of(response) -> list[str]:
    """Return the errors above the payment schedule, and check the page says to correct
    them."""
    errors = errors_of(response)
    assert "Please correct the error below." in response.text
    return errors["instalments"]


class TestRefusedOnThePage:
    def test_too_much_in_all_is_shown_above_the_schedule_with_the_amounts_typed(self, manager):
        award = AwardFactory(accepted=True, amount=Decimal(60000))
        InstalmentFactory(award=award, amount=Decimal(20000), due_on=date(2027, 1, 4))
        (planned,) = award.instalments.all()

        response = manager.post(
            change_url(award),
            instalments_data(
                award,
                [
                    row(planned, amount="25000"),
                    {"due_on": "2027-06-01", "amount": "40000"},
                ],
            ),
        )

        assert refusal_of(response) == [
            "The instalments add up to £65,000, more than the £60,000 awarded."
        ]
        assert 'value="25000"' in response.text
        assert 'value="40000"' in response.text
        assert 'value="2027-06-01"' in response.text
        planned.refresh_from_db()
        assert planned.amount == Decimal(20000)
        assert award.instalments.count() == 1
        assert not AuditEvent.objects.filter(verb=VERB).exists()

    def test_a_paid_instalment_is_shown_as_it_is_and_nothing_posted_changes_it(self, manager):
        """Its fields and its Delete box are disabled; a change posted all the same (the
        service would refuse it) is not read."""
        award = AwardFactory(accepted=True)
        paid = InstalmentFactory(award=award, due_on=date(2027, 1, 4), paid_at=timezone.now())
        unpaid = InstalmentFactory(award=award, due_on=date(2027, 6, 1))

        page = manager.get(change_url(award))
        (schedule,) = (
            inline.formset
            for inline in page.context["inline_admin_formsets"]
            if inline.formset.prefix == "instalments"
        )
        form = {each.instance.pk: each for each in schedule}
        response = manager.post(
            change_url(award),
            instalments_data(award, [row(paid, amount="12345", DELETE="on"), row(unpaid)]),
        )

        typed = ("due_on", "amount", "report", "on_offer_acceptance", "DELETE")
        assert all(form[paid.pk].fields[name].disabled for name in typed)
        assert not any(form[unpaid.pk].fields[name].disabled for name in typed)
        assert response.status_code == 302
        paid.refresh_from_db()
        assert paid.amount == Decimal(30000)
        assert not AuditEvent.objects.filter(verb=VERB).exists()

    def test_a_completed_award_takes_no_new_instalment(self, manager):
        award = AwardFactory(completed=True)

        response = manager.post(
            change_url(award),
            instalments_data(award, [{"due_on": "2027-06-01", "amount": "1500"}]),
        )

        assert refusal_of(response) == ["This award is completed, so it takes no new instalments."]
        assert 'value="1500"' in response.text
        assert not Instalment.objects.exists()

    def test_an_amount_typed_wrong_is_shown_beside_it_before_any_rule(self, manager):
        award = AwardFactory(accepted=True, amount=Decimal(60000))

        response = manager.post(
            change_url(award),
            instalments_data(award, [{"due_on": "2027-06-01", "amount": "0"}]),
        )

        errors = errors_of(response)
        assert "instalments" not in errors
        assert errors["instalments-0-amount"]
        assert not Instalment.objects.exists()


class TestSavedAndAudited:
    def test_one_event_names_what_was_added_changed_and_removed(self, manager, fund_manager):
        award = AwardFactory(accepted=True, amount=Decimal(60000))
        kept = InstalmentFactory(award=award, amount=Decimal(20000), due_on=date(2027, 1, 4))
        gone = InstalmentFactory(award=award, amount=Decimal(10000), due_on=date(2027, 2, 1))

        response = manager.post(
            change_url(award),
            instalments_data(
                award,
                [
                    row(kept, amount="25000"),
                    row(gone, DELETE="on"),
                    {"due_on": "2027-06-01", "amount": "30000"},
                ],
            ),
        )

        assert response.status_code == 302
        added = award.instalments.get(due_on=date(2027, 6, 1))
        (event,) = AuditEvent.objects.filter(verb=VERB)
        assert event.actor == fund_manager
        assert [change["change"] for change in event.data["changes"]] == [
            "added",
            "changed",
            "removed",
        ]
        assert event.data["changes"][0]["instalment"] == added.pk
        assert event.data["changes"][1]["fields"] == [
            {"field": "amount", "old": "20000.00", "new": "25000.00"}
        ]
        assert event.data["changes"][2]["instalment"] == gone.pk
        assert sorted(award.instalments.values_list("amount", flat=True)) == [25000, 30000]

    def test_the_page_saved_as_it_was_records_nothing(self, manager):
        award = AwardFactory(accepted=True)
        planned = InstalmentFactory(award=award)

        response = manager.post(change_url(award), instalments_data(award, [row(planned)]))

        assert response.status_code == 302
        assert not AuditEvent.objects.filter(verb=VERB).exists()
