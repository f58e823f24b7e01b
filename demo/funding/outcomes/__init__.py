"""What became of the demo's applications in rounds 1 to 4: their assessors' scores, the
decisions, and for each funded project what its team did next, in their words."""

from __future__ import annotations

from .rounds_1_2 import OUTCOMES_1_2
from .rounds_3_4 import OUTCOMES_3_4
from .specs import JUSTIFICATIONS, OPEN_OUTPUTS, Outcome, Output, Scores, Update

OUTCOMES: dict[str, Outcome] = {**OUTCOMES_1_2, **OUTCOMES_3_4}

__all__ = ["JUSTIFICATIONS", "OPEN_OUTPUTS", "OUTCOMES", "Outcome", "Output", "Scores", "Update"]
