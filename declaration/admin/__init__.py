"""Staff screens for the declaration app, one module per area."""

from . import organisations

__all__ = ["organisations"]
