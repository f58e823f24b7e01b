"""Every write of the funding app, one module per area."""
