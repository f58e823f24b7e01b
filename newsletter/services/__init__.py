"""Every write to the newsletter, one module per area."""
