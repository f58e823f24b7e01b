from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    default = True
    name = "localdigital.accounts"
    label = "accounts"
    verbose_name = "Accounts"


class StaffAdminConfig(admin_apps.AdminConfig):
    """The Django admin, served by a site that needs a verified second factor, saying its
    dates and times GOV.UK style (``localdigital.admin_dates``)."""

    default = False
    default_site = "localdigital.accounts.admin_site.StaffAdminSite"

    def ready(self) -> None:
        from localdigital import admin_dates

        admin_dates.install()
        super().ready()
