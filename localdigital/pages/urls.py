from django.urls import path
from django.views.generic import TemplateView

from . import site_files, views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("account/", views.account, name="account"),
    path(
        "accessibility/",
        TemplateView.as_view(template_name="pages/accessibility.html"),
        name="accessibility",
    ),
    path("privacy/", TemplateView.as_view(template_name="pages/privacy.html"), name="privacy"),
    path("cookies/", TemplateView.as_view(template_name="pages/cookies.html"), name="cookies"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("robots.txt", site_files.robots_txt, name="robots-txt"),
    path("sitemap.xml", site_files.sitemap, name="sitemap"),
    path(".well-known/security.txt", site_files.security_txt, name="security-txt"),
]
