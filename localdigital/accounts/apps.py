from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "localdigital.accounts"
    label = "accounts"
    verbose_name = "Accounts"


class StaffAdminConfig(admin_apps.AdminConfig):
    """The Django admin, served by a site that needs a verified second factor."""

    default = False
    default_site = "localdigital.accounts.admin_site.StaffAdminSite"
