"""The declaration app's URLs. Paths follow the URL contract in DESIGN.md."""

from declaration.routes import organisation_admin as organisation_admin_routes
from declaration.routes import public as public_routes
from declaration.routes import signing as signing_routes
from declaration.routes import text

app_name = "declaration"

urlpatterns = [
    *text.urlpatterns,
    *signing_routes.urlpatterns,
    *organisation_admin_routes.urlpatterns,
    *public_routes.urlpatterns,
]
