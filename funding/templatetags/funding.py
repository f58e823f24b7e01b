"""Template tags that let other apps' pages show the Fund's data (``{% load funding %}``).

``declaration`` never imports ``funding``; a signatory's page shows the funded projects its
organisation leads or partners on through ``funded_projects_for``.
"""

from __future__ import annotations

from django import template

from funding.selectors.projects_detail import FundedProjectLink, funded_projects_for_organisation

register = template.Library()


@register.simple_tag
def funded_projects_for(organisation: object) -> list[FundedProjectLink]:
    """Return the public funded projects that ``organisation`` leads or partners on, newest
    first, for ``{% funded_projects_for organisation as projects %}``, in one query.

    Each project has ``title``, ``url`` and ``role`` ("Lead" or "Partner"). Declined offers
    and awards of rounds not yet announced are never among them.
    """
    organisation_id = getattr(organisation, "pk", None)
    if not isinstance(organisation_id, int):
        return []
    return funded_projects_for_organisation(organisation_id=organisation_id)
