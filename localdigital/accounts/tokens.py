"""The token in a member of staff's set-up link (``manage.py staff_create``).

Django's password-reset tokens, with their own salt so that no other kind of token is
accepted here: made from the user's id, password hash, last sign-in and email address, so
setting a password or signing in makes the link stop working, and valid for
``PASSWORD_RESET_TIMEOUT`` (from ``STAFF_SET_UP_LINK_HOURS``). They are signed with
``SECRET_KEY`` and checked against ``SECRET_KEY_FALLBACKS`` too.
"""

from django.contrib.auth.tokens import PasswordResetTokenGenerator


class StaffSetUpTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "localdigital.accounts.tokens.StaffSetUpTokenGenerator"


staff_set_up_tokens = StaffSetUpTokenGenerator()
