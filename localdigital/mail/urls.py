"""The outbox's URLs, included at ``mail/``."""

from django.urls import path

from . import views

app_name = "mail"

urlpatterns = [
    path(
        "notify/delivery-receipts/",
        views.notify_delivery_receipt,
        name="notify-delivery-receipt",
    ),
]
