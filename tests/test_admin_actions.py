"""Refusals in the admin: every domain's error, raised by a service from any staff screen,
ends in a message on the page, never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib import messages
from django.test import RequestFactory
from django.urls import reverse

from declaration import errors as declaration_errors
from declaration.errors import DeclarationError, MembershipLastAdminError
from funding import errors as funding_errors
from funding.errors import FundingError, WindowNotOpen
from funding.models import AwardStatus, Fund
from localdigital import admin_actions
from localdigital import errors as platform_errors
from localdigital.errors import DomainError
from localdigital.mail import services as mail_services
from tests.accounts.factories import UserFactory
from tests.funding.factories import AwardFactory
from training import errors as training_errors
from training.errors import NoPlaceFree, TrainingError

DOMAIN_ERRORS = [
    DeclarationError("The Declaration does not allow this."),
    MembershipLastAdminError("Ada is the only organisation admin, so must hand the role over."),
    FundingError("The Fund does not allow this."),
    WindowNotOpen("Round 5 is not taking applications."),
    TrainingError("The training programme does not allow this."),
    NoPlaceFree("The cohort has no place free."),
]
ERROR_IDS = [type(error).__name__ for error in DOMAIN_ERRORS]


class StaffScreen:
    """Stands in for a ModelAdmin: records what it tells staff."""

    def __init__(self) -> None:
        self.told: list[tuple[str, int]] = []

    def message_user(self, request: Any, message: str, level: int) -> None:
        self.told.append((message, level))


@pytest.mark.parametrize("error", DOMAIN_ERRORS, ids=ERROR_IDS)
def test_every_domain_error_is_a_domain_error(error):
    """The platform catches one class, whatever the domain, membership errors included."""
    assert isinstance(error, DomainError)


@pytest.mark.parametrize(
    ("domain_error", "platform_error"),
    [
        (declaration_errors.TransitionNotAllowed, platform_errors.TransitionNotAllowed),
        (funding_errors.TransitionNotAllowed, platform_errors.TransitionNotAllowed),
        (training_errors.TransitionNotAllowed, platform_errors.TransitionNotAllowed),
        (mail_services.TransitionNotAllowed, platform_errors.TransitionNotAllowed),
        (funding_errors.NotPermitted, platform_errors.NotPermitted),
        (training_errors.NotPermitted, platform_errors.NotPermitted),
    ],
)
def test_every_domains_kinds_of_refusal_are_the_platforms(domain_error, platform_error):
    """Shared code tells a refusal of a change of state, or of the person, from a wrong
    answer by the platform's classes, whichever domain raised it."""
    error = domain_error("No.")
    assert isinstance(error, platform_error)
    assert isinstance(error, DomainError)


class CountyForm(forms.Form):
    county = forms.CharField()


class TestServiceErrorShow:
    def test_shows_a_refusal_about_what_was_typed_beside_the_field(self):
        form = CountyForm({"county": "Rutland"})
        form.is_valid()

        admin_actions.service_error_show(form, WindowNotOpen("Rutland is closed."), "county")

        assert form.errors == {"county": ["Rutland is closed."]}

    @pytest.mark.parametrize(
        "error",
        [
            funding_errors.TransitionNotAllowed("The bid is withdrawn."),
            training_errors.NotPermitted("Only training administrators may."),
        ],
    )
    def test_shows_a_refusal_of_the_state_or_the_person_above_the_form(self, error):
        form = CountyForm({"county": "Rutland"})
        form.is_valid()

        admin_actions.service_error_show(form, error, "county")

        assert form.non_field_errors() == [str(error)]
        assert "county" not in form.errors


class TestRunEach:
    @pytest.mark.parametrize("error", DOMAIN_ERRORS, ids=ERROR_IDS)
    def test_tells_staff_of_each_refusal_and_goes_on_when_a_service_refuses(self, error):
        """Any domain's refusal of one object is reported with its reason; the others run."""
        screen = StaffScreen()
        ran = []

        def run(name: str) -> None:
            if name == "Hull":
                raise error
            ran.append(name)

        changed = admin_actions.run_each(
            screen,
            RequestFactory().post("/"),
            ["Hull", "Leeds"],
            run,
            label=str,
            done="Done: {}.",
            refused="Not done:",
        )

        assert changed == ran == ["Leeds"]
        assert screen.told == [
            ("Done: Leeds.", messages.SUCCESS),
            (f"Not done: Hull ({error})", messages.ERROR),
        ]

    def test_lets_an_error_that_is_not_a_refusal_through_when_a_service_fails(self):
        """A bug is not a refusal: it reaches the error page and the logs, not a message."""

        def run(name: str) -> None:
            raise ValueError(name)

        with pytest.raises(ValueError, match="Hull"):
            admin_actions.run_each(
                StaffScreen(),
                RequestFactory().post("/"),
                ["Hull"],
                run,
                label=str,
                done="Done: {}.",
                refused="Not done:",
            )


