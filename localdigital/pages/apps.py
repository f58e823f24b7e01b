from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "localdigital.pages"
    label = "pages"
    verbose_name = "Pages"
