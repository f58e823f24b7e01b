"""A funded project's progress updates and outputs, posted by its team from the project's pages
(funding/views/awards.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from funding.models import ProgressUpdate, ProjectOutput
from tests.funding.factories import (
    ApplicationPartnerFactory,
    AwardFactory,
    ProjectOutputFactory,
    SignatoryFactory,
    member_of,
)
from tests.support.clients import client_for, page

pytestmark = pytest.mark.django_db


class Project:
    """A public funded project with a lead, a partner, their members and a stranger."""

    def __init__(self, **award):
        self.award = AwardFactory(**award)
        self.lead_member = self.award.application.created_by
        partner = ApplicationPartnerFactory(application=self.award.application).organisation
        self.partner_member = member_of(partner)
        self.stranger = member_of(SignatoryFactory())

    def url(self, name, *args):
        return reverse(name, args=[self.award.slug, *args])


class TestProgressUpdates:
    @pytest.mark.parametrize("who", ["lead_member", "partner_member"])
    def test_the_team_posts_an_update_that_is_public_at_once(self, who):
        project = Project()
        client = client_for(getattr(project, who))

        form = page(client, project.url("funding:project-update-new"))
        response = client.post(
            project.url("funding:project-update-new"),
            {"title": "Discovery finished", "body": "We met 20 residents.\n\nNext: alpha."},
        )

        update = ProgressUpdate.objects.get(award=project.award)
        assert "Post a progress update" in form
        assert response.status_code == 302
        assert response["Location"] == f"{project.url('funding:project-detail')}#update-{update.pk}"
        public = page(Client(), project.url("funding:project-detail"))
        assert "Discovery finished" in public and "Next: alpha." in public

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"title": "", "body": "Something"}, "Enter a title for your update"),
            ({"title": "   ", "body": "Something"}, "Enter a title for your update"),
            ({"title": "A title", "body": ""}, "Enter your update"),
            ({"title": "A title", "body": " \n "}, "Enter your update"),
            ({"title": "x" * 201, "body": "Something"}, "Title must be 200 characters or fewer"),
            ({"title": "A title", "body": "y" * 10_001}, "must be 10,000 characters or fewer"),
        ],
    )
    def test_invalid_input_is_reported_with_what_was_typed_kept(self, data, message):
        project = Project()
        client = client_for(project.lead_member)

        response = client.post(project.url("funding:project-update-new"), data)

        text = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in text
        assert message in text
        for value in data.values():
            if value.strip():
                assert value in text
        assert not ProgressUpdate.objects.exists()

    def test_strangers_are_told_the_page_does_not_exist_and_anonymous_people_sign_in(self):
        project = Project()

        stranger = client_for(project.stranger).post(
            project.url("funding:project-update-new"), {"title": "Spam", "body": "Spam"}
        )
        anonymous = Client().post(
            project.url("funding:project-update-new"), {"title": "Spam", "body": "Spam"}
        )

        assert stranger.status_code == 404
        assert anonymous.status_code == 302
        assert not ProgressUpdate.objects.exists()

    def test_a_declined_project_takes_no_updates(self):
        project = Project(declined=True)

        response = client_for(project.lead_member).post(
            project.url("funding:project-update-new"), {"title": "Late", "body": "Late"}
        )

        assert response.status_code == 404
        assert not ProgressUpdate.objects.exists()


class TestOutputs:
    @pytest.mark.parametrize("who", ["lead_member", "partner_member"])
    def test_the_team_adds_an_output_that_is_public_at_once(self, who):
        project = Project()
        client = client_for(getattr(project, who))

        response = client.post(
            project.url("funding:project-outputs"),
            {
                "title": "Planning prototype",
                "url": "https://github.com/example/planning",
                "output_type": "code",
            },
            follow=True,
        )

        output = ProjectOutput.objects.get(award=project.award)
        assert output.url == "https://github.com/example/planning"
        assert "“Planning prototype” has been added to the project" in response.content.decode()
        public = page(Client(), project.url("funding:project-detail"))
        assert 'href="https://github.com/example/planning"' in public

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (
                {"title": "", "url": "https://example.org", "output_type": "code"},
                "Enter a title for the output",
            ),
            (
                {"title": "Code", "url": "", "output_type": "code"},
                "Enter the web address of the output",
            ),
            (
                {"title": "Code", "url": "javascript:alert(1)", "output_type": "code"},
                "Enter a web address in the right format",
            ),
            (
                {"title": "Code", "url": "ftp://example.org/code", "output_type": "code"},
                "Enter a web address starting https://",
            ),
            (
                {"title": "Code", "url": "not a web address", "output_type": "code"},
                "Enter a web address in the right format",
            ),
            (
                {"title": "Code", "url": "https://example.org/" + "a" * 500, "output_type": "code"},
                "The web address must be 500 characters or fewer",
            ),
            ({"title": "Code", "url": "https://example.org"}, "Select what kind of output it is"),
            (
                {"title": "Code", "url": "https://example.org", "output_type": "poem"},
                "Select what kind of output it is",
            ),
            (
                {"title": "x" * 201, "url": "https://example.org", "output_type": "code"},
                "Title must be 200 characters or fewer",
            ),
        ],
    )
    def test_invalid_input_is_reported_with_what_was_typed_kept(self, data, message):
        project = Project()
        client = client_for(project.lead_member)

        response = client.post(project.url("funding:project-outputs"), data)

        text = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in text
        assert message in text
        if data.get("title"):
            assert data["title"] in text
        assert not ProjectOutput.objects.exists()

    def test_a_bare_domain_is_taken_as_https(self):
        project = Project()

        client_for(project.lead_member).post(
            project.url("funding:project-outputs"),
            {"title": "Research", "url": "example.org/research", "output_type": "research"},
        )

        assert ProjectOutput.objects.get().url == "https://example.org/research"

    def test_the_team_confirms_then_removes_an_output(self):
        project = Project()
        output = ProjectOutputFactory(award=project.award, title="Old prototype")
        client = client_for(project.partner_member)
        url = project.url("funding:project-output-remove", output.pk)

        confirmation = page(client, url)
        response = client.post(url)

        assert "Are you sure you want to remove “Old prototype”?" in confirmation
        assert response.status_code == 302
        assert not ProjectOutput.objects.exists()

    def test_an_output_of_another_project_is_not_found(self):
        project = Project()
        other = ProjectOutputFactory()

        response = client_for(project.lead_member).post(
            project.url("funding:project-output-remove", other.pk)
        )

        assert response.status_code == 404
        assert ProjectOutput.objects.filter(pk=other.pk).exists()

    def test_strangers_can_neither_add_nor_remove(self):
        project = Project()
        output = ProjectOutputFactory(award=project.award)
        client = client_for(project.stranger)

        added = client.post(
            project.url("funding:project-outputs"),
            {"title": "Spam", "url": "https://spam.example", "output_type": "other"},
        )
        removed = client.post(project.url("funding:project-output-remove", output.pk))

        assert added.status_code == removed.status_code == 404
        assert list(ProjectOutput.objects.all()) == [output]
