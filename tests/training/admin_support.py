"""What the training admin tests share: the admin's addresses, and reading what a page
said. Their clients are fixtures in ``conftest.py``."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

OTHER_STAFF = ["Fund manager", "Assessor", "Communications"]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def cohort_url(cohort, name: str = "change", *args: object) -> str:
    return reverse(f"admin:training_cohort_{name}", args=[cohort.pk, *args])


def enrolment_url(enrolment, name: str = "change") -> str:
    return reverse(f"admin:training_enrolment_{name}", args=[enrolment.pk])


COHORTS = reverse("admin:training_cohort_changelist")
ENROLMENTS = reverse("admin:training_enrolment_changelist")
