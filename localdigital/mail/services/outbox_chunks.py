"""Sending queued emails in chunks, as the newsletter's fan-out does."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from localdigital.mail.services.outbox import SendResult, _email_send, _emails_finished_announce


@dataclass(frozen=True)
class ChunkResult:
    """What one run of ``emails_send_chunk`` did: each email's outcome, by id, and the ids
    handed back to the queue because the chunk waited for the throttle."""

    outcomes: dict[int, SendResult]
    handed_back: list[int]


def emails_send_chunk(
    *,
    email_ids: Sequence[int],
    hand_back: Callable[[list[int]], object],
    sleep: Callable[[float], object] = time.sleep,
) -> ChunkResult:
    """Send a chunk of newsletter emails one after another, each as ``email_send`` does.

    Each email is claimed, sent and marked sent on its own, so at most one of the chunk is in
    flight at any moment, and a worker killed mid-chunk can repeat only that one. Once an
    email has waited for the newsletter throttle, the rest of the chunk is given to
    ``hand_back`` (which queues it again) instead of being sent here: a chunk waits for the
    throttle at most once, so it never holds a worker that a transactional email needs.

    One ``emails_finished`` is sent for the emails of the chunk that finished, at its end.
    """
    outcomes: dict[int, SendResult] = {}
    waited = False

    def note_wait(seconds: float) -> None:
        nonlocal waited
        waited = True
        sleep(seconds)

    rest: list[int] = []
    for position, email_id in enumerate(email_ids):
        outcomes[email_id] = _email_send(email_id=email_id, sleep=note_wait)
        if waited:
            rest = list(email_ids[position + 1 :])
            if rest:
                hand_back(rest)
            break
    _emails_finished_announce(
        [email_id for email_id, result in outcomes.items() if result.is_final]
    )
    return ChunkResult(outcomes=outcomes, handed_back=rest)
