"""The newsletter's staff screens."""

from . import newsletter

__all__ = ["newsletter"]
