"""Every write to the declaration app, one module per area; all importable from here."""

from .memberships import membership_add, membership_approve, membership_remove, membership_role_set
from .organisations import (
    organisation_create,
    organisation_email_domain_add,
    organisation_update,
)
from .register import RegisterImportResult, organisations_import_register

__all__ = [
    "RegisterImportResult",
    "membership_add",
    "membership_approve",
    "membership_remove",
    "membership_role_set",
    "organisation_create",
    "organisation_email_domain_add",
    "organisation_update",
    "organisations_import_register",
]
