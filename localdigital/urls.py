"""The service's URLs. Public paths follow the URL contract in DESIGN.md."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("localdigital.pages.urls")),
    path("account/", include("localdigital.accounts.urls")),
    path("staff/", include("localdigital.accounts.staff_urls")),
    path("admin/", admin.site.urls),
    path("mail/", include("localdigital.mail.urls")),
    path("", include("declaration.urls")),
    path("", include("newsletter.urls")),
    path("", include("funding.urls")),
    path("", include("training.urls")),
]

handler400 = "localdigital.pages.views.bad_request"
handler403 = "localdigital.pages.views.permission_denied"
handler404 = "localdigital.pages.views.page_not_found"
handler500 = "localdigital.pages.views.server_error"
