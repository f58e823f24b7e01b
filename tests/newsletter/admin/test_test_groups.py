"""Newsletter test groups in the admin (newsletter/admin/test_groups.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from localdigital.audit.models import AuditEvent
from newsletter.models import NewsletterTestGroup
from tests.newsletter.factories import NewsletterTestGroupFactory

pytestmark = pytest.mark.django_db


GROUPS = "admin:newsletter_newslettertestgroup"


class TestTestGroups:
    """Communications keep the test groups; every change goes through an audited service."""

    def test_communications_make_a_group_of_addresses_one_a_line(self, comms):
        response = comms.post(
            reverse(f"{GROUPS}_add"),
            {
                "name": " Comms team ",
                "recipients": "press.office@communities.gov.uk\n\n"
                "Digital.Comms@communities.gov.uk\ndigital.comms@communities.gov.uk\n",
            },
        )
        assert response.status_code == 302
        group = NewsletterTestGroup.objects.get()
        assert (group.name, group.recipients) == (
            "Comms team",
            ["press.office@communities.gov.uk", "Digital.Comms@communities.gov.uk"],
        )
        event = AuditEvent.objects.get(verb="declaration.newsletter_test_group.created")
        assert (event.actor, event.data["recipients"]) == (comms.user, group.recipients)

    def test_shows_the_addresses_one_a_line_to_change_them(self, comms):
        group = NewsletterTestGroupFactory()
        page = comms.get(reverse(f"{GROUPS}_change", args=[group.pk])).content.decode()
        assert (
            ">\npress.office@communities.gov.uk\ndigital.comms@communities.gov.uk</textarea>"
            in page
        )
        assert '<label class="required" for="id_recipients">Email addresses:</label>' in page

    @pytest.mark.parametrize(
        ("data", "error"),
        [
            ({"name": "", "recipients": "a@communities.gov.uk"}, "Enter a name for the test group"),
            ({"name": "  ", "recipients": "a@communities.gov.uk"}, "Enter a name for the test"),
            ({"name": "Comms", "recipients": ""}, "Enter at least one email address"),
            ({"name": "Comms", "recipients": " \n \n"}, "Enter at least one email address"),
            (
                {"name": "Comms", "recipients": "a@communities.gov.uk\nnot an address"},
                "Enter each email address in the correct format, like name@example.gov.uk: "
                "not an address is not",
            ),
            (
                {
                    "name": "Comms",
                    "recipients": "\n".join(f"p{n}@communities.gov.uk" for n in range(51)),
                },
                "A test group can have at most 50 email addresses",
            ),
            (
                {"name": "COMMS TEAM", "recipients": "a@communities.gov.uk"},
                "There is already a test group with this name.",
            ),
        ],
    )
    def test_saves_nothing_and_shows_why_beside_the_field_with_the_answers_kept(
        self, comms, data, error
    ):
        NewsletterTestGroupFactory(name="Comms team")
        response = comms.post(reverse(f"{GROUPS}_add"), data)
        content = response.content.decode()
        assert response.status_code == 200
        assert error in content
        assert 'class="errornote"' in content
        for value in data.values():
            assert value.strip().split("\n")[0] in content
        assert NewsletterTestGroup.objects.count() == 1
        assert not AuditEvent.objects.filter(verb__contains="newsletter_test_group").exists()

    def test_changes_a_group_and_keeps_what_it_was_in_the_audit_log(self, comms):
        group = NewsletterTestGroupFactory(name="Comms team")
        response = comms.post(
            reverse(f"{GROUPS}_change", args=[group.pk]),
            {"name": "Comms and digital", "recipients": "chair@communities.gov.uk"},
        )
        assert response.status_code == 302
        group.refresh_from_db()
        assert (group.name, group.recipients) == (
            "Comms and digital",
            ["chair@communities.gov.uk"],
        )
        event = AuditEvent.objects.get(verb="declaration.newsletter_test_group.changed")
        assert event.data["before"] == {
            "name": "Comms team",
            "recipients": ["press.office@communities.gov.uk", "digital.comms@communities.gov.uk"],
        }

    def test_deletes_a_group_through_the_audited_service(self, comms):
        group = NewsletterTestGroupFactory(name="Comms team")
        response = comms.post(reverse(f"{GROUPS}_delete", args=[group.pk]), {"post": "yes"})
        assert response.status_code == 302
        assert not NewsletterTestGroup.objects.exists()
        event = AuditEvent.objects.get(verb="declaration.newsletter_test_group.deleted")
        assert event.data["name"] == "Comms team"

    def test_lists_each_group_with_how_many_people_it_has(self, comms):
        NewsletterTestGroupFactory(name="Comms team")
        page = comms.get(reverse(f"{GROUPS}_changelist")).content.decode()
        assert "Comms team" in page
        assert '<td class="field-people">2</td>' in page
        # No bulk actions: their delete would bypass the audited service.
        assert 'name="action"' not in page

    def test_other_staff_cannot_see_or_change_the_groups(self, fund_manager):
        group = NewsletterTestGroupFactory()
        assert fund_manager.get(reverse(f"{GROUPS}_changelist")).status_code == 403
        assert (
            fund_manager.post(
                reverse(f"{GROUPS}_change", args=[group.pk]),
                {"name": "Mine", "recipients": "me@communities.gov.uk"},
            ).status_code
            == 403
        )
