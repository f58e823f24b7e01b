"""The addresses training pages and emails link to.

The course page and the account page's answer to an offer are served by the training
views; these are their paths, which the views' URL patterns match.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

# A course's public page, under the /training/ list of the URL contract.
COURSE_PATH = "/training/{slug}/"
# Where the person accepts or declines an offer of a place, signed in.
OFFER_PATH = "/account/training/offers/{offer_id}/"
# A completed person's certificate, signed in.
CERTIFICATE_PATH = "/account/training/enrolments/{enrolment_id}/certificate/"


def site_url(path: str) -> str:
    """Return the full address of a path on the service, for an email."""
    return settings.SITE_URL + path


def course_path(slug: str) -> str:
    return COURSE_PATH.format(slug=slug)


def offer_path(offer_id: int) -> str:
    return OFFER_PATH.format(offer_id=offer_id)


def certificate_path(enrolment_id: int) -> str:
    return CERTIFICATE_PATH.format(enrolment_id=enrolment_id)


def enrolment_path(enrolment_id: int) -> str:
    """Return the person's own page of one of their enrolments, signed in."""
    return reverse("training:enrolment-detail", args=[enrolment_id])


def calendar_path(enrolment_id: int) -> str:
    """Return the calendar file of the sessions of the person's enrolment, signed in."""
    return reverse("training:enrolment-calendar", args=[enrolment_id])


def calendar_url(enrolment_id: int) -> str:
    return site_url(calendar_path(enrolment_id))


def account_url() -> str:
    return site_url(reverse("pages:account"))


def course_url(slug: str) -> str:
    return site_url(course_path(slug))


def offer_url(offer_id: int) -> str:
    return site_url(offer_path(offer_id))


def sign_url() -> str:
    """Return where someone starts signing the Declaration for their organisation."""
    return site_url(reverse("declaration:sign-start"))
