"""Which items a catalogue holds, by (kind, id), and the side file that remembers the previous
catalogue's, so that « what's new » can tell the items a sync or a data pack brought."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

from lba_desktop.data.catalogue import ITEM_COLUMNS, CatalogueStore, row_to_item
from lba_desktop.data.storage import catalogue_error as storage_error
from lba_desktop.models import Item

Key = tuple[str, str]  # (kind, id)
_BATCH = 500
_SELECT = "SELECT " + ", ".join(ITEM_COLUMNS) + " FROM items"


def current_keys(store: CatalogueStore) -> set[Key]:
    """Every (kind, id) of the catalogue: one scan of the primary key, no item built."""
    with store.lock:
        return set(store.conn.execute("SELECT kind, id FROM items"))


def items_of(store: CatalogueStore, keys: Iterable[Key]) -> list[Item]:
    """The items named by `keys`, read in batches (an unknown key is skipped)."""
    by_kind: dict[str, list[str]] = {}
    for kind, item_id in keys:
        by_kind.setdefault(kind, []).append(item_id)
    found: list[Item] = []
    with store.lock:
        for kind, ids in sorted(by_kind.items()):
            for start in range(0, len(ids), _BATCH):
                chunk = ids[start : start + _BATCH]
                marks = ", ".join("?" for _ in chunk)
                rows = store.conn.execute(
                    f"{_SELECT} WHERE kind = ? AND id IN ({marks})",
                    [kind, *chunk],
                ).fetchall()
                found.extend(row_to_item(r, store.insertion) for r in rows)
    return found


class SeenCatalogue:
    """The keys of the catalogue seen at the last pass, in a small SQLite file beside it.

    Written to a temporary file then renamed: a pass killed halfway leaves the previous
    record, so the next pass finds the same new items again rather than none.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> tuple[str, set[Key]] | None:
        """(the catalogue's build time, its keys), or None when no pass ran yet or the file is
        unreadable (then the next pass starts a new record)."""
        if not self.path.exists():
            return None
        try:
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                (built_at,) = conn.execute("SELECT built_at FROM seen_meta").fetchone()
                keys = set(conn.execute("SELECT kind, id FROM seen_items"))
            finally:
                conn.close()
        except (sqlite3.DatabaseError, TypeError):
            return None
        return built_at, keys

    def save(self, built_at: str, keys: Iterable[Key]) -> None:
        # A staging file of its own: a second save at the same time never shares it.
        staging = self.path.with_name(f"{self.path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
        try:
            staging.unlink(missing_ok=True)
            conn = sqlite3.connect(staging, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = OFF")
                conn.execute("BEGIN")
                conn.execute("CREATE TABLE seen_meta (built_at TEXT NOT NULL)")
                conn.execute("INSERT INTO seen_meta VALUES (?)", (built_at,))
                # No index: the keys come from a set and are only ever read back whole.
                conn.execute("CREATE TABLE seen_items (kind TEXT NOT NULL, id TEXT NOT NULL)")
                conn.executemany("INSERT INTO seen_items VALUES (?, ?)", set(keys))
                conn.execute("COMMIT")
            finally:
                conn.close()
            os.replace(staging, self.path)
        except (OSError, sqlite3.DatabaseError) as exc:
            staging.unlink(missing_ok=True)
            raise storage_error(exc, path=self.path) from exc
