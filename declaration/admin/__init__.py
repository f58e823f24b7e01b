"""Staff screens for the declaration app, one module per area."""

from . import newsletter, organisations, signing, updates, versions

__all__ = ["newsletter", "organisations", "signing", "updates", "versions"]
