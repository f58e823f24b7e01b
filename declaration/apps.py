from django.apps import AppConfig


class DeclarationConfig(AppConfig):
    name = "declaration"
    verbose_name = "Declaration"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  connects them
