"""Secrets in the system keyring (the API key, the shared server's password), never in a
file: None or False when this computer has no keyring worth trusting."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

SERVICE = "lba-desktop"


def backend() -> Any | None:
    """The OS keyring backend, or None when there is none worth trusting (the fail backend,
    a missing package, a broken D-Bus session…)."""
    try:
        import keyring
        from keyring.backends import fail

        found = keyring.get_keyring()
    except Exception as exc:  # any failure here only means "no keyring"
        log.info("Trousseau du système indisponible : %s", type(exc).__name__)
        return None
    if isinstance(found, fail.Keyring) or getattr(found, "priority", 0) <= 0:
        return None
    return found


def available() -> bool:
    return backend() is not None


def get(user: str) -> str:
    """The secret kept under `user`, or "" (none kept, or no keyring)."""
    found = backend()
    if found is None:
        return ""
    try:
        return found.get_password(SERVICE, user) or ""
    except Exception as exc:
        log.warning("Lecture dans le trousseau impossible : %s", type(exc).__name__)
        return ""


def put(user: str, value: str) -> bool:
    """Keep `value` under `user` ("" removes it); False when nothing could be kept."""
    found = backend()
    if found is None:
        return False
    try:
        if value:
            found.set_password(SERVICE, user, value)
        elif found.get_password(SERVICE, user) is not None:
            found.delete_password(SERVICE, user)
    except Exception as exc:
        log.warning("Écriture dans le trousseau impossible : %s", type(exc).__name__)
        return False
    return True
