"""Helpers the newsletter's tests share: patching what every service module uses, reading
signed links and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from localdigital.audit.models import AuditEvent
from newsletter.models import NewsletterIssue, Subscriber
from newsletter.selectors import newsletter as selectors
from newsletter.services import fan_out, issues, sending, subscribers, test_groups

SERVICE_MODULES = (subscribers, issues, sending, fan_out, test_groups)


def patch_audit_record(monkeypatch: pytest.MonkeyPatch, replacement: Callable[..., Any]) -> None:
    """Make every newsletter service write its audit events with ``replacement``."""
    for module in SERVICE_MODULES:
        monkeypatch.setattr(module, "audit_record", replacement)


def patch_fanout_batch_size(monkeypatch: pytest.MonkeyPatch, size: int) -> None:
    """Make each batch of a fan-out ``size`` subscribers."""
    monkeypatch.setattr(fan_out, "FANOUT_BATCH_SIZE", size)


def patch_fan_out_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Queue no next batch of a fan-out, so that the test makes each batch itself."""
    monkeypatch.setattr(fan_out, "fan_out_later", lambda issue_id, after: None)


def confirm_token(subscriber: Subscriber) -> str:
    return selectors.subscriber_confirm_token(subscriber=subscriber)


def unsubscribe_token(subscriber: Subscriber) -> str:
    return selectors.subscriber_unsubscribe_token(subscriber=subscriber)


def verbs() -> list[str]:
    """Return the verbs of every audit event, oldest first."""
    return list(AuditEvent.objects.order_by("pk").values_list("verb", flat=True))


def url(name: str, issue: NewsletterIssue) -> str:
    """Return the address of one of an issue's admin pages."""
    return reverse(f"admin:newsletter_newsletterissue_{name}", args=[issue.pk])


def action(name: str, issue: NewsletterIssue) -> str:
    """Return where a button on an issue's admin page posts to run the action ``name`` on it
    (``localdigital.admin_actions.ObjectActionsMixin``)."""
    return reverse("admin:newsletter_newsletterissue_object_action", args=[issue.pk, name])


# What the page of an action that asks first posts back: its answer, and "confirm".
CONFIRM = {"confirm": "yes"}


SUBSCRIBE = "/newsletter/"


MANAGE = "/newsletter/manage/"
SUBSCRIPTION = "/newsletter/manage/subscription/"


def manage_link(subscriber: Subscriber) -> str:
    """Return the subscriber's manage link, as every newsletter carries it."""
    token = selectors.subscriber_manage_token(subscriber=subscriber)
    return reverse("newsletter:manage-link", kwargs={"token": token})


def opened(client: Client, subscriber: Subscriber) -> Client:
    """Open the subscriber's manage link, as from the email, and return the client."""
    response = client.get(manage_link(subscriber))
    assert (response.status_code, response["Location"]) == (302, SUBSCRIPTION)
    return client
