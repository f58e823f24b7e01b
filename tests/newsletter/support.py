"""Helpers the newsletter's tests share: patching what every service module uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

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
