"""A bounded, thread-safe memory of results keyed by everything they are made from.

For work that is costly and read far more often than its inputs change (a family's estimated
gains): the key is the input itself, so a change of data is a new key and
nothing needs invalidating; the least recently used results are dropped beyond `size`. A
result made for a newer version of the same thing (`supersedes`: the key without its version)
drops the older one at once, so a worker keeps one version of each, not `size` stale ones.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class Memo(Generic[T]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[Hashable, T] = OrderedDict()
        self._latest: dict[Hashable, Hashable] = {}  # what a result is of -> its key
        self._lock = threading.Lock()

    def get_or_make(
        self, key: Hashable, make: Callable[[], T], supersedes: Hashable | None = None
    ) -> T:
        """The kept result for `key`, else `make()`'s (made outside the lock, then kept, in the
        place of the result kept for the same `supersedes`)."""
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        value = make()
        with self._lock:
            if supersedes is not None:
                older = self._latest.get(supersedes)
                if older is not None and older != key:
                    self._kept.pop(older, None)
                self._latest[supersedes] = key
            self._kept[key] = value
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
            if len(self._latest) > 2 * self.size:  # forget what was dropped meanwhile
                self._latest = {k: v for k, v in self._latest.items() if v in self._kept}
        return value

    def __len__(self) -> int:
        return len(self._kept)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._latest.clear()
