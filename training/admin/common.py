"""What the training admin's screens share: who may do what. Their actions, forms' refusals
and CSV downloads use the platform's helpers (``localdigital.admin_actions`` and
``localdigital.open_data``)."""

from __future__ import annotations

from django.http import HttpRequest

NEEDS_PERMISSION = "training.view_enrolment_needs"


def can_run_training(request: HttpRequest) -> bool:
    """Return whether the person may change training data: a training administrator or a
    superuser, who hold the permissions migration training 0002 grants."""
    return request.user.has_perm("training.change_cohort") and request.user.has_perm(
        "training.change_enrolment"
    )


def can_see_needs(request: HttpRequest) -> bool:
    """Return whether the person may see accessibility and dietary needs, which are
    special-category data."""
    return request.user.has_perm(NEEDS_PERMISSION)
