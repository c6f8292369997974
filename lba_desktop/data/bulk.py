"""Keeping Python's cycle collector off bulk work and off objects that live as long as the app."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cycle collector off, then restore it.

    A sync parses and writes tens of thousands of items while the decoded upstream payload
    (millions of objects) is alive: every full collection walks that payload again, which
    measured ~1 s of a 3 s parse + write. Items, rows and details hold no reference cycles,
    so nothing collectable piles up meanwhile; reference counting still frees the garbage.
    Nested or concurrent uses are harmless: only the outermost one that paused re-enables.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def freeze_long_lived() -> None:
    """Take every object alive now out of the cycle collector's rounds (`gc.freeze`).

    Called once the referentials and lookup indexes are built: a few million objects that live
    as long as the process. Every full collection walked them again, ~65 ms landing on whatever
    ran at that moment (the first search of `lba-desktop search` took 70 ms instead of 4).
    Frozen objects are still freed by reference counting; only a reference cycle alive at this
    moment would never be collected, and start-up leaves none worth the pauses.
    """
    gc.freeze()
