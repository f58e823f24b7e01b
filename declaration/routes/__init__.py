"""The declaration app's URLs, one module per area, joined in ``declaration/urls.py``."""
