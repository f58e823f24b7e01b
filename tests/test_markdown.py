"""Markdown written by staff, rendered safely to HTML for pages and email, and to plain text."""

import pytest

from localdigital.markdown import markdown_to_html, markdown_to_text


class TestMarkdownToHtml:
    def test_gives_gov_uk_classes_to_headings_paragraphs_lists_and_links(self):
        html = markdown_to_html("## Principles\n\nSee [GOV.UK](https://www.gov.uk).\n\n- one\n")
        assert '<h2 class="govuk-heading-l">Principles</h2>' in html
        assert '<p class="govuk-body">' in html
        assert '<a href="https://www.gov.uk" class="govuk-link">GOV.UK</a>' in html
        assert '<ul class="govuk-list govuk-list--bullet">' in html

    def test_shows_raw_html_as_text_when_staff_paste_it(self):
        html = markdown_to_html('<script>alert("x")</script>\n\n<b onclick="x()">bold</b>')
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
        assert "<b " not in html

    def test_drops_links_with_unsafe_schemes(self):
        html = markdown_to_html("[click](javascript:alert(1))")
        assert "javascript:" not in html.split(">", 1)[0]
        assert 'href="javascript' not in html

    def test_leaves_classes_off_for_email(self):
        html = markdown_to_html("Hello", govuk_classes=False)
        assert html == "<p>Hello</p>\n"

    def test_makes_relative_links_and_images_absolute_when_asked(self, settings):
        settings.SITE_URL = "https://localdigital.gov.uk"
        html = markdown_to_html(
            "[list](/signatories/) ![logo](logo.png) [GOV.UK](https://www.gov.uk)",
            govuk_classes=False,
            absolute_links=True,
        )
        assert '<a href="https://localdigital.gov.uk/signatories/">list</a>' in html
        assert 'src="https://localdigital.gov.uk/logo.png"' in html
        assert '<a href="https://www.gov.uk">GOV.UK</a>' in html

    def test_leaves_relative_links_alone_on_pages(self):
        assert 'href="/signatories/"' in markdown_to_html("[list](/signatories/)")


class TestMarkdownToText:
    @pytest.fixture(autouse=True)
    def site_url(self, settings):
        settings.SITE_URL = "https://localdigital.gov.uk"

    def test_gives_headings_their_own_underlined_lines_and_separates_paragraphs(self):
        text = markdown_to_text(
            "# Local Digital news\n\n## Round 5 is open\n\nFirst paragraph.\n\n"
            "### Who can bid\n\nSecond paragraph."
        )
        assert text == (
            "Local Digital news\n"
            "==================\n\n"
            "Round 5 is open\n"
            "---------------\n\n"
            "First paragraph.\n\n"
            "Who can bid\n\n"
            "Second paragraph."
        )

    def test_writes_links_as_words_then_the_address_made_absolute(self):
        text = markdown_to_text(
            "Read [the round's rules](https://localdigital.gov.uk/funding/), the "
            "[list of signatories](/signatories/), <https://www.gov.uk> or "
            "[email us](mailto:team@localdigital.gov.uk)."
        )
        assert text == (
            "Read the round's rules (https://localdigital.gov.uk/funding/), the "
            "list of signatories (https://localdigital.gov.uk/signatories/), "
            "https://www.gov.uk or email us (team@localdigital.gov.uk)."
        )
        assert "](" not in text

    def test_drops_the_asterisks_of_emphasis_and_the_backticks_of_code(self):
        text = markdown_to_text("Send an **expression of interest** by *Friday*, `ref 5`.")
        assert text == "Send an expression of interest by Friday, ref 5."

    def test_marks_bullet_items_with_a_dash_and_numbered_items_with_their_number(self):
        text = markdown_to_text(
            "- Up to £350,000\n- At least 3 councils\n  in each bid\n  - the lead included\n\n"
            "3. Sign\n4. Bid\n"
        )
        assert text == (
            "- Up to £350,000\n"
            "- At least 3 councils\n"
            "  in each bid\n"
            "  - the lead included\n\n"
            "3. Sign\n"
            "4. Bid"
        )

    def test_keeps_blank_lines_between_the_items_of_a_loose_list(self):
        text = markdown_to_text("1. Sign\n\n   Then wait.\n\n2. Bid\n")
        assert text == "1. Sign\n\n   Then wait.\n\n2. Bid"

    def test_shows_raw_html_as_the_text_it_is(self):
        text = markdown_to_text('<script>alert("x")</script>\n\nHello <b>bold</b>')
        assert text == '<script>alert("x")</script>\n\nHello <b>bold</b>'

    def test_keeps_quotes_code_rules_and_tables_readable(self):
        text = markdown_to_text(
            "> Fix the plumbing\n\n    make test\n\n---\n\n| Round | Amount |\n|---|---|\n"
            "| 5 | £350,000 |\n\n![The logo](/logo.png)"
        )
        assert text == (
            "> Fix the plumbing\n\n"
            "    make test\n\n"
            "* * *\n\n"
            "Round | Amount\n"
            "5 | £350,000\n\n"
            "The logo (https://localdigital.gov.uk/logo.png)"
        )

    def test_leaves_a_link_with_an_unsafe_scheme_as_the_text_written(self):
        assert markdown_to_text("[click](javascript:alert(1))") == "[click](javascript:alert(1))"

    def test_gives_an_empty_string_for_an_empty_body(self):
        assert markdown_to_text("  \n\n") == ""
