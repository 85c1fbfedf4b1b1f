"""The answers ``rolegraph serve`` keeps: the data is read-only, so the answer to the same
query text over the same dataset in the same format is the same until the server stops.
An :class:`AnswerCache` keeps the most recently used answers within a bound on their
total size (``--answer-cache MB``; 0 keeps none); an answer larger than a sixteenth of
that bound is never kept, so a few large answers cannot push out the many small ones, and
nor is the answer to a query text longer than 8 KB (the text is part of what is kept)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

MB = 1024 * 1024
#: the default bound on the answers kept, in MB
DEFAULT_MB = 32
#: answers kept at most, whatever their size
MAX_ENTRIES = 4096
#: the longest key (query text) whose answer is kept
MAX_KEY = 8192


class AnswerCache:
    """Answers by key, least recently used dropped first, at most ``limit`` bytes in all.
    Thread-safe. ``hits`` and ``misses`` count lookups."""

    def __init__(self, limit: int = DEFAULT_MB * MB) -> None:
        self.limit = max(0, limit)
        self.largest = self.limit // 16
        self._kept: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any:
        """The answer kept under ``key``, or None."""
        if not self.limit:
            return None
        with self._lock:
            found = self._kept.get(key)
            if found is None:
                self.misses += 1
                return None
            self._kept.move_to_end(key)
            self.hits += 1
            return found[0]

    def put(self, key: Hashable, value: Any, size: int, key_size: int) -> None:
        """Keep ``value`` (``size`` bytes) under ``key`` (``key_size``: the length of the
        query text in it)."""
        size += key_size
        if not self.limit or size > self.largest or key_size > MAX_KEY:
            return
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._kept[key] = (value, size)
            self._size += size
            while self._size > self.limit or len(self._kept) > MAX_ENTRIES:
                _, (_, dropped) = self._kept.popitem(last=False)
                self._size -= dropped

    @property
    def size(self) -> int:
        """Bytes kept now."""
        return self._size

    def __len__(self) -> int:
        return len(self._kept)


__all__ = ["DEFAULT_MB", "MAX_ENTRIES", "MAX_KEY", "AnswerCache"]
