"""Endpoints the email provider calls."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .forms import NotifyDeliveryReceiptForm


@csrf_exempt  # Called by GOV.UK Notify, which has no CSRF token; the bearer token guards it.
@require_POST
def notify_delivery_receipt(request: HttpRequest) -> HttpResponse:
    """Record a GOV.UK Notify delivery receipt sent as JSON with a bearer token.

    Answers 401 without a bearer token, 403 with the wrong one (or when none is configured),
    400 for a body that is not a receipt, and 204 once it is recorded.
    """
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        response = JsonResponse({"error": "A bearer token is needed."}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response
    expected = settings.GOVUK_NOTIFY_CALLBACK_TOKEN
    if not expected or not hmac.compare_digest(token.strip().encode(), expected.encode()):
        return JsonResponse({"error": "The bearer token is not valid."}, status=403)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "The body is not valid JSON."}, status=400)
    form = NotifyDeliveryReceiptForm(data=payload if isinstance(payload, dict) else {})
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    services.delivery_receipt_record(
        reference=form.cleaned_data["reference"],
        recipient=form.cleaned_data["to"],
        status=form.cleaned_data["status"],
        notification_id=form.cleaned_data["id"],
    )
    return HttpResponse(status=204)
