"""The forms of the users' admin pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.core.exceptions import ValidationError

from ..models import User
from ..selectors import user_get_by_email

EMAIL_TAKEN = "A user with this email address already exists."


class EmailOnceMixin(forms.ModelForm):
    """Says once, beside the address, that another account has it, whatever its case.

    Without it the field's own check (the same letters) and the model's case-insensitive
    constraint would each say so, one above the form and one beside the field; a field that
    fails here is left out of both.
    """

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        holder = user_get_by_email(email=email)
        if holder is not None and holder.pk != self.instance.pk:
            raise ValidationError(EMAIL_TAKEN, code="unique")
        return email


class UserCreationForm(EmailOnceMixin, forms.ModelForm):
    """The new account's address and name; a superuser then sets a password if it is staff."""

    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeForm(EmailOnceMixin, BaseUserChangeForm):
    """A person's account: their address and name, and what they may do (the page's
    fieldsets, whose other fields are read-only)."""

    class Meta:
        model = User
        fields = (
            "email",
            "full_name",
            "password",
            "is_active",
            "is_staff",
            "is_superuser",
            "groups",
            "user_permissions",
        )
