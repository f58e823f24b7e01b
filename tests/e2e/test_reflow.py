"""Every public page fits a 320 pixel wide screen without scrolling sideways (WCAG 1.4.10,
reflow), with JavaScript on and off, and passes axe-core at that width.

The pages are the access table's URLs open to the public (tests/access/), each with the
objects it names, and only those that are HTML. Long names, as real signatories and projects
have, are added so that tables and summary lists meet words that do not break.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.access.roles import ANONYMOUS
from tests.access.table import URL_ACCESS, resolve_kwargs, table_objects_make
from tests.declaration.factories import OrganisationFactory, SigningFactory
from tests.e2e.browser import REFLOW_WIDTH

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Names as long as real ones, and a word longer than a phone is wide.
LONG_NAMES = (
    "Royal Borough of Windsor and Maidenhead",
    "Buckinghamshire, Oxfordshire and Berkshire West Integrated Care Board",
    "Metropolitan Borough of Knowsley Council (Digital and Transformation Directorate)",
)


def _public_html_paths() -> list[str]:
    """Return the path of every page in the access table that anyone may open, HTML only."""
    client = Client()
    paths = []
    for name, (kwargs, expected) in URL_ACCESS.items():
        if expected[ANONYMOUS] != 200:
            continue
        path = reverse(name, kwargs=resolve_kwargs(kwargs))
        if client.head(path)["Content-Type"].startswith("text/html"):
            paths.append(path)
    return paths


def _make_the_pages_objects() -> None:
    table_objects_make()
    for name in LONG_NAMES:
        SigningFactory(organisation=OrganisationFactory(name=name))


@pytest.mark.parametrize("browser_page", ["phone_ui", "phone_ui_without_js"])
def test_every_public_page_fits_a_320_pixel_screen(browser_page, request):
    _make_the_pages_objects()
    paths = _public_html_paths()
    assert len(paths) > 20, paths
    ui = request.getfixturevalue(browser_page)
    too_wide = []
    for path in paths:
        ui.goto(path)
        width = ui.page.evaluate("() => document.documentElement.scrollWidth")
        if width > REFLOW_WIDTH:
            too_wide.append(f"{path}: {width}px wide")
    assert not too_wide, f"wider than {REFLOW_WIDTH}px:\n" + "\n".join(too_wide)
