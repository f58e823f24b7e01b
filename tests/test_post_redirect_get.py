"""Post/Redirect/Get for the forms outside the signing, EOI, application, training,
newsletter and admin journeys: each form posted validly answers with a redirect, so that
Back and Refresh never ask to send it again ("Confirm Form Resubmission"). Each redirect
leads to a page that opens.

The Notify delivery receipt (``mail:notify-delivery-receipt``) is a webhook, not a form: it
answers 204 with no page (tests/mail/test_views.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from funding.models import Award, AwardStatus
from funding.services.decisions import round_decisions_announce
from localdigital.mail.models import OutgoingEmail
from tests.accounts.conftest import link_in
from tests.accounts.factories import UserFactory
from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory
from tests.funding.factories import (
    ApplicationFactory,
    AwardFactory,
    DecisionFactory,
    ProjectOutputFactory,
    RoundFactory,
)

pytestmark = pytest.mark.django_db


@dataclass
class Form:
    """A form as someone sends it: who, where, and what they answer."""

    client: Client
    url: str
    data: dict[str, object] = field(default_factory=dict)


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def sign_in() -> Form:
    UserFactory(email="clerk@leeds.gov.uk")
    return Form(Client(), reverse("accounts:sign-in"), {"email": "clerk@leeds.gov.uk"})


def sign_in_link_continue() -> Form:
    UserFactory(email="clerk@leeds.gov.uk")
    client = Client()
    client.post(reverse("accounts:sign-in"), {"email": "clerk@leeds.gov.uk"})
    client.get(link_in(OutgoingEmail.objects.get()))
    return Form(client, reverse("accounts:link"))


def sign_out() -> Form:
    return Form(_signed_in(UserFactory()), reverse("accounts:sign-out"))


def _organisation_admin(*, signed: bool = False):
    organisation = OrganisationFactory(slug="borsetshire")
    if signed:
        SigningFactory(organisation=organisation)
    return MembershipFactory(organisation=organisation, admin=True)


def _organisation_url(name: str, **kwargs: object) -> str:
    return reverse(f"declaration:organisation-{name}", kwargs={"slug": "borsetshire", **kwargs})


def member_approve() -> Form:
    admin = _organisation_admin()
    waiting = MembershipFactory(organisation=admin.organisation, pending=True)
    return Form(_signed_in(admin.user), _organisation_url("member-approve", pk=waiting.pk))


def member_refuse() -> Form:
    admin = _organisation_admin()
    waiting = MembershipFactory(organisation=admin.organisation, pending=True)
    return Form(_signed_in(admin.user), _organisation_url("member-refuse", pk=waiting.pk))


def member_remove() -> Form:
    admin = _organisation_admin()
    member = MembershipFactory(organisation=admin.organisation)
    return Form(_signed_in(admin.user), _organisation_url("member-remove", pk=member.pk))


def hand_over() -> Form:
    admin = _organisation_admin()
    member = MembershipFactory(organisation=admin.organisation)
    return Form(
        _signed_in(admin.user),
        _organisation_url("hand-over"),
        {"member": member.pk, "stay_admin": "yes"},
    )


def withdraw() -> Form:
    admin = _organisation_admin(signed=True)
    return Form(
        _signed_in(admin.user), _organisation_url("withdraw"), {"reason": "We have merged."}
    )


def declaration_project_update() -> Form:
    signing = SigningFactory(organisation=OrganisationFactory(slug="hackney"))
    member = MembershipFactory(organisation=signing.organisation).user
    return Form(
        _signed_in(member),
        reverse("declaration:update-new", kwargs={"slug": "hackney"}),
        {"title": "Alpha finished", "body": "We built a prototype."},
    )


def _project_team():
    award = AwardFactory()
    return award, _signed_in(award.application.created_by)


def progress_update() -> Form:
    award, client = _project_team()
    return Form(
        client,
        reverse("funding:project-update-new", args=[award.slug]),
        {"title": "Discovery finished", "body": "We met 20 residents."},
    )


def output_add() -> Form:
    award, client = _project_team()
    return Form(
        client,
        reverse("funding:project-outputs", args=[award.slug]),
        {
            "title": "Prototype",
            "url": "https://github.com/council/prototype",
            "output_type": "code",
        },
    )


def output_remove() -> Form:
    award, client = _project_team()
    output = ProjectOutputFactory(award=award)
    return Form(client, reverse("funding:project-output-remove", args=[award.slug, output.pk]))


def _offer():
    """Return an announced grant offer's application and its lead organisation's admin."""
    now = timezone.now()
    round = RoundFactory(
        closed=True,
        decisions_approved_at=now - datetime.timedelta(days=5),
        decisions_announced_at=now - datetime.timedelta(days=1),
    )
    application = ApplicationFactory(submitted=True, round=round)
    DecisionFactory(application=application, award_amount=Decimal(55000))
    admin = MembershipFactory(organisation=application.lead_organisation, admin=True).user
    assert round_decisions_announce(round_id=round.pk, now=now) == "announced"
    return application, _signed_in(admin)


def offer_accept() -> Form:
    application, client = _offer()
    return Form(client, reverse("funding:application-offer-accept", args=[application.reference]))


def offer_decline_reason() -> Form:
    application, client = _offer()
    return Form(
        client,
        reverse("funding:application-offer-decline", args=[application.reference]),
        {"reason": "Our partners withdrew."},
    )


def offer_decline_confirm() -> Form:
    application, client = _offer()
    client.post(
        reverse("funding:application-offer-decline", args=[application.reference]),
        {"reason": "Our partners withdrew."},
    )
    return Form(
        client, reverse("funding:application-offer-decline-check", args=[application.reference])
    )


FORMS: dict[str, Callable[[], Form]] = {
    "sign in": sign_in,
    "sign-in link, Continue": sign_in_link_continue,
    "sign out": sign_out,
    "organisation admin, approve a request to join": member_approve,
    "organisation admin, refuse a request to join": member_refuse,
    "organisation admin, remove a member": member_remove,
    "organisation admin, hand on the admin role": hand_over,
    "organisation admin, withdraw from the Declaration": withdraw,
    "declaration project update": declaration_project_update,
    "funded project, progress update": progress_update,
    "funded project, add an output": output_add,
    "funded project, remove an output": output_remove,
    "grant offer, accept": offer_accept,
    "grant offer, decline: the reason": offer_decline_reason,
    "grant offer, decline: confirm": offer_decline_confirm,
}


@pytest.mark.parametrize("name", FORMS)
def test_a_form_posted_validly_redirects_to_a_page_that_opens(
    name, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        form = FORMS[name]()
        response = form.client.post(form.url, form.data)

    assert 300 <= response.status_code < 400, (
        f"{name}: answered {response.status_code}, not a redirect"
    )
    landing = form.client.get(response["Location"], follow=True)
    assert landing.status_code == 200


def test_declining_an_offer_waits_for_the_confirmation_page():
    """Continue on the reason only redirects; the offer is declined after confirming."""
    form = offer_decline_reason()
    form.client.post(form.url, form.data)
    assert Award.objects.get().status == AwardStatus.OFFERED
