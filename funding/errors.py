"""Errors the funding app's services raise. Views turn them into GOV.UK error messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from localdigital import errors as platform
from localdigital.errors import DomainError


class FundingError(DomainError):
    """Something the rules of the Fund do not allow; the message says what."""


class TransitionNotAllowed(FundingError, platform.TransitionNotAllowed):
    """The bid is not in a state that allows this change."""


class NotPermitted(FundingError, platform.NotPermitted):
    """The person may not do this to this bid."""


class WindowNotOpen(FundingError):
    """The round is not taking this kind of bid at this moment."""


class DeadlinePassed(WindowNotOpen):
    """The round's close for this kind of bid has passed."""


class LeadLimitReached(FundingError):
    """The organisation already leads as many bids in the round as the round allows."""


class RuleCode:
    """The names of the round's rules, as ``RuleProblem.rule`` gives them."""

    WINDOW = "window"
    INCOMPLETE = "incomplete"
    PARTNER_MINIMUM = "partner-minimum"
    SIGNATORIES = "signatories"
    LEAD_LIMIT = "lead-limit"
    PHASE = "phase"
    PHASE_CAP = "phase-cap"
    BUDGET_SUM = "budget-sum"
    PARTNER_CONFIRMATION = "partner-confirmation"
    PARTNER_DETAILS = "partner-details"
    FOLLOW_ON = "follow-on"

    # Rules that say what is still to do (answers, partners, their roles, contacts and
    # confirmations) rather than that an answer is wrong: a draft may be saved while it
    # breaks them, and they stop only submission, or marking a section complete.
    TO_DO = frozenset(
        {INCOMPLETE, PARTNER_MINIMUM, PARTNER_DETAILS, PARTNER_CONFIRMATION, BUDGET_SUM}
    )


@dataclass(frozen=True)
class RuleProblem:
    """One rule a bid does not meet: which (``RuleCode``), and what to tell the applicant.

    ``section`` names the part of the bid to change, when there is one, and ``fields`` the
    answers (as their pages name them) that break the rule, so a page shows the problem
    beside the answer being typed.
    """

    rule: str
    message: str
    section: str = ""
    fields: tuple[str, ...] = ()

    @property
    def is_to_do(self) -> bool:
        """Whether the problem is something still to do, not an answer that is wrong."""
        return self.rule in RuleCode.TO_DO


class RulesNotMet(FundingError):
    """The bid cannot be submitted: it breaks the rules in ``problems``."""

    def __init__(self, problems: list[RuleProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(problem.message for problem in problems))


class SectionConflict(FundingError):
    """Someone else saved the section after the form was opened; nothing was saved.

    ``saved_by`` and ``saved_at`` say who and when, so the page can tell the person, keep
    what they typed, and show what is saved now.
    """

    def __init__(self, *, saved_by: str, saved_at: datetime | None, version: int) -> None:
        self.saved_by = saved_by
        self.saved_at = saved_at
        self.version = version
        super().__init__(f"{saved_by} saved this section since you opened it.")


class MoveExceedsLine(FundingError):
    """A budget change would move more money than the line it comes from has."""
