"""The declaration app's URLs. Paths follow the URL contract in DESIGN.md."""

from declaration.routes import text

app_name = "declaration"

urlpatterns = [
    *text.urlpatterns,
]
