"""The settings that belong to the structure, not to one computer (its name and commune on
hand-outs and reports, how long an inactive young person's data is kept): on a shared server
they live in its settings table, and each computer keeps a copy for when it is away."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from lba_desktop import settings as app_settings
from lba_desktop.people.offline import on_server
from lba_desktop.settings import Settings

STRUCTURE_FIELDS = ("structure_name", "structure_commune", "retention_months")


def follow_structure(people: Any) -> Settings:
    """At sign-in: the server's structure settings become this computer's; a server that has
    none yet takes this computer's (the first one to sign in brings them). On user.sqlite,
    nothing to follow."""
    local = app_settings.load_settings()
    if not on_server(people):
        return local
    marks = ", ".join("?" for _ in STRUCTURE_FIELDS)
    rows = {
        r[0]: r[1]
        for r in people.store.read(
            f"SELECT key, value FROM settings WHERE key IN ({marks})", STRUCTURE_FIELDS
        )
    }
    if not rows:
        # Only what was set here: a fresh computer must not give the others empty values.
        chosen = tuple(
            n for n in STRUCTURE_FIELDS if getattr(local, n) != getattr(app_settings.DEFAULTS, n)
        )
        if chosen:
            share_structure(people, local, names=chosen)
        return local
    values: dict[str, Any] = {}
    for name in STRUCTURE_FIELDS:
        if name not in rows:
            continue
        try:
            raw = json.loads(rows[name])
        except ValueError:
            continue  # a damaged value: this computer's stays
        values[name] = app_settings.coerce(name, getattr(app_settings.DEFAULTS, name), raw)
    followed = replace(local, **values)
    if followed != local:
        app_settings.save_fields(followed, STRUCTURE_FIELDS)
    return followed


def share_structure(
    people: Any, settings: Settings, *, names: tuple[str, ...] = STRUCTURE_FIELDS
) -> bool:
    """The structure settings just saved here, for every computer of the structure (the last
    one saved wins). False on user.sqlite: there is no one to share them with."""
    if not on_server(people):
        return False
    with people.store.transaction() as conn:
        conn.executemany(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [(name, json.dumps(getattr(settings, name), ensure_ascii=False)) for name in names],
        )
    return True
