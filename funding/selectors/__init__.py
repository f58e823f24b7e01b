"""Every read of the funding app that views and other apps need, one module per area."""
