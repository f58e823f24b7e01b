"""Awards (funded projects) in the admin: the list, each award's page with its application,
partners and payment schedule, and the buttons that mark an instalment paid and record that
the work started and finished."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from funding.models import Award, AwardStatus, Instalment
from localdigital.admin_actions import object_action_url
from tests.funding.admin_support import instalments_data
from tests.funding.factories import (
    ApplicationPartnerFactory,
    AwardFactory,
    InstalmentFactory,
    ProgressUpdateFactory,
    ProjectOutputFactory,
    SignatoryFactory,
)
from tests.funding.factories_reporting import ProgressReportFactory
from tests.support.messages import messages_of

pytestmark = pytest.mark.django_db

AWARDS = reverse("admin:funding_award_changelist")


def change_url(award) -> str:
    return reverse("admin:funding_award_change", args=[award.pk])


def pay_url(instalment) -> str:
    return reverse("admin:funding_instalment_pay", args=[instalment.pk])


def post_instalments(client, award, due: list[tuple[int, str]]):
    """Post the award's page with an instalment of each (days from today, amount)."""
    today = timezone.localdate()
    rows = [
        {"due_on": (today + timedelta(days=days)).isoformat(), "amount": amount}
        for days, amount in due
    ]
    return client.post(change_url(award), instalments_data(award, rows))


def paid_today(amount: str = "30000") -> dict:
    return {"amount": amount, "paid_on": timezone.localdate().isoformat()}


class TestAwardList:
    def test_shows_round_lead_amount_and_status(self, manager):
        award = AwardFactory(
            accepted=True,
            amount=Decimal(75000),
            application__lead_organisation=SignatoryFactory(name="Borsetshire County Council"),
        )
        InstalmentFactory(award=award, amount=Decimal(25000), paid_at=timezone.now())

        response = manager.get(AWARDS)

        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [award]
        row = response.text.split("<tbody>")[1].split("</tr>")[0]
        for shown in [
            award.title,
            award.application.round.name,
            "Borsetshire County Council",
            "£75,000",
            "Accepted",
            "£25,000",
        ]:
            assert shown in row, shown

    def test_filters_by_status(self, manager):
        AwardFactory()
        declined = AwardFactory(declined=True)

        response = manager.get(AWARDS, {"status__exact": "declined"})

        assert list(response.context["cl"].result_list) == [declined]

    def test_refused_to_an_assessor(self, assessor_client):
        award = AwardFactory()

        assert assessor_client.get(AWARDS).status_code == 403
        assert assessor_client.get(change_url(award)).status_code == 403


class TestAwardPage:
    def test_shows_the_application_partners_schedule_updates_and_outputs(self, manager):
        award = AwardFactory(accepted=True)
        ApplicationPartnerFactory(
            application=award.application,
            organisation=SignatoryFactory(name="Felpersham City Council"),
        )
        InstalmentFactory(award=award, amount=Decimal(30000))
        ProgressUpdateFactory(award=award, title="Sprint 1: what we learnt")
        ProjectOutputFactory(award=award, title="Missed bins prototype")

        response = manager.get(change_url(award))

        assert response.status_code == 200
        text = response.text
        assert reverse("admin:funding_application_change", args=[award.application.pk]) in text
        assert "Felpersham City Council" in text
        assert "Mark paid" in text
        assert "Sprint 1: what we learnt" in text
        assert "Missed bins prototype" in text
        assert "Record that work started" in text
        assert reverse("funding:project-detail", args=[award.slug]) in text
        assert 'name="title"' not in text

    def test_a_declined_award_has_no_public_page_and_no_buttons(self, manager):
        award = AwardFactory(declined=True)

        response = manager.get(change_url(award))

        assert "None: the offer was declined" in response.text
        assert reverse("funding:project-detail", args=[award.slug]) not in response.text
        assert "Record that work started" not in response.text

    def test_staff_add_dated_instalments(self, manager):
        award = AwardFactory(accepted=True, amount=Decimal(60000))

        response = post_instalments(manager, award, [(30, "30000"), (120, "30000")])

        assert response.status_code == 302
        assert sorted(award.instalments.values_list("amount", flat=True)) == [30000, 30000]
        award.refresh_from_db()
        assert award.status == AwardStatus.ACCEPTED

    def test_instalments_cannot_add_up_to_more_than_the_award(self, manager):
        award = AwardFactory(accepted=True, amount=Decimal(60000))

        response = post_instalments(manager, award, [(30, "40000"), (30, "30000")])

        assert response.status_code == 200
        assert "The instalments add up to £70,000, more than the £60,000 awarded." in (
            response.text
        )
        assert 'value="40000"' in response.text
        assert not Instalment.objects.exists()

    def test_an_instalment_needs_a_real_date_and_amount(self, manager):
        award = AwardFactory(accepted=True)

        response = manager.post(
            change_url(award), instalments_data(award, [{"due_on": "soon", "amount": "x"}])
        )

        assert response.status_code == 200
        assert "Enter the due date as a real date" in response.text
        assert "Enter the amount in pounds" in response.text
        assert not Instalment.objects.exists()

    def test_a_declined_award_takes_no_new_instalments(self, manager):
        award = AwardFactory(declined=True)

        response = manager.post(
            change_url(award),
            instalments_data(
                award, [{"due_on": timezone.localdate().isoformat(), "amount": "1000"}]
            ),
        )

        assert response.status_code == 200
        assert "This award is declined, so it takes no new instalments." in response.text


