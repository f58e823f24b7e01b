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
]
