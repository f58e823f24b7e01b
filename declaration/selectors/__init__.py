"""Every read of the declaration app that views and other apps need, one module per area."""

from .organisations import (
    TypeCount,
    is_signatory_expression,
    local_authorities,
    membership_get,
    memberships_for_user,
    organisation_counts_by_type,
    organisation_get_by_register_code,
    organisation_get_by_slug,
    organisation_ids_for_member,
    organisation_member_users,
    organisation_names,
    organisations_active,
    organisations_last_changed,
    organisations_with_ids,
    signatories_for_member,
    signatory_organisation_ids,
)

__all__ = [
    "TypeCount",
    "is_signatory_expression",
    "local_authorities",
    "membership_get",
    "memberships_for_user",
    "organisation_counts_by_type",
    "organisation_get_by_register_code",
    "organisation_get_by_slug",
    "organisation_ids_for_member",
    "organisation_member_users",
    "organisation_names",
    "organisations_active",
    "organisations_last_changed",
    "organisations_with_ids",
    "signatories_for_member",
    "signatory_organisation_ids",
]
