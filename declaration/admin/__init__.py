"""Staff screens for the declaration app, one module per area."""

from . import organisations, signing, updates, versions

__all__ = ["organisations", "signing", "updates", "versions"]
