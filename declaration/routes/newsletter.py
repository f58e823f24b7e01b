from django.urls import path

from declaration.views import newsletter

urlpatterns = [
    path("newsletter/", newsletter.newsletter_subscribe, name="newsletter"),
    path(
        "newsletter/check-your-email/",
        newsletter.newsletter_check_email,
        name="newsletter-check-email",
    ),
    path(
        "newsletter/confirm/<str:token>/",
        newsletter.newsletter_confirm,
        name="newsletter-confirm",
    ),
    path("newsletter/confirmed/", newsletter.newsletter_confirmed, name="newsletter-confirmed"),
    path(
        "newsletter/unsubscribe/<str:token>/",
        newsletter.newsletter_unsubscribe,
        name="newsletter-unsubscribe",
    ),
    path(
        "newsletter/unsubscribed/",
        newsletter.newsletter_unsubscribed,
        name="newsletter-unsubscribed",
    ),
    path("newsletter/manage/", newsletter.newsletter_manage, name="newsletter-manage"),
    path(
        "newsletter/manage/check-your-email/",
        newsletter.newsletter_manage_check_email,
        name="newsletter-manage-check-email",
    ),
    path(
        "newsletter/manage/subscription/",
        newsletter.newsletter_subscription,
        name="newsletter-subscription",
    ),
    path(
        "newsletter/manage/<str:token>/",
        newsletter.newsletter_manage_link,
        name="newsletter-manage-link",
    ),
]
