"""Validation of what the outbox is sent from outside: provider callbacks and staff forms."""

from __future__ import annotations

from django import forms

from .models import DeliveryStatus, Suppression


class NotifyDeliveryReceiptForm(forms.Form):
    """A GOV.UK Notify delivery receipt for an email (the fields the outbox uses)."""

    id = forms.CharField(max_length=100)
    reference = forms.CharField(max_length=500, required=False)
    to = forms.EmailField(max_length=254)
    status = forms.ChoiceField(choices=DeliveryStatus.choices)


class SuppressionForm(forms.ModelForm):
    """Add an address to the suppression list, or change why it is there."""

    class Meta:
        model = Suppression
        fields = ["email", "reason", "note"]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()
