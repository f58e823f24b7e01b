"""People who use the service. A user is keyed by email address, compared case-insensitively."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac


class UserManager(BaseUserManager["User"]):
    """Create users, and find them by email whatever its case."""

    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        """Create a user who signs in by emailed link unless a password is given."""
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        """Create a member of staff with every permission (they still need a second factor)."""
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account.

    Council users have no password: they sign in by an emailed link, and ``email_verified_at``
    records the first time they did. Staff (``is_staff``) sign in to the admin with a password
    and a TOTP device.
    """

    email = models.EmailField("email address", max_length=254, unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_staff = models.BooleanField(
        "staff status", default=False, help_text="Can sign in to the admin, with two factors."
    )
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    created_by_sign_in = models.BooleanField(
        default=False,
        editable=False,
        help_text="Created when somebody asked for a sign-in link for a new address.",
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_email_ci_unique",
                violation_error_message="A user with this email address already exists.",
            )
        ]

    def __str__(self) -> str:
        return self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def email_domain(self) -> str:
        """Return the part of the email address after the @, in lower case."""
        return self.email.rsplit("@", 1)[-1].lower()

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django ends every session of a user whose password changes. Also end them when the
        # user gains or loses staff rights, so that a session begun as a council user (by
        # emailed link) can never become a staff session.
        return salted_hmac(
            "localdigital.accounts.User.session",
            f"{self.password}:{self.is_staff}:{self.is_superuser}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()
