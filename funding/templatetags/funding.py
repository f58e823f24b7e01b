"""Template tags that let other apps' pages show the Fund's data (``{% load funding %}``).

``declaration`` never imports ``funding``; a signatory's page shows the funded projects its
organisation leads or partners on through ``funded_projects_for``.
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def funded_projects_for(organisation: object) -> list[object]:
    """Return the funded projects that ``organisation`` leads or partners on, for
    ``{% funded_projects_for organisation as projects %}``.

    Each project has ``title``, ``url`` and ``role`` ("Lead" or "Partner"). The Fund has no
    funded projects yet, so there are none to return; a page that uses the tag shows nothing.
    """
    return []
