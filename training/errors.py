"""Errors the training app's services raise. Views turn them into GOV.UK error messages."""

from __future__ import annotations

from localdigital import errors as platform
from localdigital.errors import DomainError


class TrainingError(DomainError):
    """Something the rules of the training programme do not allow; the message says what."""


class TransitionNotAllowed(TrainingError, platform.TransitionNotAllowed):
    """The cohort, enrolment or offer is not in a state that allows this change."""


class NotPermitted(TrainingError, platform.NotPermitted):
    """The person may not do this."""


class NotEligible(TrainingError):
    """The person may not enrol for this organisation: the message says why.

    ``sign_url`` is where someone at the organisation can sign the Declaration, when not
    having signed is the reason; empty otherwise.
    """

    def __init__(self, message: str, *, sign_url: str = "") -> None:
        self.sign_url = sign_url
        super().__init__(message)


class EnrolmentClosed(TrainingError):
    """The cohort is not taking enrolments at this moment."""


class AlreadyEnrolled(TrainingError):
    """The person already holds a place on the cohort, or is waiting for one."""


class OrganisationLimitReached(TrainingError):
    """The organisation already has as many people on the cohort as one may have."""


class NoPlaceFree(TrainingError):
    """The cohort has no place for this person (for a move, which never queues anyone)."""
