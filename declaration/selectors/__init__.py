"""Every read of the declaration app that views and other apps need, one module per area."""

from .organisations import (
    TypeCount,
    is_signatory_expression,
    membership_get,
    memberships_for_user,
    organisation_counts_by_type,
    organisation_get_by_register_code,
    organisation_get_by_slug,
    organisation_ids_for_member,
    organisation_member_users,
    organisations_active,
    signatories_for_member,
    signatory_organisation_ids,
)

__all__ = [
    "TypeCount",
    "is_signatory_expression",
    "membership_get",
    "memberships_for_user",
    "organisation_counts_by_type",
    "organisation_get_by_register_code",
    "organisation_get_by_slug",
    "organisation_ids_for_member",
    "organisation_member_users",
    "organisations_active",
    "signatories_for_member",
    "signatory_organisation_ids",
]
