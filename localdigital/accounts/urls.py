from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/check-your-email/", views.check_email, name="check-email"),
    path("sign-in/link/", views.sign_in_link, name="link"),
    path("sign-out/", views.sign_out, name="sign-out"),
]
