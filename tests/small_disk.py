"""A real small disk for the disk-full tests: a tmpfs of a given size mounted for one test (root
only, as in CI; skipped with a reason elsewhere), filled on demand to leave N bytes free."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def small_disk(folder: Path, size: int) -> Iterator[Path]:
    """A tmpfs of `size` bytes mounted on `folder` for the duration of the block."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("disque plein réel : il faut être root pour monter un tmpfs (comme en CI)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"disque plein réel : montage tmpfs refusé ({done.stderr.strip()})")
    try:
        yield folder
    finally:
        # Lazy: a file still open in a finished test must not leave the mount behind.
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)


def fill(folder: Path, *, leave: int) -> Path:
    """Fill the disk holding `folder` until about `leave` bytes are free; returns the filler."""
    filler = folder / "remplissage.bin"
    free = shutil.disk_usage(folder).free
    with open(filler, "ab") as handle:
        chunk = b"\0" * 65536
        while free - leave > 0:
            step = min(len(chunk), free - leave)
            try:
                handle.write(chunk[:step])
                handle.flush()
            except OSError:
                break
            free = shutil.disk_usage(folder).free
    return filler
