from django.apps import AppConfig


class DeclarationConfig(AppConfig):
    name = "declaration"
    verbose_name = "Declaration"