@pytest.mark.django_db
class TestAdminSite:
    @pytest.mark.parametrize("error", DOMAIN_ERRORS, ids=ERROR_IDS)
    def test_shows_the_refusal_and_saves_nothing_when_a_save_raises_a_domain_error(
        self, otp_verified_superuser_client, monkeypatch, error
    ):
        """The admin site's every page turns a refusal into a message on the page it was sent
        from, whichever domain raised it and wherever it was not caught."""

        def refuse(*args: Any, **kwargs: Any) -> None:
            Fund.objects.create(name="Half saved", slug="half-saved")
            raise error

        monkeypatch.setattr("funding.admin.rounds.FundAdmin.save_model", refuse)
        add = reverse("admin:funding_fund_add")

        response = otp_verified_superuser_client.post(add, {"name": "New fund", "slug": "new"})

        assert response.status_code == 302
        assert response.url == add
        assert not Fund.objects.exists()
        page = otp_verified_superuser_client.get(response.url)
        assert f"Nothing was changed. {error}" in [str(m) for m in page.context["messages"]]

    def test_goes_to_the_admin_home_when_a_page_refuses_to_show(
        self, otp_verified_superuser_client, monkeypatch
    ):
        """A refusal on a GET cannot send staff back to the same page (it would refuse again),
        so it sends them to the admin's home page with the message."""

        def refuse(*args: Any, **kwargs: Any) -> None:
            raise FundingError("This fund cannot be shown.")

        monkeypatch.setattr("funding.admin.rounds.FundAdmin.get_object", refuse)
        fund = Fund.objects.create(name="Local Digital Fund", slug="ldf")

        response = otp_verified_superuser_client.get(
            reverse("admin:funding_fund_change", args=[fund.pk]), follow=True
        )

        assert response.redirect_chain == [(reverse("admin:index"), 302)]
        assert "Nothing was changed. This fund cannot be shown." in response.text


@pytest.mark.django_db
class TestObjectActions:
    """A button on an object's page runs the list's action on that object alone."""

    @pytest.fixture
    def award(self):
        return AwardFactory(accepted=True)

    def test_runs_the_action_on_the_one_object_and_returns_to_its_page(
        self, otp_verified_superuser_client, award
    ):
        other = AwardFactory(accepted=True)

        response = otp_verified_superuser_client.post(
            admin_actions.object_action_url(award, "start_selected")
        )

        assert response.status_code == 302
        assert response.url == reverse("admin:funding_award_change", args=[award.pk])
        award.refresh_from_db()
        other.refresh_from_db()
        assert (award.status, other.status) == (AwardStatus.ACTIVE, AwardStatus.ACCEPTED)

    def test_returns_to_the_page_on_this_site_that_the_button_named(
        self, otp_verified_superuser_client, award
    ):
        awards = reverse("admin:funding_award_changelist")

        response = otp_verified_superuser_client.post(
            admin_actions.object_action_url(award, "start_selected"), {"next": awards}
        )

        assert response.url == awards

    def test_returns_to_the_objects_page_when_the_button_names_another_site(
        self, otp_verified_superuser_client, award
    ):
        response = otp_verified_superuser_client.post(
            admin_actions.object_action_url(award, "start_selected"),
            {"next": "https://example.com/admin/"},
        )

        assert response.url == reverse("admin:funding_award_change", args=[award.pk])

    def test_refuses_a_get_which_changes_nothing(self, otp_verified_superuser_client, award):
        response = otp_verified_superuser_client.get(
            admin_actions.object_action_url(award, "start_selected")
        )

        assert response.status_code == 405
        award.refresh_from_db()
        assert award.status == AwardStatus.ACCEPTED

    @pytest.mark.parametrize("action", ["start_selected", "no_such_action"])
    def test_refuses_an_action_the_person_may_not_run(self, otp_verified_client_for, award, action):
        """Staff who may not change awards have no such action, from the list or a button."""
        trainer = otp_verified_client_for(
            UserFactory(staff=True, groups=["Training administrator"])
        )

        response = trainer.post(admin_actions.object_action_url(award, action))

        assert response.status_code == 403
        award.refresh_from_db()
        assert award.status == AwardStatus.ACCEPTED

    def test_answers_not_found_for_an_object_that_is_not_there(
        self, otp_verified_superuser_client, award
    ):
        url = admin_actions.object_action_url(award, "start_selected")
        award.delete()

        assert otp_verified_superuser_client.post(url).status_code == 404


@pytest.mark.django_db
class TestChangePage:
    """An admin's change page shows what its ``change_page_context`` gives for the object."""

    def test_shows_the_buttons_the_person_may_use(self, otp_verified_superuser_client):
        award = AwardFactory(accepted=True)

        response = otp_verified_superuser_client.get(
            reverse("admin:funding_award_change", args=[award.pk])
        )

        assert [button.label for button in response.context["object_actions"]] == [
            "Set the planned dates…",
            "Record that work started",
        ]

    def test_sends_staff_to_the_admin_home_for_an_object_that_is_not_there(
        self, otp_verified_superuser_client
    ):
        award = AwardFactory(accepted=True)
        url = reverse("admin:funding_award_change", args=[award.pk])
        award.delete()

        response = otp_verified_superuser_client.get(url, follow=True)

        assert response.redirect_chain == [(reverse("admin:index"), 302)]
        assert "object_actions" not in response.context
        assert "Perhaps it was deleted?" in response.text
