"""Markdown written by staff (the Declaration's text, newsletter issues), rendered safely.

Raw HTML in the source is shown as text, never passed through, and links may only use safe
schemes (markdown-it-py's own check), so nothing staff paste can run in a reader's browser.
On pages, elements get GOV.UK Frontend's classes.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

GOVUK_CLASSES: dict[str, str | dict[str, str]] = {
    "heading_open": {
        "h1": "govuk-heading-xl",
        "h2": "govuk-heading-l",
        "h3": "govuk-heading-m",
        "h4": "govuk-heading-s",
        "h5": "govuk-heading-s",
        "h6": "govuk-heading-s",
    },
    "paragraph_open": "govuk-body",
    "bullet_list_open": "govuk-list govuk-list--bullet",
    "ordered_list_open": "govuk-list govuk-list--number",
    "link_open": "govuk-link",
    "blockquote_open": "govuk-inset-text",
    "hr": "govuk-section-break govuk-section-break--l govuk-section-break--visible",
    "table_open": "govuk-table",
    "thead_open": "govuk-table__head",
    "tbody_open": "govuk-table__body",
    "tr_open": "govuk-table__row",
    "th_open": "govuk-table__header",
    "td_open": "govuk-table__cell",
}


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def _add_govuk_classes(tokens: list[Token]) -> None:
    for token in tokens:
        classes = GOVUK_CLASSES.get(token.type)
        if isinstance(classes, dict):
            classes = classes.get(token.tag)
        if isinstance(classes, str):
            token.attrSet("class", classes)
        if token.children:
            _add_govuk_classes(token.children)


def markdown_to_html(text: str, *, govuk_classes: bool = True) -> str:
    """Return ``text`` as HTML, with GOV.UK Frontend's classes unless told otherwise.

    Mark the result safe in templates only through this function: it escapes raw HTML.
    """
    parser = _parser()
    tokens = parser.parse(text)
    if govuk_classes:
        _add_govuk_classes(tokens)
    return parser.renderer.render(tokens, parser.options, {})
