from localdigital.markdown import markdown_to_html


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
