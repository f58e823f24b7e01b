"""The sheets staff score and moderate on: the round's criteria, one assessor's scores, and
every assessor's scores side by side."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from funding.selectors.assessment import application_assessments, weighted_score

from ..models import (
    Application,
    Assessment,
    AssessmentStatus,
    Criterion,
    CriterionScore,
    ModeratedScore,
    Round,
)


@dataclass(frozen=True)
class CriterionLine:
    """One criterion of an assessor's sheet, with what they have scored so far."""

    criterion: Criterion
    score: int | None
    justification: str


@dataclass(frozen=True)
class ScoringSheet:
    lines: list[CriterionLine]

    @property
    def weighted(self) -> Decimal | None:
        """Return the weighted score of the criteria scored so far, or None for none."""
        scored = [line for line in self.lines if line.score is not None]
        if not scored:
            return None
        return weighted_score(
            (line.criterion.weight, line.criterion.scale_max, line.score)
            for line in scored
            if line.score is not None
        )

    @property
    def is_complete(self) -> bool:
        return all(line.score is not None for line in self.lines)


def round_criteria(*, round: Round) -> list[Criterion]:
    """Return the round's criteria, in their order."""
    return list(Criterion.objects.filter(round=round).order_by("position", "pk"))


def scoring_sheet(*, assessment: Assessment) -> ScoringSheet:
    """Return every criterion of the assessment's round with the assessor's score and
    justification so far."""
    scores = {score.criterion_id: score for score in assessment.scores.all()}
    return ScoringSheet(
        lines=[
            CriterionLine(
                criterion=criterion,
                score=scores[criterion.pk].score if criterion.pk in scores else None,
                justification=scores[criterion.pk].justification if criterion.pk in scores else "",
            )
            for criterion in round_criteria(round=assessment.application.round)
        ]
    )


@dataclass(frozen=True)
class AssessorScore:
    assessor: str
    score: int | None
    justification: str


@dataclass(frozen=True)
class ModerationLine:
    """One criterion: each assessor's score side by side, their spread (highest less
    lowest) and mean, and the moderated score so far."""

    criterion: Criterion
    scores: list[AssessorScore]
    moderated: ModeratedScore | None

    @property
    def given(self) -> list[int]:
        return [s.score for s in self.scores if s.score is not None]

    @property
    def spread(self) -> int | None:
        return max(self.given) - min(self.given) if self.given else None

    @property
    def mean(self) -> Decimal | None:
        if not self.given:
            return None
        return (Decimal(sum(self.given)) / len(self.given)).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class ModerationSheet:
    assessments: list[Assessment]
    lines: list[ModerationLine]

    @property
    def moderated_weighted(self) -> Decimal | None:
        """Return the weighted moderated score, once every criterion is moderated."""
        if not self.lines or any(line.moderated is None for line in self.lines):
            return None
        return weighted_score(
            (line.criterion.weight, line.criterion.scale_max, line.moderated.score)
            for line in self.lines
            if line.moderated is not None
        )


def moderation_sheet(*, application: Application) -> ModerationSheet:
    """Return the submitted assessments of the application (with weighted scores) and, per
    criterion of its round, each one's score and justification and the moderated score."""
    submitted = [
        a
        for a in application_assessments(application=application)
        if a.status == AssessmentStatus.SUBMITTED
    ]
    scores = {
        (score.assessment_id, score.criterion_id): score
        for score in CriterionScore.objects.filter(assessment__in=[a.pk for a in submitted])
    }
    moderated = {
        row.criterion_id: row
        for row in ModeratedScore.objects.filter(application=application).select_related(
            "moderated_by"
        )
    }
    lines = []
    for criterion in round_criteria(round=application.round):
        row = []
        for assessment in submitted:
            score = scores.get((assessment.pk, criterion.pk))
            row.append(
                AssessorScore(
                    assessor=assessment.assessor.full_name or assessment.assessor.email,
                    score=score.score if score else None,
                    justification=score.justification if score else "",
                )
            )
        lines.append(
            ModerationLine(criterion=criterion, scores=row, moderated=moderated.get(criterion.pk))
        )
    return ModerationSheet(assessments=submitted, lines=lines)
