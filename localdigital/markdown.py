"""Markdown written by staff (the Declaration's text, newsletter issues), rendered safely.

Raw HTML in the source is shown as text, never passed through, and links may only use safe
schemes (markdown-it-py's own check), so nothing staff paste can run in a reader's browser.
On pages, elements get GOV.UK Frontend's classes. For email, links can be made absolute (a
mail client has no page to resolve ``/signatories/`` against), and ``markdown_to_text``
gives the plain-text part: what a reader would see, without Markdown's punctuation.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from localdigital.links import link_on_site

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


def _make_links_absolute(tokens: list[Token]) -> None:
    for token in tokens:
        for attribute in ("href", "src"):
            value = token.attrGet(attribute)
            if isinstance(value, str):
                token.attrSet(attribute, link_on_site(value))
        if token.children:
            _make_links_absolute(token.children)


def markdown_to_html(text: str, *, govuk_classes: bool = True, absolute_links: bool = False) -> str:
    """Return ``text`` as HTML, with GOV.UK Frontend's classes unless told otherwise.

    With ``absolute_links``, relative links and images point at ``SITE_URL``, as an email
    needs. Mark the result safe in templates only through this function: it escapes raw HTML.
    """
    parser = _parser()
    tokens = parser.parse(text)
    if govuk_classes:
        _add_govuk_classes(tokens)
    if absolute_links:
        _make_links_absolute(tokens)
    return parser.renderer.render(tokens, parser.options, {})


def markdown_to_text(text: str) -> str:
    """Return ``text`` as plain text for reading, such as an email's text part.

    Headings stand on their own line, underlined (``=`` for the first level, ``-`` for the
    second); paragraphs and other blocks are separated by a blank line; list items start
    with ``- `` or their number; a link is its words followed by its address in brackets,
    made absolute with ``SITE_URL``; emphasis loses its asterisks; quotes keep ``> `` and
    code is indented. Raw HTML is shown as the text it is, as on pages.
    """
    tree = SyntaxTreeNode(_parser().parse(text))
    return "\n\n".join(_text_blocks(tree.children)).strip("\n")


def _text_blocks(nodes: list[SyntaxTreeNode]) -> list[str]:
    """Return each block as text, leaving out any that has none."""
    return [block for block in map(_text_block, nodes) if block]


def _text_block(node: SyntaxTreeNode) -> str:
    if node.type == "heading":
        words = _text_inline(node.children)
        underline = {"h1": "=", "h2": "-"}.get(node.tag)
        if underline is None:
            return words
        width = max((len(line) for line in words.splitlines()), default=0)
        return f"{words}\n{underline * width}"
    if node.type == "paragraph":
        return _text_inline(node.children)
    if node.type in ("bullet_list", "ordered_list"):
        return _text_list(node)
    if node.type == "blockquote":
        inner = "\n\n".join(_text_blocks(node.children))
        return "\n".join(f"> {line}" if line else ">" for line in inner.splitlines())
    if node.type in ("fence", "code_block"):
        return "\n".join(
            f"    {line}" if line else "" for line in node.content.rstrip("\n").splitlines()
        )
    if node.type == "hr":
        return "* * *"
    if node.type == "table":
        rows = [row for section in node.children for row in section.children]
        return "\n".join(
            " | ".join(_text_inline(cell.children) for cell in row.children) for row in rows
        )
    if node.type == "inline":
        return _text_inline([node])
    # Raw HTML is parsed as text (html is off); should a block of it appear, show it as text.
    return node.content.strip("\n")


def _text_list(node: SyntaxTreeNode) -> str:
    """Return a list's items, each marked, with their continuation lines indented under it."""
    # In a tight list (no blank lines between items) markdown-it hides the paragraphs.
    tight = any(
        child.type == "paragraph" and child.hidden
        for item in node.children
        for child in item.children
    )
    number = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else 0
    items = []
    for item in node.children:
        marker = f"{number}. " if node.type == "ordered_list" else "- "
        number += 1
        content = ("\n" if tight else "\n\n").join(_text_blocks(item.children))
        lines = content.splitlines() or [""]
        indent = " " * len(marker)
        items.append(
            "\n".join(
                [marker + lines[0], *(f"{indent}{line}" if line else "" for line in lines[1:])]
            )
        )
    return ("\n" if tight else "\n\n").join(items)


def _text_inline(nodes: list[SyntaxTreeNode]) -> str:
    parts = []
    for node in nodes:
        if node.type in ("text", "code_inline", "html_inline"):
            parts.append(node.content)
        elif node.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif node.type == "link":
            parts.append(_text_link(_text_inline(node.children), str(node.attrs["href"])))
        elif node.type == "image":
            parts.append(_text_link(_text_inline(node.children), str(node.attrs["src"])))
        else:
            # Emphasis, strong emphasis, strikethrough and the inline container: their words.
            parts.append(_text_inline(node.children))
    return "".join(parts)


def _text_link(words: str, href: str) -> str:
    """Return a link as its words and its address, or the address alone if that is the words."""
    url = link_on_site(href)
    shown = url.removeprefix("mailto:")
    if not words or words in (href, url, shown):
        return shown
    return f"{words} ({shown})"
