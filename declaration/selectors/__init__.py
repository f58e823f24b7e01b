"""Every read of the declaration app that views and other apps need, one module per area."""

from .organisations import (
    TypeCount,
    membership_get,
    memberships_for_user,
    organisation_counts_by_type,
    organisation_get_by_register_code,
    organisation_get_by_slug,
)

__all__ = [
    "TypeCount",
    "membership_get",
    "memberships_for_user",
    "organisation_counts_by_type",
    "organisation_get_by_register_code",
    "organisation_get_by_slug",
]
