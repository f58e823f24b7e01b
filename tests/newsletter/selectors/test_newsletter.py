"""An issue rendered for email: plain text without markdown punctuation, and HTML with absolute
links."""

from __future__ import annotations

import pytest

from newsletter.selectors import newsletter as selectors
from tests.newsletter.factories import NewsletterIssueFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


class TestNewsletterIssueRender:
    BODY = (
        "## Round 5 is open\n\n"
        "Councils can send an **expression of interest**.\n\n"
        "- Up to £350,000\n"
        "- At least 3 councils\n\n"
        "Read [the rules](https://localdigital.gov.uk/funding/) and the "
        "[list of signatories](/signatories/)."
    )

    def test_gives_a_plain_text_part_without_markdown_punctuation(self):
        rendered = selectors.newsletter_issue_render(issue=NewsletterIssueFactory(body=self.BODY))
        assert (
            "Round 5 is open\n"
            "---------------\n\n"
            "Councils can send an expression of interest.\n\n"
            "- Up to £350,000\n"
            "- At least 3 councils\n\n"
            "Read the rules (https://localdigital.gov.uk/funding/) and the "
            "list of signatories (http://testserver/signatories/)."
        ) in rendered.text
        assert "](" not in rendered.text
        assert "**" not in rendered.text

    def test_makes_relative_links_absolute_in_the_html_part(self):
        rendered = selectors.newsletter_issue_render(issue=NewsletterIssueFactory(body=self.BODY))
        assert '<a href="http://testserver/signatories/">list of signatories</a>' in rendered.html
        assert 'href="/signatories/"' not in rendered.html
        assert "<strong>expression of interest</strong>" in rendered.html


class TestNewsletterIssueProgress:
    @pytest.mark.parametrize("state", ["draft", "awaiting_approval", "approved", "scheduled"])
    def test_before_it_starts_counts_the_confirmed_subscribers_it_would_go_to(self, state):
        SubscriberFactory.create_batch(3)
        SubscriberFactory(pending=True)
        SubscriberFactory(unsubscribed=True)
        issue = NewsletterIssueFactory(**({} if state == "draft" else {state: True}))

        progress = selectors.newsletter_issue_progress(issue=issue)

        assert (progress.total, progress.waiting, progress.sent) == (3, 3, 0)

    def test_cancelled_before_it_started_went_to_nobody(self):
        SubscriberFactory.create_batch(3)
        issue = NewsletterIssueFactory(cancelled=True)

        progress = selectors.newsletter_issue_progress(issue=issue)

        assert (progress.total, progress.waiting, progress.sent) == (0, 0, 0)
