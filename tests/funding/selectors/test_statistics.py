"""The Fund's figures on /funding/: projects funded, the total awarded, the councils taking
part, and the chart of funding by round with its table."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from declaration.models import OrganisationType
from funding.selectors.statistics import funding_statistics
from tests.declaration.factories import OrganisationFactory
from tests.funding.factories import ApplicationPartnerFactory, AwardFactory, RoundFactory

pytestmark = pytest.mark.django_db


def announced_round(number: int):
    return RoundFactory(
        number=number,
        name=f"Round {number}",
        decided=True,
        decisions_approved_at=timezone.now() - datetime.timedelta(days=40),
        announced_at=timezone.now() - datetime.timedelta(days=30),
    )


def council(name: str, kind: str = OrganisationType.DISTRICT):
    return OrganisationFactory(name=name, organisation_type=kind)


def funded_world():
    """Round 1: two projects (£80,000 and £60,000); round 3: one (£350,000).

    Councils: Hackney leads one and partners another, Kent and Leeds partner; a sector body
    leads one and a fire authority partners, neither a council. A declined offer, led by a
    council found nowhere else, and an award of a round not announced count for nothing.
    """
    round_1, round_3 = announced_round(1), announced_round(3)
    hackney = council("Hackney", OrganisationType.LONDON_BOROUGH)
    kent = council("Kent", OrganisationType.COUNTY)
    leeds = council("Leeds", OrganisationType.METROPOLITAN_DISTRICT)
    sector = council("Socitm", OrganisationType.SECTOR_BODY)
    fire = council("Fire authority", OrganisationType.FIRE_AND_RESCUE)
    first = AwardFactory(
        amount=Decimal(80000),
        application__round=round_1,
        application__lead_organisation=hackney,
    )
    ApplicationPartnerFactory(application=first.application, organisation=kent)
    ApplicationPartnerFactory(application=first.application, organisation=fire)
    second = AwardFactory(
        amount=Decimal(60000),
        accepted=True,
        application__round=round_1,
        application__lead_organisation=sector,
    )
    ApplicationPartnerFactory(application=second.application, organisation=hackney)
    ApplicationPartnerFactory(application=second.application, organisation=leeds)
    AwardFactory(
        amount=Decimal(350000),
        completed=True,
        application__round=round_3,
        application__lead_organisation=kent,
    )
    AwardFactory(
        amount=Decimal(99999),
        declined=True,
        application__round=round_3,
        application__lead_organisation=council("Declined council"),
    )
    AwardFactory(
        amount=Decimal(12345),
        application__round=RoundFactory(
            number=5, closed=True, decisions_approved_at=timezone.now(), announced_at=None
        ),
        application__lead_organisation=council("Embargoed council"),
    )


class TestFigures:
    def test_counts_projects_total_and_distinct_councils_of_public_awards_only(self):
        funded_world()

        statistics = funding_statistics()

        assert statistics.project_count == 3
        assert statistics.total_awarded == "£490,000"
        assert statistics.council_count == 3  # Hackney, Kent, Leeds
        assert [(r.name, r.project_count, r.amount) for r in statistics.rounds] == [
            ("Round 1", 2, Decimal(140000)),
            ("Round 3", 1, Decimal(350000)),
        ]

    def test_the_chart_bars_are_in_proportion_to_the_largest_round(self):
        funded_world()

        chart = funding_statistics().chart

        assert chart is not None
        round_1, round_3 = chart.bars
        assert round_3.bar_width == chart.width - 2 * chart.axis_x
        assert round_1.bar_width == round(round_3.bar_width * 140000 / 350000)
        assert round_1.label == "Round 1: £140,000 (2 projects)"
        assert round_3.label == "Round 3: £350,000 (1 project)"
        assert round_1.bar_y < round_3.label_y

    def test_nothing_funded_gives_no_figures_and_no_chart(self):
        AwardFactory(declined=True)

        statistics = funding_statistics()

        assert statistics.project_count == 0
        assert statistics.council_count == 0
        assert statistics.chart is None


class TestPage:
    def test_shows_the_figures_an_accessible_svg_chart_and_a_table_of_the_same_figures(
        self, client
    ):
        funded_world()

        page = client.get(reverse("funding:round-list")).content.decode()

        assert "Funded so far" in page
        assert ">3</span> projects funded" in page
        assert ">£490,000</span> awarded in total" in page
        assert ">3</span> councils leading or partnering on at least one" in page
        svg = re.search(r"<svg[^>]*role=\"img\".*?</svg>", page, re.DOTALL)
        assert svg is not None
        chart = svg.group(0)
        assert 'aria-labelledby="funding-chart-title funding-chart-desc"' in chart
        assert '<title id="funding-chart-title">' in chart
        assert (
            '<desc id="funding-chart-desc">Amount awarded by round: Round 1, £140,000 for 2 '
            "projects; Round 3, £350,000 for 1 project.</desc>"
        ) in chart
        assert chart.count("<rect") == 3  # the background and a bar per round
        assert ">Round 1: £140,000 (2 projects)</text>" in chart
        assert 'fill="#1d70b8"' in chart and 'fill="#0b0c0c"' in chart
        assert "<script" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
        table = page[page.index("Amount awarded and projects funded, by round") :]
        assert re.search(r"Round 1</th>\s*<td[^>]*>2</td>\s*<td[^>]*>£140,000</td>", table)
        assert re.search(r"Round 3</th>\s*<td[^>]*>1</td>\s*<td[^>]*>£350,000</td>", table)
        assert re.search(r"Total</th>\s*<td[^>]*>3</td>\s*<td[^>]*>£490,000</td>", table)
        assert reverse("funding:project-list") in page

    def test_shows_no_figures_before_anything_is_announced(self, client):
        AwardFactory(
            application__round=RoundFactory(
                closed=True, decisions_approved_at=timezone.now(), announced_at=None
            )
        )

        page = client.get(reverse("funding:round-list")).content.decode()

        assert "Funded so far" not in page
        assert "<svg" not in page.split('id="main-content"', 1)[-1].split("</main>", 1)[0]
