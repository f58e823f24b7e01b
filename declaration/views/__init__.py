"""The declaration app's pages, one module per area; each area's routes are in ``routes/``."""
