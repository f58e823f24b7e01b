"""The forms of the users' admin pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm

from ..models import User


class UserCreationForm(forms.ModelForm):
    """The new account's address and name; a superuser then sets a password if it is staff."""

    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
