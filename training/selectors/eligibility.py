"""Who may enrol on courses: members of published signatory organisations."""

from __future__ import annotations

from dataclasses import dataclass

from declaration import selectors as declaration_selectors
from declaration.models import Organisation
from funding.selectors.projects_detail import funded_projects_for_organisation
from localdigital.accounts.models import User

from ..links import sign_url


@dataclass(frozen=True)
class Eligibility:
    """Whether a person may enrol, and for which organisations; else why not.

    ``organisations`` are the published signatories they are an approved member of.
    ``reason`` says why they cannot enrol when there are none, and ``sign_url`` is where
    their organisation can sign when not having signed is why.
    """

    organisations: list[Organisation]
    reason: str = ""
    sign_url: str = ""

    @property
    def is_eligible(self) -> bool:
        return bool(self.organisations)


def enrolment_eligibility(*, user: User) -> Eligibility:
    """Return whether ``user`` may enrol on courses, for which organisations, or why not.

    Members of published signatory organisations may enrol: the programme's training is
    for signatories' staff.
    """
    if not user.is_authenticated or not user.is_active:
        return Eligibility([], "Sign in to enrol on a course.")
    signatories = declaration_selectors.signatories_for_member(user=user)
    if signatories:
        return Eligibility(signatories)
    memberships = list(declaration_selectors.memberships_for_user(user=user))
    approved = [m.organisation for m in memberships if m.approved_at is not None]
    if approved:
        names = _names([organisation.name for organisation in approved])
        verb, its = ("has", "its") if len(approved) == 1 else ("have", "their")
        return Eligibility(
            [],
            f"{names} {verb} not signed the Local Digital Declaration, so {its} staff cannot "
            "enrol on courses yet. Training is for the staff of organisations that have "
            "signed. Someone at your organisation can sign the Declaration for it.",
            sign_url(),
        )
    if memberships:
        name = memberships[0].organisation.name
        return Eligibility(
            [],
            f"Your request to join {name} is waiting for its organisation admin to approve "
            "it. You can enrol once it is approved.",
        )
    return Eligibility(
        [],
        "You can enrol once you belong to an organisation that has signed the Local Digital "
        "Declaration. Ask to join your organisation from your account, or sign the "
        "Declaration for it.",
        sign_url(),
    )


def _names(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def is_priority_organisation(organisation_id: int) -> bool:
    """Return whether the organisation leads or partners on a funded project that is
    announced and not declined: whose staff reserved places are kept for."""
    return bool(funded_projects_for_organisation(organisation_id=organisation_id))
