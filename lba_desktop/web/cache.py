"""A bounded LRU of rendered answers: the catalogue does not change while the server runs."""

from __future__ import annotations

import threading
from collections import OrderedDict


class ResponseCache:
    """Bytes of JSON answers by (route, query); at most `max_bytes` held, least recent dropped."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[str, str], bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(route: str, params: dict[str, str]) -> tuple[str, str]:
        # Parameter order does not change the answer, so it does not change the key.
        return route, "&".join(f"{k}={v}" for k, v in sorted(params.items()))

    def get(self, key: tuple[str, str]) -> bytes | None:
        if self.max_bytes <= 0:
            return None
        with self._lock:
            data = self._items.get(key)
            if data is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return data

    def put(self, key: tuple[str, str], data: bytes) -> None:
        if self.max_bytes <= 0 or len(data) > self.max_bytes // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._items[key] = data
            self._size += len(data)
            while self._size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._size -= len(dropped)
