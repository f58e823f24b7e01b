"""The newsletter's staff screens, one module per model."""

from . import issues, subscribers, test_groups

__all__ = ["issues", "subscribers", "test_groups"]
