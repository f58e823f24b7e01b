"""What the Fund's admin tests share: the admin's addresses, its lists, and the forms' data."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from funding.models import EoiCluster, ExpressionOfInterest, Fund, ModeratedScore, Round
from funding.selectors import assessment_sheets as sheet_selectors
from tests.funding.factories import (
    ApplicationFactory,
    AssessmentFactory,
    CriterionFactory,
    RoundFactory,
)

APPLICATIONS = reverse("admin:funding_application_changelist")
ASSESSMENTS = reverse("admin:funding_assessment_changelist")


def application_url(application) -> str:
    """Return the address of an application's page in the admin."""
    return reverse("admin:funding_application_change", args=[application.pk])


def score_url(assessment) -> str:
    """Return the address of an assessment's scoring page."""
    return reverse("admin:funding_assessment_score", args=[assessment.pk])


def declare_url(assessment) -> str:
    """Return the address of the page declaring a conflict of interest with an assessment."""
    return reverse("admin:funding_assessment_declare", args=[assessment.pk])


def moderate_url(application) -> str:
    """Return the address of an application's moderation page."""
    return reverse("admin:funding_application_moderate", args=[application.pk])


def criteria(round):
    """Return the round's two criteria: understanding the problem, and reuse."""
    problem, reuse = sheet_selectors.round_criteria(round=round)
    return problem, reuse


def split(moment: datetime.datetime | None) -> tuple[str, str]:
    """Return the admin's date and time inputs for ``moment``, in UK time."""
    if moment is None:
        return "", ""
    local = timezone.localtime(moment)
    return local.strftime("%d/%m/%Y"), local.strftime("%H:%M:%S")


def at(day: str, time: str = "17:00") -> datetime.datetime:
    """Return the UK time on ``day`` (YYYY-MM-DD) at ``time``."""
    naive = datetime.datetime.fromisoformat(f"{day}T{time}")
    return timezone.make_aware(naive)


ROUND_1_DATES = {
    "eoi_opens_at": at("2018-09-24", "09:00"),
    "eoi_closes_at": at("2018-10-05"),
    "applications_open_at": at("2018-10-15", "09:00"),
    "applications_close_at": at("2018-11-18"),
    "decisions_announced_at": at("2018-12-03", "10:00"),
}


