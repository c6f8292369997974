"""A bounded, thread-safe cache that forgets the least recently used entries first."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

# Catalogue items are about 1.3 KB each: 20,000 (twenty wide searches) stay near 26 MB.
DEFAULT_CAPACITY = 20_000


class LruCache(Generic[K, V]):
    """Values by key, at most `capacity` of them (0 keeps nothing); counts hits and misses.

    Used for what a catalogue file gives once and for all: a catalogue is never modified once
    written (a sync writes a new file, opened by a new store), so a value computed from one
    stays right for the life of the object that holds the cache.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._values: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._values.get(key)
            if value is None:
                self.misses += 1
                return None
            self.hits += 1
            self._values.move_to_end(key)
            return value

    def get_many(self, keys: Iterable[K]) -> dict[K, V | None]:
        """Each key with its value or None, in the order given (one lock for all)."""
        with self._lock:
            values = self._values
            found = {key: values.get(key) for key in keys}
            for key, value in found.items():
                if value is not None:
                    values.move_to_end(key)
            hits = sum(1 for value in found.values() if value is not None)
            self.hits += hits
            self.misses += len(found) - hits
            return found

    def put(self, key: K, value: V) -> None:
        if self.capacity <= 0:
            return
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.capacity:
                self._values.popitem(last=False)
