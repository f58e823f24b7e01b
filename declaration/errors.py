"""Errors the declaration app's services raise, every one of them here. Views turn them into
GOV.UK error messages, and the admin into a message on the page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from localdigital import errors as platform
from localdigital.errors import DomainError

if TYPE_CHECKING:
    from .selectors.signing import MissingAnswer


class DeclarationError(DomainError):
    """Something the rules of the Declaration do not allow; the message says what."""


class TransitionNotAllowed(DeclarationError, platform.TransitionNotAllowed):
    """The signing (or other record) is not in a state that allows this change."""


class AlreadySigned(DeclarationError):
    """The organisation already has a pending or published signing."""


# Moderation by staff and organisation admins


class ReasonRequired(DeclarationError):
    """A reason must be given for this change, and none was."""


class NotOrganisationAdmin(DeclarationError, platform.NotPermitted):
    """Only an approved admin of the organisation may make this change."""


class VersionSigned(TransitionNotAllowed):
    """The version has been signed, so its text and date are fixed."""


class PossibleDuplicateOrganisation(DeclarationError):
    """The organisation a signer described as not in the register has a name like one that
    is: staff must confirm that it is a different organisation before publishing."""


# Signing


class SigningIncomplete(DeclarationError):
    """The draft cannot be submitted: some questions have no answer yet (``missing``)."""

    def __init__(self, missing: list[MissingAnswer]) -> None:
        self.missing = missing
        super().__init__("; ".join(answer.message for answer in missing))


class OrganisationClosed(DeclarationError):
    """The organisation chosen has ended, so it cannot sign."""


class NoDeclarationVersion(DeclarationError):
    """No version of the Declaration is published yet, so there is nothing to sign."""


# Importing signatories


class SigningImportFileError(DeclarationError):
    """The file cannot be read as an import of signatories; ``problems`` says why."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = list(problems)


class SigningImportConflict(DeclarationError):
    """Someone else's signing was saved for one of the organisations while the import ran."""


# Declaration project updates


class UpdateNotAllowed(DeclarationError):
    """The person may not post an update for this signing, or the signing takes none."""


class UpdateAlreadyRemoved(DeclarationError):
    """The update has been removed already."""


# Memberships


class MembershipError(DeclarationError):
    """Raised when a change to a membership is not allowed."""


class MembershipExistsError(MembershipError):
    """Raised when adding someone to an organisation they already belong to."""


class MembershipAlreadyApprovedError(MembershipError):
    """Raised when approving a membership that is already approved."""


class MembershipNotApprovedError(MembershipError):
    """Raised when making a member who is still waiting for approval an organisation admin."""


class MembershipLastAdminError(MembershipError):
    """Raised when an organisation's only admin would leave it, or step down, with no admin."""


class MembershipNotAdminError(MembershipError, platform.NotPermitted):
    """Raised when someone who is not an approved admin of the organisation (nor staff)
    tries to manage its members, or to hand over an admin role they do not hold."""


class MembershipAlreadyAdminError(MembershipError):
    """Raised when handing the admin role to someone who already has it."""


class MembershipNotInOrganisationError(MembershipError):
    """Raised when a membership named in a change is not, or no longer, in the organisation."""


# The register of organisations

# How many of a register file's problems an error lists; it says how many more there are.
MAX_PROBLEMS_SHOWN = 20


class RegisterFileError(DeclarationError):
    """Raised when the register cannot be read, or describes something impossible.

    ``problems`` lists each one, naming the line of the file where it is.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > len(shown):
            shown.append(f"… and {len(problems) - len(shown)} more.")
        super().__init__("\n".join(shown))
