"""Staff screens for the Local Digital Fund, one module per area."""

from . import applications, clusters, eois, rounds

__all__ = ["applications", "clusters", "eois", "rounds"]
