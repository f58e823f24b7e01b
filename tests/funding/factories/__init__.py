"""Factories for the Fund: rounds in each stage, EOIs and applications in each state, and
what follows them. Import them from here."""

from tests.funding.factories.bids import (
    COMPLETE_ANSWERS,
    ApplicationFactory,
    ApplicationPartnerFactory,
    BudgetLineFactory,
    EoiClusterFactory,
    EoiFactory,
    EoiPartnerFactory,
)
from tests.funding.factories.outcomes import (
    AssessmentFactory,
    AwardFactory,
    DecisionFactory,
    InstalmentFactory,
    ProgressUpdateFactory,
    ProjectOutputFactory,
)
from tests.funding.factories.rounds import (
    DAY,
    CriterionFactory,
    FundFactory,
    PhaseCapFactory,
    RoundFactory,
    RoundQuestionFactory,
    SignatoryFactory,
    member_of,
)

__all__ = [
    "COMPLETE_ANSWERS",
    "DAY",
    "ApplicationFactory",
    "ApplicationPartnerFactory",
    "AssessmentFactory",
    "AwardFactory",
    "BudgetLineFactory",
    "CriterionFactory",
    "DecisionFactory",
    "EoiClusterFactory",
    "EoiFactory",
    "EoiPartnerFactory",
    "FundFactory",
    "InstalmentFactory",
    "PhaseCapFactory",
    "ProgressUpdateFactory",
    "ProjectOutputFactory",
    "RoundFactory",
    "RoundQuestionFactory",
    "SignatoryFactory",
    "member_of",
]
