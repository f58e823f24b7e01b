"""Post/Redirect/Get in the expression of interest and application journeys: every form
that succeeds answers with a redirect, so the browser's Back and Reload never offer to
send it again ("Confirm Form Resubmission"), and the page it leads to opens."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from funding.models import Section
from localdigital.mail.models import OutgoingEmail
from tests.funding.factories import (
    COMPLETE_ANSWERS,
    ApplicationFactory,
    ApplicationPartnerFactory,
    EoiFactory,
    RoundFactory,
    SignatoryFactory,
    member_of,
)

pytestmark = pytest.mark.django_db

# Each form: (client) -> (address, what a person would send).
Form = Callable[[Client], tuple[str, dict[str, object]]]


def as_writer(client: Client, user) -> None:
    client.force_login(user)


def eoi_start(client: Client) -> tuple[str, dict[str, object]]:
    lead = SignatoryFactory.create()
    as_writer(client, member_of(lead))
    return reverse("funding:eoi-start", args=[RoundFactory.create(eoi_open=True).slug]), {
        "organisation": lead.slug
    }


def eoi_new(client: Client) -> tuple[str, dict[str, object]]:
    lead = SignatoryFactory.create()
    as_writer(client, member_of(lead))
    round = RoundFactory.create(eoi_open=True)
    return f"{reverse('funding:eoi-new', args=[round.slug])}?organisation={lead.slug}", {
        "title": "Missed bins",
        "problem": "",
        "phase": "",
        "estimated_cost": "",
    }


def eoi_details(client: Client) -> tuple[str, dict[str, object]]:
    eoi = EoiFactory.create()
    as_writer(client, eoi.created_by)
    return reverse("funding:eoi-details", args=[eoi.reference]), {
        "title": "Missed bins",
        "problem": "Calls",
        "phase": "discovery",
        "estimated_cost": "60000",
    }


def eoi_partner_add(client: Client) -> tuple[str, dict[str, object]]:
    eoi = EoiFactory.create()
    as_writer(client, eoi.created_by)
    return reverse("funding:eoi-partners", args=[eoi.reference]), {
        "organisation": SignatoryFactory.create().slug
    }


def eoi_partner_remove(client: Client) -> tuple[str, dict[str, object]]:
    eoi = EoiFactory.create(partners=[SignatoryFactory.create()])
    as_writer(client, eoi.created_by)
    return reverse("funding:eoi-partner-remove", args=[eoi.reference, eoi.partners.get().pk]), {}


def eoi_submit(client: Client) -> tuple[str, dict[str, object]]:
    eoi = EoiFactory.create(partners=[SignatoryFactory.create()])
    as_writer(client, eoi.created_by)
    return reverse("funding:eoi-submit", args=[eoi.reference]), {}


def eoi_withdraw(client: Client) -> tuple[str, dict[str, object]]:
    eoi = EoiFactory.create(submitted=True)
    as_writer(client, eoi.created_by)
    return reverse("funding:eoi-withdraw", args=[eoi.reference]), {}


def eoi_delete(client: Client) -> tuple[str, dict[str, object]]:
    eoi = EoiFactory.create()
    as_writer(client, eoi.created_by)
    return reverse("funding:eoi-delete", args=[eoi.reference]), {}


def application_start(client: Client) -> tuple[str, dict[str, object]]:
    lead = SignatoryFactory.create()
    as_writer(client, member_of(lead))
    return reverse("funding:application-start", args=[RoundFactory.create().slug]), {
        "organisation": lead.slug
    }


def application_new(client: Client) -> tuple[str, dict[str, object]]:
    lead = SignatoryFactory.create()
    as_writer(client, member_of(lead))
    round = RoundFactory.create()
    return f"{reverse('funding:application-new', args=[round.slug])}?organisation={lead.slug}", {
        "title": "Missed bins",
        "problem": "",
        "evidence": "",
        "completed": "no",
        "version": "0",
    }


SECTION_ANSWERS: dict[str, dict[str, object]] = {
    Section.PROBLEM: {key: COMPLETE_ANSWERS[key] for key in ("title", "problem", "evidence")},
    Section.USERS: {"users_and_needs": COMPLETE_ANSWERS["users_and_needs"]},
    Section.APPROACH: {"approach": COMPLETE_ANSWERS["approach"], "phase": "discovery"},
    Section.OUTPUTS: {
        "outputs": COMPLETE_ANSWERS["outputs"],
        "output_types": ["code"],
        "reuse": COMPLETE_ANSWERS["reuse"],
    },
    Section.TEAM: {"team": COMPLETE_ANSWERS["team"]},
    Section.BUDGET: {
        "requested_amount": "60000",
        "line_count": "1",
        "line_1_description": "User research",
        "line_1_amount": "60000",
    },
    Section.STAKEHOLDER: {
        "stakeholder_name": "Sam Patel",
        "stakeholder_job_title": "Director",
        "stakeholder_email": "sam@example.gov.uk",
    },
}


def application_section(section: str) -> Form:
    def form(client: Client) -> tuple[str, dict[str, object]]:
        application = ApplicationFactory.create()
        as_writer(client, application.created_by)
        return reverse("funding:application-section", args=[application.reference, section]), {
            **SECTION_ANSWERS[section],
            "completed": "yes",
            "version": "0",
        }

    form.__name__ = f"application_section_{section}"
    return form


def application_budget_add_line(client: Client) -> tuple[str, dict[str, object]]:
    """ "Add another line" on the budget, which keeps what was typed."""
    application = ApplicationFactory.create()
    as_writer(client, application.created_by)
    return reverse("funding:application-section", args=[application.reference, "budget"]), {
        **SECTION_ANSWERS[Section.BUDGET],
        "version": "0",
        "add_line": "1",
    }


def application_partner_add(client: Client) -> tuple[str, dict[str, object]]:
    application = ApplicationFactory.create()
    as_writer(client, application.created_by)
    return reverse("funding:application-partners", args=[application.reference]), {
        "organisation": SignatoryFactory.create().slug,
        "contact_name": "Jo",
        "contact_email": "jo@borchester.gov.uk",
    }


def application_partner_contact(client: Client) -> tuple[str, dict[str, object]]:
    partner = ApplicationPartnerFactory.create()
    as_writer(client, partner.application.created_by)
    return reverse(
        "funding:application-partner-contact", args=[partner.application.reference, partner.pk]
    ), {"contact_name": "Jo", "contact_email": "jo@borchester.gov.uk"}


def application_partner_resend(client: Client) -> tuple[str, dict[str, object]]:
    partner = ApplicationPartnerFactory.create()
    as_writer(client, partner.application.created_by)
    return reverse(
        "funding:application-partner-resend", args=[partner.application.reference, partner.pk]
    ), {}


def application_partner_remove(client: Client) -> tuple[str, dict[str, object]]:
    partner = ApplicationPartnerFactory.create()
    as_writer(client, partner.application.created_by)
    return reverse(
        "funding:application-partner-remove", args=[partner.application.reference, partner.pk]
    ), {}


def application_submit(client: Client) -> tuple[str, dict[str, object]]:
    application = ApplicationFactory.create(complete=True)
    ApplicationPartnerFactory.create(application=application, confirmed=True)
    as_writer(client, application.created_by)
    return reverse("funding:application-check", args=[application.reference]), {}


def application_withdraw(client: Client) -> tuple[str, dict[str, object]]:
    application = ApplicationFactory.create(submitted=True)
    as_writer(client, application.created_by)
    return reverse("funding:application-withdraw", args=[application.reference]), {
        "reason": "Merged with another bid"
    }


def application_delete(client: Client) -> tuple[str, dict[str, object]]:
    application = ApplicationFactory.create()
    as_writer(client, application.created_by)
    return reverse("funding:application-delete", args=[application.reference]), {}


def partner_confirm(client: Client) -> tuple[str, dict[str, object]]:
    """The partner's contact presses "Confirm" on the page their emailed link opens."""
    partner = ApplicationPartnerFactory.create()
    writer = Client()
    writer.force_login(partner.application.created_by)
    writer.post(
        reverse(
            "funding:application-partner-resend", args=[partner.application.reference, partner.pk]
        )
    )
    email = OutgoingEmail.objects.filter(recipient=partner.contact_email).latest("pk")
    link = next(word for word in email.body_text.split() if "partners/confirm/?token=" in word)
    client.get(link)
    return reverse("funding:partner-confirm"), {}


FORMS: list[Form] = [
    eoi_start,
    eoi_new,
    eoi_details,
    eoi_partner_add,
    eoi_partner_remove,
    eoi_submit,
    eoi_withdraw,
    eoi_delete,
    application_start,
    application_new,
    *(application_section(section) for section in Section),
    application_budget_add_line,
    application_partner_add,
    application_partner_contact,
    application_partner_resend,
    application_partner_remove,
    application_submit,
    application_withdraw,
    application_delete,
    partner_confirm,
]


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.__name__)
def test_a_form_that_succeeds_redirects_to_a_page_that_opens(client, form):
    url, data = form(client)

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert "govuk-error-summary" not in client.get(response.url).content.decode()
    assert client.get(response.url).status_code == 200
