"""Staff screens for the Local Digital Fund, one module per area."""

from . import applications, assessment, awards, clusters, decisions, eois, rounds

__all__ = ["applications", "assessment", "awards", "clusters", "decisions", "eois", "rounds"]
