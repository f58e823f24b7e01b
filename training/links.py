"""The addresses training pages and emails link to, from the training views' URL names."""

from __future__ import annotations

from django.urls import reverse

from localdigital.links import absolute_url


def course_path(slug: str) -> str:
    """Return a course's public page, under the /training/ list of the URL contract."""
    return reverse("training:course-detail", kwargs={"slug": slug})


def offer_path(offer_id: int) -> str:
    """Return where the person accepts or declines an offer of a place, signed in."""
    return reverse("training:offer", kwargs={"pk": offer_id})


def certificate_path(enrolment_id: int) -> str:
    """Return a completed person's certificate, signed in."""
    return reverse("training:certificate", args=[enrolment_id])


def enrolment_path(enrolment_id: int) -> str:
    """Return the person's own page of one of their enrolments, signed in."""
    return reverse("training:enrolment-detail", args=[enrolment_id])


def calendar_path(enrolment_id: int) -> str:
    """Return the calendar file of the sessions of the person's enrolment, signed in."""
    return reverse("training:enrolment-calendar", args=[enrolment_id])


def calendar_url(enrolment_id: int) -> str:
    return absolute_url("training:enrolment-calendar", enrolment_id)


def enrolment_url(enrolment_id: int) -> str:
    return absolute_url("training:enrolment-detail", enrolment_id)


def account_url() -> str:
    return absolute_url("pages:account")


def course_url(slug: str) -> str:
    return absolute_url("training:course-detail", slug=slug)


def offer_url(offer_id: int) -> str:
    return absolute_url("training:offer", pk=offer_id)


def sign_url() -> str:
    """Return where someone starts signing the Declaration for their organisation."""
    return absolute_url("declaration:sign-start")