def formset(prefix: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the POST data of an inline formset; rows with an ``id`` are existing ones."""
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": sum(1 for row in rows if row.get("id")),
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            if value is True:
                value = "on"
            if value is False:
                continue
            data[f"{prefix}-{index}-{key}"] = value
    return data


def round_data(
    fund: Fund,
    *,
    round: Round | None = None,
    dates: dict[str, datetime.datetime | None] | None = None,
    criteria: list[dict[str, Any]] | None = None,
    questions: list[dict[str, Any]] | None = None,
    phase_caps: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """Return what the round's page posts: round 1's dates and rules unless told otherwise."""
    data: dict[str, Any] = {
        "fund": fund.pk,
        "number": 1,
        "name": "Round 1",
        "slug": "round-1",
        "summary": "Money for councils to fix common problems together.",
        "budget": "7500000",
        "is_published": "on",
        "date_precision": "{}",
        "min_participants": 2,
        "participants_must_be_signatories": "on",
        "max_led_applications": "",
        "restricted_to_round": "",
        "assessors_per_application": 2,
        "reminder_offsets_days": "7,1",
        "reporting_frequency": "quarterly",
        "first_report_after": 3,
        "first_report_unit": "months",
        "final_report_at_end": "on",
    }
    for name, moment in {**ROUND_1_DATES, **(dates or {})}.items():
        data[f"{name}_0"], data[f"{name}_1"] = split(moment)
    data.update(fields)
    parent = round.pk if round is not None else ""
    for prefix, rows in (
        ("phase_caps", phase_caps or []),
        ("criteria", criteria or []),
        ("questions", questions or []),
    ):
        data.update(formset(prefix, [{"round": parent, **row} for row in rows]))
    return data


def errors_of(response) -> dict[str, list[str]]:
    """Return the round form's errors by field, and the inline formsets' own errors."""
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    found = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        if formset.non_form_errors():
            found[f"{formset.prefix}"] = [str(e) for e in formset.non_form_errors()]
        for index, inline_form in enumerate(formset.forms):
            for name, errors in inline_form.errors.items():
                found[f"{formset.prefix}-{index}-{name}"] = [str(e) for e in errors]
    return found


def instalments_data(award, rows: list[dict]) -> dict:
    """Return what the award's page posts: its instalments, existing ones with an id."""
    data: dict = {
        "instalments-TOTAL_FORMS": len(rows),
        "instalments-INITIAL_FORMS": sum(1 for row in rows if row.get("id")),
        "instalments-MIN_NUM_FORMS": 0,
        "instalments-MAX_NUM_FORMS": 1000,
        "milestones-TOTAL_FORMS": 0,
        "milestones-INITIAL_FORMS": 0,
        "reports-TOTAL_FORMS": 0,
        "reports-INITIAL_FORMS": 0,
        "change_requests-TOTAL_FORMS": 0,
        "change_requests-INITIAL_FORMS": 0,
        "updates-TOTAL_FORMS": 0,
        "updates-INITIAL_FORMS": 0,
        "outputs-TOTAL_FORMS": 0,
        "outputs-INITIAL_FORMS": 0,
    }
    for index, row in enumerate(rows):
        for key, value in {"award": award.pk, **row}.items():
            data[f"instalments-{index}-{key}"] = value
    return data


def decided_round():
    """Return a closed round with a £200,000 budget, one criterion (weight 100, 0 to 4) and a
    discovery cap of £80,000, whose applications are recommended and decided."""
    round = RoundFactory(closed=True, budget=Decimal(200000), assessors_per_application=1)
    CriterionFactory(round=round, name="Overall", weight=100, scale_max=4)
    return round


ROUNDS = reverse("admin:funding_round_changelist")


def ranking_url(round) -> str:
    return reverse("admin:funding_round_ranking", args=[round.pk])


def recommend_url(application) -> str:
    return reverse("admin:funding_application_recommend", args=[application.pk])


def decide_url(application) -> str:
    return reverse("admin:funding_application_decide", args=[application.pk])


def round_url(round) -> str:
    return reverse("admin:funding_round_change", args=[round.pk])


def scored(round, score: int, *, moderated: int | None = None, **kwargs):
    """Return a submitted application of the round with one submitted assessment scoring
    ``score`` of 4, and moderated to ``moderated`` if given."""
    application = ApplicationFactory.create(round=round, submitted=True, **kwargs)
    (criterion,) = round.criteria.all()
    AssessmentFactory(application=application, submitted=True, scores={criterion: score})
    if moderated is not None:
        ModeratedScore.objects.create(application=application, criterion=criterion, score=moderated)
    return application


def approve_data(round, **extra) -> dict:
    return {
        "action": "approve_decisions",
        "_selected_action": [round.pk],
        "index": 0,
        "confirm": "yes",
        **extra,
    }


EOIS = reverse("admin:funding_expressionofinterest_changelist")


def change_url(eoi: ExpressionOfInterest) -> str:
    return reverse("admin:funding_expressionofinterest_change", args=[eoi.pk])


def fresh(eoi: ExpressionOfInterest) -> ExpressionOfInterest:
    return ExpressionOfInterest.objects.get(pk=eoi.pk)


CLUSTERS = reverse("admin:funding_eoicluster_changelist")


def cluster_url(cluster: EoiCluster) -> str:
    """Return the address of a cluster's page in the admin."""
    return reverse("admin:funding_eoicluster_change", args=[cluster.pk])


def cluster_action_confirm(client, action: str, clusters, *, follow=False, **data):
    """Send the action's own page for ``clusters``, filled in with ``data``."""
    return client.post(
        CLUSTERS,
        {"action": action, "_selected_action": [c.pk for c in clusters], "confirm": "yes", **data},
        follow=follow,
    )


ADD_ROUND = reverse("admin:funding_round_add")
