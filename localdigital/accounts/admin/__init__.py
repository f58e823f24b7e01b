"""Staff screens for people's accounts. Only superusers hold permissions on users."""

from . import users

__all__ = ["users"]
