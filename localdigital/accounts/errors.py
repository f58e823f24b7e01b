"""Errors the accounts app's services raise, in words for the person who asked."""

from localdigital.errors import DomainError


class AccountsError(DomainError):
    """Something the rules about accounts do not allow; the message says what."""


class EmailAlreadyUsed(AccountsError):
    """An account with this email address, in any case, exists already."""


class StaffGroupUnknown(AccountsError):
    """No staff group has this name; the message lists the names there are."""


class StaffNotAwaitingSetUp(AccountsError):
    """No active member of staff with this address is waiting to choose a password."""
