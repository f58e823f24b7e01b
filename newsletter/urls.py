"""The newsletter's URLs. Paths follow the URL contract in DESIGN.md."""

from django.urls import path

from newsletter.views import newsletter

app_name = "newsletter"

urlpatterns = [
    path("newsletter/", newsletter.newsletter_subscribe, name="subscribe"),
    path(
        "newsletter/check-your-email/",
        newsletter.newsletter_check_email,
        name="check-email",
    ),
    path(
        "newsletter/confirm/<str:token>/",
        newsletter.newsletter_confirm,
        name="confirm",
    ),
    path("newsletter/confirmed/", newsletter.newsletter_confirmed, name="confirmed"),
    path(
        "newsletter/unsubscribe/<str:token>/",
        newsletter.newsletter_unsubscribe,
        name="unsubscribe",
    ),
    path(
        "newsletter/unsubscribed/",
        newsletter.newsletter_unsubscribed,
        name="unsubscribed",
    ),
    path("newsletter/manage/", newsletter.newsletter_manage, name="manage"),
    path(
        "newsletter/manage/check-your-email/",
        newsletter.newsletter_manage_check_email,
        name="manage-check-email",
    ),
    path(
        "newsletter/manage/subscription/",
        newsletter.newsletter_subscription,
        name="subscription",
    ),
    path(
        "newsletter/manage/<str:token>/",
        newsletter.newsletter_manage_link,
        name="manage-link",
    ),
]
