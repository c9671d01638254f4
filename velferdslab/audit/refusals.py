"""Refused reads are audited as their own action ("refused"), without flooding the log.

A user who is refused a family (answered 404) leaves an event naming the family and the
permission asked for. So that one user probing thousands of ids does not bury the log, each
worker writes at most REFUSALS_PER_MINUTE such events per user per minute; the next event
written for that user says how many were left out before it ("left_out").
"""

from __future__ import annotations

import threading
import time

REFUSALS_PER_MINUTE = 20
WINDOW_SECONDS = 60.0


class RefusalCounter:
    """Per process: which refusals of a user to write, and how many were left out."""

    def __init__(self, limit: int = REFUSALS_PER_MINUTE, window: float = WINDOW_SECONDS) -> None:
        self.limit = limit
        self.window = window
        self._lock = threading.Lock()
        # user id -> [window start, written in window, left out since the last written]
        self._state: dict[int | None, list[float]] = {}

    def admit(self, user_id: int | None) -> int | None:
        """None: leave this refusal out. Else: write it, with this many left out before it."""
        now = time.monotonic()
        with self._lock:
            if len(self._state) > 10_000:
                self._state.clear()
            state = self._state.setdefault(user_id, [now, 0, 0])
            if now - state[0] >= self.window:
                state[0], state[1] = now, 0
            if state[1] >= self.limit:
                state[2] += 1
                return None
            state[1] += 1
            left_out, state[2] = int(state[2]), 0
            return left_out


COUNTER = RefusalCounter()


def audit_refusal(family_id: int, permission: str) -> None:
    """Record that the current user was refused this family (within a request only)."""
    from flask import has_request_context

    from velferdslab.auth.current import audit, optional_user

    if not has_request_context():
        return
    user = optional_user()
    left_out = COUNTER.admit(user.id if user else None)
    if left_out is None:
        return
    details: dict[str, object] = {"permission": permission}
    if left_out:
        details["left_out"] = left_out
    audit("refused", "family", family_id, family_id=family_id, details=details, always=True)
