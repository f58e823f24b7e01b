"""The newsletter's public pages."""
