"""The programme's figures: people trained, the organisations they work for, and progress
towards the goal of 1,000 staff trained."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count

from ..models import Enrolment, EnrolmentStatus


@dataclass(frozen=True)
class TrainingFigures:
    """``people_trained`` is the distinct people with a completed enrolment here
    (``trained_here``) plus ``historic_baseline``, those the programme trained before this
    service. ``goal_percent`` is the progress towards ``goal``, at most 100."""

    people_trained: int
    trained_here: int
    historic_baseline: int
    organisations_trained: int
    goal: int
    goal_percent: int

    @property
    def goal_reached(self) -> bool:
        return self.people_trained >= self.goal


def training_figures() -> TrainingFigures:
    """Return the programme's figures for ``/training/``, in one query."""
    counts = Enrolment.objects.filter(status=EnrolmentStatus.COMPLETED).aggregate(
        people=Count("user", distinct=True),
        organisations=Count("organisation", distinct=True),
    )
    baseline = settings.TRAINING_HISTORIC_BASELINE
    goal = settings.TRAINING_GOAL
    people = counts["people"] + baseline
    return TrainingFigures(
        people_trained=people,
        trained_here=counts["people"],
        historic_baseline=baseline,
        organisations_trained=counts["organisations"],
        goal=goal,
        goal_percent=min(100, people * 100 // goal) if goal > 0 else 100,
    )
