"""The public pages of funded projects: the list with its search, filters and pagination,
each project's page, and the signatory pages that list them. Declined offers and awards of
rounds not yet announced never appear."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from declaration.models import OrganisationType
from funding.models import Phase
from tests.declaration.factories import OrganisationFactory
from tests.funding.factories import (
    ApplicationPartnerFactory,
    AwardFactory,
    ProgressUpdateFactory,
    ProjectOutputFactory,
    RoundFactory,
    SignatoryFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("funding:project-list")


def announced_round(**kwargs: object):
    return RoundFactory(
        decided=True,
        decisions_approved_at=timezone.now() - datetime.timedelta(days=40),
        announced_at=timezone.now() - datetime.timedelta(days=30),
        **kwargs,
    )


def unannounced_award(**kwargs: object):
    """An award whose round's decisions are approved but not announced: made by hand, as
    the announcement job never would, to show the pages hold the embargo themselves."""
    round = RoundFactory(
        closed=True,
        decisions_approved_at=timezone.now() - datetime.timedelta(days=1),
        decisions_announced_at=timezone.now() + datetime.timedelta(days=3),
    )
    return AwardFactory(application__round=round, **kwargs)


def page_of(client, path: str, **params: str) -> str:
    response = client.get(path, params)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


class TestProjectList:
    def test_lists_public_projects_newest_first_with_lead_round_phase_amount_and_status(
        self, client
    ):
        older = AwardFactory(
            title="Family context for social workers",
            awarded_on=datetime.date(2019, 10, 14),
            amount=Decimal(80000),
            application__lead_organisation=SignatoryFactory(name="Hackney Council"),
        )
        newer = AwardFactory(
            title="Digital planning service",
            awarded_on=datetime.date(2020, 3, 1),
            accepted=True,
            application__phase=Phase.ALPHA,
        )

        page = page_of(client, LIST)

        assert page.index(newer.title) < page.index(older.title)
        assert "Led by Hackney Council" in page
        assert older.application.round.name in page
        assert "£80,000 awarded" in page
        assert "alpha" in page
        assert "Grant offered" in page and "Grant accepted" in page
        assert reverse("funding:project-detail", args=[newer.slug]) in page
        assert "2 projects" in page

    def test_never_lists_a_declined_offer(self, client):
        AwardFactory(title="Visible project")
        AwardFactory(title="Declined project", declined=True)

        page = page_of(client, LIST)

        assert "Visible project" in page
        assert "Declined project" not in page
        assert "funded 1 project," in page

    def test_never_lists_an_award_whose_round_is_not_announced(self, client):
        unannounced_award(title="Embargoed project")

        page = page_of(client, LIST)

        assert "Embargoed project" not in page
        assert "No project has been funded yet" in page

    def test_searches_titles_and_summaries_in_english_with_stemming(self, client):
        AwardFactory(title="Digital planning service", summary="Applications online.")
        AwardFactory(title="Family context", summary="Social workers see who is planned to help.")
        AwardFactory(title="Missed bins", summary="Residents report missed collections.")

        page = page_of(client, LIST, q="planning")

        assert "Digital planning service" in page
        assert "Family context" in page  # "planned" shares the stem "plan"
        assert "Missed bins" not in page
        # The title weighs more than the summary.
        assert page.index("Digital planning service") < page.index("Family context")
        assert "best matches first" in page
        assert "Search: planning" in page

    def test_a_search_of_only_common_words_or_symbols_finds_nothing_and_does_not_fail(self, client):
        AwardFactory(title="Digital planning service")

        for query in ("the", "&|!:*()'", '"unclosed'):
            response = client.get(LIST, {"q": query})
            assert response.status_code == 200

    def test_a_search_that_is_too_long_is_reported_and_ignored(self, client):
        AwardFactory(title="Digital planning service")

        page = page_of(client, LIST, q="x" * 101)

        assert "There is a problem" in page
        assert "Search must be 100 characters or fewer" in page
        assert "Digital planning service" in page

    def test_filters_by_round_phase_and_organisation_led_or_partnered(self, client):
        round_3 = announced_round(name="Round 3", number=3)
        hackney = SignatoryFactory(name="Hackney Council", slug="hackney")
        led = AwardFactory(
            title="Led by Hackney",
            application__round=round_3,
            application__lead_organisation=hackney,
            application__phase=Phase.DISCOVERY,
        )
        partnered = AwardFactory(
            title="Partnered by Hackney", application__round=round_3, application__phase=Phase.BETA
        )
        ApplicationPartnerFactory(application=partnered.application, organisation=hackney)
        AwardFactory(title="Elsewhere", application__phase=Phase.BETA)

        by_organisation = page_of(client, LIST, organisation="hackney")
        by_round = page_of(client, LIST, round=round_3.slug)
        by_phase = page_of(client, LIST, phase="beta")
        combined = page_of(client, LIST, organisation="hackney", phase="beta")

        assert led.title in by_organisation and partnered.title in by_organisation
        assert "Elsewhere" not in by_organisation
        assert "Organisation: Hackney Council" in by_organisation
        assert "Elsewhere" not in by_round and led.title in by_round
        assert "Round: Round 3" in by_round
        assert "Led by Hackney" not in by_phase and "Elsewhere" in by_phase
        assert "Phase: Beta" in by_phase
        assert partnered.title in combined
        assert led.title not in combined and "Elsewhere" not in combined

    def test_each_filter_offers_what_the_public_projects_have_with_how_many_each_finds(
        self, client
    ):
        """Rounds newest first, phases in lifecycle order (those with no projects last),
        organisations by name counting projects led and partnered; declined and embargoed
        awards count nowhere."""
        round_3 = announced_round(name="Round 3", number=3, slug="round-3")
        round_4 = announced_round(name="Round 4", number=4, slug="round-4")
        hackney = SignatoryFactory(name="Hackney Council", slug="hackney")
        camden = SignatoryFactory(name="Camden Council", slug="camden")
        aylesbury = SignatoryFactory(name="aylesbury vale", slug="aylesbury")
        led = AwardFactory(
            application__round=round_3,
            application__lead_organisation=hackney,
            application__phase=Phase.DISCOVERY,
        )
        ApplicationPartnerFactory(application=led.application, organisation=aylesbury)
        for _ in range(2):
            partnered = AwardFactory(
                application__round=round_4,
                application__lead_organisation=camden,
                application__phase=Phase.BETA,
            )
            ApplicationPartnerFactory(application=partnered.application, organisation=hackney)
        declined = AwardFactory(
            declined=True, application__round=round_3, application__lead_organisation=camden
        )
        ApplicationPartnerFactory(application=declined.application, organisation=aylesbury)
        unannounced_award(application__lead_organisation=hackney, application__phase=Phase.LIVE)

        page = page_of(client, LIST)

        assert "funded 3 projects," in page
        assert "Showing 1 to 3 of 3 projects" in page
        assert re.findall(r"<option[^>]*>[^<]*</option>", page) == [
            '<option value="" selected>All rounds</option>',
            '<option value="round-4">Round 4 (2)</option>',
            '<option value="round-3">Round 3 (1)</option>',
            '<option value="" selected>All phases</option>',
            '<option value="discovery">Discovery (1)</option>',
            '<option value="beta">Beta (2)</option>',
            '<option value="alpha">Alpha (0)</option>',
            '<option value="live">Live (0)</option>',
            '<option value="" selected>All organisations</option>',
            '<option value="aylesbury">aylesbury vale (1)</option>',
            '<option value="camden">Camden Council (2)</option>',
            '<option value="hackney">Hackney Council (3)</option>',
        ]

    def test_each_active_filter_has_a_link_that_removes_only_it(self, client):
        round = announced_round(number=3)
        AwardFactory(application__round=round, application__phase=Phase.ALPHA)

        page = page_of(client, LIST, round=round.slug, phase="alpha", q="bins")

        assert f'href="{LIST}?round={round.slug}&amp;q=bins"' in page  # phase removed
        assert f'href="{LIST}?phase=alpha&amp;q=bins"' in page  # round removed
        assert f'href="{LIST}?round={round.slug}&amp;phase=alpha"' in page  # search removed
        assert "Clear all filters" in page

    def test_a_value_not_on_the_lists_is_reported_and_the_other_filters_still_apply(self, client):
        AwardFactory(title="Alpha project", application__phase=Phase.ALPHA)
        AwardFactory(title="Beta project", application__phase=Phase.BETA)

        page = page_of(client, LIST, round="no-such-round", organisation="nobody", phase="beta")

        assert "Choose a round from the list" in page
        assert "Choose an organisation from the list" in page
        assert "Beta project" in page and "Alpha project" not in page

    def test_a_known_organisation_or_phase_without_projects_gives_an_empty_list(self, client):
        OrganisationFactory(slug="quiet-council", name="Quiet Council")
        AwardFactory(title="Somebody's project", application__phase=Phase.ALPHA)

        by_organisation = page_of(client, LIST, organisation="quiet-council")
        by_phase = page_of(client, LIST, phase="live")

        for page in (by_organisation, by_phase):
            assert "There is a problem" not in page
            assert "No funded projects match your search and filters" in page
        assert "Organisation: Quiet Council" in by_organisation

    def test_pages_50_at_a_time_with_govuk_pagination(self, client):
        round = announced_round()
        for number in range(51):
            AwardFactory(
                application__round=round,
                title=f"Project {number:02d}",
                awarded_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=number),
            )

        first = page_of(client, LIST)
        second = page_of(client, LIST, page="2")
        beyond = page_of(client, LIST, page="9")
        nonsense = page_of(client, LIST, page="abc")

        assert "Showing 1 to 50 of 51 projects" in first
        assert "Project 50" in first and "Project 00" not in first
        assert 'class="govuk-pagination"' in first
        assert f'href="{LIST}?page=2" rel="next"' in first
        assert "Showing 51 to 51 of 51" in second and "Project 00" in second
        assert f'href="{LIST}?page=1" rel="prev"' in second
        assert "There is no page 9. This is page 2 of 2." in beyond
        assert "There is no page abc. This is page 1 of 2." in nonsense

    def test_keeps_filters_in_the_pagination_links(self, client):
        round = announced_round()
        for number in range(51):
            AwardFactory(application__round=round, title=f"Bins {number}")

        page = page_of(client, LIST, round=round.slug)

        assert f'href="{LIST}?round={round.slug}&amp;page=2"' in page

    def test_links_to_the_open_data(self, client):
        page = page_of(client, LIST)

        for name in ("projects-csv", "projects-json", "threesixtygiving", "open-data"):
            assert reverse(f"funding:{name}") in page


class TestProjectDetail:
    def test_shows_summary_lead_partners_round_phase_amount_status_updates_and_outputs(
        self, client
    ):
        lead = SignatoryFactory(name="Hackney Council", slug="hackney")
        award = AwardFactory(
            title="Digital planning service",
            summary="First paragraph.\n\nSecond paragraph.",
            amount=Decimal("350000.50"),
            application__lead_organisation=lead,
            application__phase=Phase.ALPHA,
            active=True,
            planned_start_on=datetime.date(2020, 1, 6),
            planned_end_on=datetime.date(2020, 6, 30),
        )
        signatory_partner = SignatoryFactory(name="Southwark Council", slug="southwark")
        ApplicationPartnerFactory(application=award.application, organisation=signatory_partner)
        ApplicationPartnerFactory(
            application=award.application,
            organisation=OrganisationFactory(name="Unsigned Fire Authority", slug="fire"),
        )
        old = ProgressUpdateFactory(
            award=award,
            title="Discovery finished",
            posted_at=timezone.now() - datetime.timedelta(days=10),
        )
        new = ProgressUpdateFactory(award=award, title="Alpha started", posted_at=timezone.now())
        ProjectOutputFactory(
            award=award, title="Planning prototype", url="https://github.com/example/planning"
        )

        page = page_of(client, reverse("funding:project-detail", args=[award.slug]))

        assert '<p class="govuk-body">First paragraph.</p>' in page
        assert "Second paragraph." in page
        assert 'href="/signatories/hackney/">Hackney Council</a>' in page
        assert 'href="/signatories/southwark/">Southwark Council</a>' in page
        assert "Unsigned Fire Authority" in page
        assert 'href="/signatories/fire/"' not in page
        assert award.application.round.name in page
        assert reverse("funding:round-detail", args=[award.application.round.slug]) in page
        assert "Alpha" in page
        assert "£350,000.50" in page
        assert "In progress" in page
        assert "From 6 January 2020 to 30 June 2020" in page
        assert page.index(new.title) < page.index(old.title)
        assert f'id="update-{new.pk}"' in page
        assert 'href="https://github.com/example/planning"' in page
        assert "Code repository" in page

    def test_a_declined_project_has_no_page(self, client):
        award = AwardFactory(declined=True)

        response = client.get(reverse("funding:project-detail", args=[award.slug]))

        assert response.status_code == 404

    def test_an_award_of_a_round_not_announced_has_no_page(self, client):
        award = unannounced_award()

        response = client.get(reverse("funding:project-detail", args=[award.slug]))

        assert response.status_code == 404

    def test_an_unknown_project_is_not_found(self, client):
        assert client.get(reverse("funding:project-detail", args=["nothing"])).status_code == 404

    def test_says_so_when_there_are_no_updates_or_outputs(self, client):
        award = AwardFactory()

        page = page_of(client, reverse("funding:project-detail", args=[award.slug]))

        assert "No updates yet." in page
        assert "No outputs yet." in page


class TestSignatoryPage:
    def test_lists_the_public_projects_it_leads_or_partners_on_with_its_role(self, client):
        hackney = SignatoryFactory(name="Hackney Council", slug="hackney")
        led = AwardFactory(title="Led project", application__lead_organisation=hackney)
        partnered = AwardFactory(title="Partnered project")
        ApplicationPartnerFactory(application=partnered.application, organisation=hackney)
        declined = AwardFactory(
            title="Declined project", declined=True, application__lead_organisation=hackney
        )
        embargoed = unannounced_award(
            title="Embargoed project", application__lead_organisation=hackney
        )
        AwardFactory(title="Somebody else's project")

        page = page_of(client, "/signatories/hackney/")

        assert "Funded projects" in page
        assert (
            f'href="{reverse("funding:project-detail", args=[led.slug])}">Led project</a> (Lead)'
            in page
        )
        assert (
            f'href="{reverse("funding:project-detail", args=[partnered.slug])}">'
            "Partnered project</a> (Partner)"
        ) in page
        assert declined.title not in page
        assert embargoed.title not in page
        assert "Somebody else's project" not in page

    def test_shows_no_heading_without_projects(self, client):
        SignatoryFactory(slug="hackney", organisation_type=OrganisationType.LONDON_BOROUGH)

        assert "Funded projects" not in page_of(client, "/signatories/hackney/")
