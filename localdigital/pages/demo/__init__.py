"""The demo's data beyond organisations and people, one module per area, for ``seed_demo``."""
