"""A bounded cache of catalogue items already read, keyed by their row number."""

from __future__ import annotations

from collections import OrderedDict

from lba_desktop.models import Item

# About 1.3 KB per item: 20,000 items (twenty wide searches) stay near 26 MB.
DEFAULT_CAPACITY = 20_000


class ItemCache:
    """Items by rowid, least recently used dropped first.

    A catalogue file is never modified once written (a sync writes a new file and the
    application opens a new store on it), so an item read once stays right for the life of
    its store. Searches around the same place with another filter or radius then only read
    the rows they had not read yet. Not thread-safe: the store calls it under its lock.
    """

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        self.capacity = capacity
        self._items: OrderedDict[int, Item] = OrderedDict()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._items)

    def get(self, rowid: int) -> Item | None:
        item = self._items.get(rowid)
        if item is None:
            self.misses += 1
            return None
        self.hits += 1
        self._items.move_to_end(rowid)
        return item

    def put(self, rowid: int, item: Item) -> None:
        if self.capacity <= 0:
            return
        self._items[rowid] = item
        self._items.move_to_end(rowid)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()
