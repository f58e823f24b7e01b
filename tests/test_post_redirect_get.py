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
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from funding.models import Award, AwardStatus
from funding.services.decisions import round_decisions_announce
from localdigital.accounts.services import staff_set_up_link, staff_user_create
from localdigital.mail.models import OutgoingEmail
from tests.accounts.conftest import link_in
from tests.accounts.factories import UserFactory
from tests.accounts.support import PASSWORD
from tests.declaration.factories import MembershipFactory, OrganisationFactory, SigningFactory
from tests.funding.factories import (
    ApplicationFactory,
    AwardFactory,
    DecisionFactory,
    ProjectOutputFactory,
    RoundFactory,
)
from tests.funding.factories_reporting import ProgressReportFactory, answer_every_section

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
    UserFactory.create(email="clerk@leeds.gov.uk")
    return Form(Client(), reverse("accounts:sign-in"), {"email": "clerk@leeds.gov.uk"})


def sign_in_link_continue() -> Form:
    UserFactory.create(email="clerk@leeds.gov.uk")
    client = Client()
    client.post(reverse("accounts:sign-in"), {"email": "clerk@leeds.gov.uk"})
    client.get(link_in(OutgoingEmail.objects.get()))
    return Form(client, reverse("accounts:link"))


def sign_out() -> Form:
    return Form(_signed_in(UserFactory.create()), reverse("accounts:sign-out"))


def _staff_password_step(client: Client, *, device: bool = True):
    user = UserFactory.create(staff=True, is_superuser=True)
    if device:
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    client.post(
        reverse("two_factor:login"),
        {
            "staff_login_view-current_step": "auth",
            "auth-username": user.email,
            "auth-password": PASSWORD,
        },
    )
    return user


def staff_sign_in_password() -> Form:
    user = UserFactory.create(staff=True, is_superuser=True)
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return Form(
        Client(),
        reverse("two_factor:login"),
        {
            "staff_login_view-current_step": "auth",
            "auth-username": user.email,
            "auth-password": PASSWORD,
        },
    )


def staff_sign_in_code() -> Form:
    client = Client()
    user = _staff_password_step(client)
    device = TOTPDevice.objects.get(user=user)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0):06d}"
    return Form(
        client,
        reverse("two_factor:login"),
        {"staff_login_view-current_step": "token", "token-otp_token": code},
    )


def staff_sign_in_use_a_backup_code() -> Form:
    client = Client()
    user = _staff_password_step(client)
    StaticDevice.objects.create(user=user, name="backup").token_set.create(token="abcd1234")
    return Form(
        client,
        reverse("two_factor:login"),
        {"staff_login_view-current_step": "token", "wizard_goto_step": "backup"},
    )


def staff_setup_welcome() -> Form:
    client = Client()
    _staff_password_step(client, device=False)
    return Form(client, reverse("two_factor:setup"), {"staff_setup_view-current_step": "welcome"})


def staff_set_up_password() -> Form:
    user = staff_user_create(
        email="new.staff@communities.gov.uk", groups=["Assessor"], created_by=None
    )
    client = Client()
    client.get(staff_set_up_link(user=user).removeprefix("http://testserver"))
    password = "heron lantern copper meadow"
    return Form(
        client,
        reverse("two_factor:set-up"),
        {"new_password1": password, "new_password2": password},
    )


def _organisation_admin(*, signed: bool = False):
    organisation = OrganisationFactory.create(slug="borsetshire")
    if signed:
        SigningFactory.create(organisation=organisation)
    return MembershipFactory.create(organisation=organisation, admin=True)


def _organisation_url(name: str, **kwargs: object) -> str:
    return reverse(f"declaration:organisation-{name}", kwargs={"slug": "borsetshire", **kwargs})


def member_approve() -> Form:
    admin = _organisation_admin()
    waiting = MembershipFactory.create(organisation=admin.organisation, pending=True)
    return Form(_signed_in(admin.user), _organisation_url("member-approve", pk=waiting.pk))


def member_refuse() -> Form:
    admin = _organisation_admin()
    waiting = MembershipFactory.create(organisation=admin.organisation, pending=True)
    return Form(_signed_in(admin.user), _organisation_url("member-refuse", pk=waiting.pk))


def member_remove() -> Form:
    admin = _organisation_admin()
    member = MembershipFactory.create(organisation=admin.organisation)
    return Form(_signed_in(admin.user), _organisation_url("member-remove", pk=member.pk))


