"""What the account tests share: signing staff in with their password, the first of their
two factors."""

from __future__ import annotations

from django.urls import reverse

PASSWORD = "correct horse battery"


def sign_in_with_password(client, email: str, password: str = PASSWORD):
    """Post the first step of the staff sign-in, the email address and password."""
    return client.post(
        reverse("two_factor:login"),
        {
            "staff_login_view-current_step": "auth",
            "auth-username": email,
            "auth-password": password,
        },
    )
