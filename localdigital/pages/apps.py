from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "localdigital.pages"
    label = "pages"
    verbose_name = "Pages"

    def ready(self) -> None:
        # The admin's home page shows the staff work queue, which only pages may compose.
        from django.contrib import admin

        from localdigital.accounts.admin_site import StaffAdminSite

        from .work_queue import work_queue_context

        if isinstance(admin.site, StaffAdminSite):
            admin.site.add_index_context(work_queue_context)