def hand_over() -> Form:
    admin = _organisation_admin()
    member = MembershipFactory.create(organisation=admin.organisation)
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
    signing = SigningFactory.create(organisation=OrganisationFactory.create(slug="hackney"))
    member = MembershipFactory.create(organisation=signing.organisation).user
    return Form(
        _signed_in(member),
        reverse("declaration:update-new", kwargs={"slug": "hackney"}),
        {"title": "Alpha finished", "body": "We built a prototype."},
    )


def _project_team():
    award = AwardFactory.create()
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
    output = ProjectOutputFactory.create(award=award)
    return Form(client, reverse("funding:project-output-remove", args=[award.slug, output.pk]))


def _offer():
    """Return an announced grant offer's application and its lead organisation's admin."""
    now = timezone.now()
    round = RoundFactory.create(
        closed=True,
        decisions_approved_at=now - datetime.timedelta(days=5),
        decisions_announced_at=now - datetime.timedelta(days=1),
    )
    application = ApplicationFactory.create(submitted=True, round=round)
    DecisionFactory.create(application=application, award_amount=Decimal(55000))
    admin = MembershipFactory.create(organisation=application.lead_organisation, admin=True).user
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


def _report():
    """Return a project's first report, and a client signed in as a member of its lead."""
    award = AwardFactory.create(accepted=True)
    report = ProgressReportFactory.create(award=award, number=1)
    return report, _signed_in(award.application.created_by)


def report_section() -> Form:
    report, client = _report()
    return Form(
        client,
        reverse("funding:project-report-section", args=[report.award.slug, "1", "status"]),
        {"version": 0, "overall_status": "amber", "status_reason": "A partner is late."},
    )


def report_add_another_risk() -> Form:
    report, client = _report()
    return Form(
        client,
        reverse("funding:project-report-section", args=[report.award.slug, "1", "risks"]),
        {
            "version": 0,
            "row_count": 1,
            "risk_1_description": "The supplier may not open its API.",
            "risk_1_mitigation": "We meet it every fortnight.",
            "add_row": "1",
        },
    )


def report_submit() -> Form:
    report, client = _report()
    answer_every_section(report, report.award.application.created_by)
    return Form(client, reverse("funding:project-report-check", args=[report.award.slug, "1"]))


FORMS: dict[str, Callable[[], Form]] = {
    "sign in": sign_in,
    "sign-in link, Continue": sign_in_link_continue,
    "sign out": sign_out,
    "staff sign-in, password": staff_sign_in_password,
    "staff sign-in, code": staff_sign_in_code,
    "staff sign-in, use a backup code": staff_sign_in_use_a_backup_code,
    "staff authenticator app setup, start": staff_setup_welcome,
    "new member of staff's set-up link, password": staff_set_up_password,
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
    "progress report, a section": report_section,
    "progress report, add another risk": report_add_another_risk,
    "progress report, submit": report_submit,
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


class TestStaffSignInSteps:
    """The staff sign-in shows the step the session is on after a redirect, and nothing a
    session has not earned."""

    def test_after_the_password_the_code_is_asked_for(self):
        client = Client()
        _staff_password_step(client)
        page = client.get(f"{reverse('two_factor:login')}?step=token")
        assert "Enter the code from your authenticator app" in page.text

    def test_asking_for_the_code_step_without_a_password_starts_again(self):
        page = Client().get(f"{reverse('two_factor:login')}?step=token")
        assert page.status_code == 200
        assert '<h1 class="govuk-heading-l">Staff sign in</h1>' in page.text
        assert "Enter the code" not in page.text

    def test_the_code_step_expires_with_the_password(self, settings):
        settings.TWO_FACTOR_LOGIN_TIMEOUT = 1
        client = Client()
        _staff_password_step(client)
        session = client.session
        data = session["wizard_staff_login_view"]
        data["authentication_time"] -= 60
        session["wizard_staff_login_view"] = data
        session.save()
        page = client.get(f"{reverse('two_factor:login')}?step=token")
        assert "Enter the code" not in page.text

    def test_setting_up_the_app_shows_the_qr_code_after_the_redirect(self):
        client = Client()
        _staff_password_step(client, device=False)
        response = client.post(
            reverse("two_factor:setup"), {"staff_setup_view-current_step": "welcome"}
        )
        assert "Scan this QR code" in client.get(response["Location"]).text
