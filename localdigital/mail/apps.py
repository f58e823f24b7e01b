from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "localdigital.mail"
    label = "mail"
    verbose_name = "Outbox"
