"""The demo generator's version, and whether a catalogue file holds demo data of an older one
(read at every start without importing the generator itself)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

# Raise it whenever the generated items change: a demo catalogue written by an older
# generator is then rebuilt at the next start (its items would otherwise stay as they were).
GENERATOR_VERSION = "3"  # 3: fictitious InserJeunes rates


def stale_demo_scale(path: Path) -> str | None:
    """The scale to rebuild `path` at when it is a demo catalogue of another generator version;
    None for a current demo catalogue, synced data, a data pack or a file that cannot be read
    (opening it then says what is wrong)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        meta = dict(
            conn.execute(
                "SELECT key, value FROM meta WHERE key IN ('origin', 'generator_version', 'scale')"
            ).fetchall()
        )
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    if meta.get("origin") != "demo" or meta.get("generator_version") == GENERATOR_VERSION:
        return None
    return meta.get("scale") or "demo"