class TestPayments:
    def test_marks_an_instalment_paid(self, manager):
        instalment = InstalmentFactory()

        response = manager.post(pay_url(instalment), paid_today("29500"))

        assert response.status_code == 302
        assert response.url == change_url(instalment.award)
        instalment.refresh_from_db()
        assert instalment.paid_at is not None
        assert instalment.paid_amount == Decimal(29500)
        page = manager.get(change_url(instalment.award))
        assert "Paid £29,500 on" in page.text

    def test_from_the_instalment_list_it_goes_back_to_the_list_as_filtered(self, manager):
        instalment = InstalmentFactory()
        instalments = reverse("admin:funding_instalment_changelist")

        listed = manager.get(instalments, {"payment": "due"})
        link = re.search(r'href="([^"]+)">Mark paid', listed.text)
        assert link is not None
        pay_page = html.unescape(link.group(1))
        page = manager.get(pay_page)
        response = manager.post(pay_page, paid_today())

        assert f'href="{instalments}?payment=due"' in page.text  # its Cancel link
        assert response.status_code == 302
        assert response.url == f"{instalments}?payment=due"
        instalment.refresh_from_db()
        assert instalment.paid_at is not None

    def test_only_the_list_is_gone_back_to(self, manager):
        instalment = InstalmentFactory()
        instalments = reverse("admin:funding_instalment_changelist")

        response = manager.post(
            pay_url(instalment) + "?_changelist_filters=%0d%0aLocation%3A+https://evil.test",
            paid_today(),
        )

        assert response.status_code == 302
        assert response.url.startswith(f"{instalments}?")
        assert "\n" not in response.url and "\r" not in response.url

    def test_the_list_says_when_each_instalment_is_due_for_payment(self, manager):
        award = AwardFactory(accepted=True)
        report = ProgressReportFactory(award=award, number=1)
        final = ProgressReportFactory(award=award, final=True)
        InstalmentFactory(award=award, report=report, due_on=date(2027, 1, 4))
        InstalmentFactory(award=award, report=final, due_on=date(2027, 2, 4))
        InstalmentFactory(award=award, on_offer_acceptance=True, due_on=date(2027, 3, 4))
        InstalmentFactory(award=award, due_on=date(2027, 4, 4))

        page = manager.get(reverse("admin:funding_instalment_changelist")).text

        rows = page.split("<tbody>")[1].split("</tr>")
        assert [
            cell
            for row in rows[:4]
            for cell in re.findall(r'<td class="field-tied_to">([^<]*)</td>', row)
        ] == [
            "When Report 1 is accepted",
            "When the final report is accepted",
            "When the offer is accepted",
            "On its planned date",
        ]

    def test_the_instalment_list_says_every_date_the_same_way(self, manager):
        InstalmentFactory(
            due_on=date(2018, 12, 31),
            amount=Decimal(20000),
            paid_at=timezone.now(),
            paid_on=date(2018, 12, 31),
            paid_amount=Decimal(20000),
        )

        page = manager.get(reverse("admin:funding_instalment_changelist")).text

        assert "Paid £20,000 on 31 December 2018" in page
        assert "Monday" not in page

    def test_paying_twice_is_refused(self, manager):
        instalment = InstalmentFactory(paid_at=timezone.now() - timedelta(days=1))
        paid_at = instalment.paid_at

        page = manager.get(pay_url(instalment))
        response = manager.post(pay_url(instalment), paid_today())

        assert "This instalment has already been paid." in page.text
        assert "This instalment is already paid." in response.text
        instalment.refresh_from_db()
        assert instalment.paid_at == paid_at

    def test_an_offer_not_yet_accepted_is_not_paid(self, manager):
        instalment = InstalmentFactory(award=AwardFactory())

        page = manager.get(pay_url(instalment))
        response = manager.post(pay_url(instalment), paid_today())

        assert "This instalment is not due for payment" in page.text
        assert "has not been accepted yet" in response.text
        instalment.refresh_from_db()
        assert instalment.paid_at is None

    def test_refused_to_an_assessor(self, assessor_client):
        instalment = InstalmentFactory()

        assert assessor_client.post(pay_url(instalment), paid_today()).status_code == 403
        instalment.refresh_from_db()
        assert instalment.paid_at is None

    def test_an_unknown_instalment_is_not_found(self, manager):
        url = reverse("admin:funding_instalment_pay", args=[990_999])

        assert manager.post(url, paid_today()).status_code == 404


def act(client, award, action: str):
    """Press the button on the award's page that runs ``action``."""
    return client.post(object_action_url(award, action))


class TestStartAndFinish:
    def test_records_that_work_started_and_then_finished(self, manager):
        award = AwardFactory(accepted=True)

        started = act(manager, award, "start_selected")
        award.refresh_from_db()
        assert (started.status_code, started.url) == (302, change_url(award))
        assert award.status == AwardStatus.ACTIVE
        assert "Record that it finished" in manager.get(change_url(award)).text

        act(manager, award, "complete_selected")
        award.refresh_from_db()
        assert award.status == AwardStatus.COMPLETED
        assert award.completed_at is not None

    def test_an_offer_not_accepted_cannot_start(self, manager):
        award = AwardFactory()

        response = act(manager, award, "start_selected")

        assert "is not an accepted offer" in " ".join(messages_of(response))
        award.refresh_from_db()
        assert award.status == AwardStatus.OFFERED

    def test_an_award_not_active_cannot_finish(self, manager):
        award = AwardFactory(accepted=True)

        response = act(manager, award, "complete_selected")

        assert "is not active" in " ".join(messages_of(response))
        assert Award.objects.get(pk=award.pk).status == AwardStatus.ACCEPTED

    def test_refused_to_an_assessor(self, assessor_client):
        award = AwardFactory(accepted=True)

        response = act(assessor_client, award, "start_selected")

        assert response.status_code == 403
        assert Award.objects.get(pk=award.pk).status == AwardStatus.ACCEPTED
