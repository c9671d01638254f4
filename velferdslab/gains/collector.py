"""Python's cycle collector held back while a portfolio is made.

A region's portfolio builds some hundred thousand short-lived containers (figures, sums,
suppression keys) that live exactly as long as the computation. Collected as they come they
survive the young generations and count towards a full collection, which then walks every
object the worker keeps (its tables' parts, some 300 000 containers): 0.2–0.3 s of CPU every
other cold view of W-national (docs/performance.md, issue 30, third round). Freed by their
reference counts once the report is made, they never reach it. The computation makes no
garbage cycles of note (a collection after a region's first view finds 17 objects), so memory is
the same; a figure never depends on when the collector runs.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holding = 0  # threads inside held(); the collector is back on when the last one leaves
_was_enabled = False


@contextmanager
def held() -> Iterator[None]:
    """Within it, no automatic collection (the collector's state is restored by the last of
    several threads to leave, as it was when the first came in)."""
    global _holding, _was_enabled
    with _lock:
        if _holding == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holding += 1
    try:
        yield
    finally:
        with _lock:
            _holding -= 1
            if _holding == 0 and _was_enabled:
                gc.enable()
