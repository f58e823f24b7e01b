"""What the training admin tests share: the admin's addresses. Their clients are fixtures in
``conftest.py``; what a page said is read with ``tests.support.admin.messages_of``."""

from __future__ import annotations

from django.urls import reverse

OTHER_STAFF = ["Fund manager", "Assessor", "Communications"]


def cohort_url(cohort, name: str = "change", *args: object) -> str:
    return reverse(f"admin:training_cohort_{name}", args=[cohort.pk, *args])


def enrolment_url(enrolment, name: str = "change") -> str:
    return reverse(f"admin:training_enrolment_{name}", args=[enrolment.pk])


COHORTS = reverse("admin:training_cohort_changelist")
ENROLMENTS = reverse("admin:training_enrolment_changelist")
