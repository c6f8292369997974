"""A sync killed with SIGKILL at any moment never corrupts the catalogue (subprocess runs)."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lba_desktop.sync import make_scope
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.server import FakeUpstream
from tests.unit.test_sync import make_service, rows_hash

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")

REPO = Path(__file__).resolve().parents[2]

# The CLI, with two markers around the swap so a kill can land right before or after it, and
# the rate limiter's waits skipped (the fake does not limit; the test only needs to be fast).
RUNNER = """
import os, sys, time
import lba_desktop.data.http as http
import lba_desktop.sync as sync

http.RateLimiter.acquire = lambda self: 0.0
pause = float(os.environ.get("SWAP_PAUSE", "0"))
original = sync.swap_in

def swap_in(staging, target=None):
    print("SWAP-START", flush=True)
    time.sleep(pause)
    original(staging, target)
    print("SWAP-END", flush=True)
    time.sleep(pause)

sync.swap_in = swap_in
from lba_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _env(home: Path, server: FakeUpstream, pause: float = 0.0) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        LBA_DESKTOP_HOME=str(home),
        LBA_API_URL=server.api_url,
        LBA_API_KEY="test-key",
        LBA_CALLER="tests@example.org",
        SWAP_PAUSE=str(pause),
        PYTHONPATH=str(REPO),
    )
    return env


ARGS = ["sync", "--departements", "63,75"]


def _start(runner: Path, home: Path, server: FakeUpstream, pause: float = 0.0) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(runner), *ARGS],
        env=_env(home, server, pause),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def _check(catalogue: Path, allowed: set[str]) -> str:
    conn = sqlite3.connect(f"file:{catalogue}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    found = rows_hash(catalogue)
    assert found in allowed
    return found


def test_sigkill_at_any_moment_leaves_old_or_complete_new_catalogue(
    tmp_path: Path,
    isolated_home: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    assert make_service(fake_upstream).run(make_scope(departements=["15"])).ok
    old_catalogue = isolated_home / "catalogue.sqlite"
    old = rows_hash(old_catalogue)
    runner = tmp_path / "runner.py"
    runner.write_text(RUNNER, encoding="utf-8")

    # Reference: the same sync run to its end on a copy gives the "complete new" catalogue.
    ref_home = tmp_path / "ref"
    ref_home.mkdir()
    shutil.copyfile(old_catalogue, ref_home / "catalogue.sqlite")
    started = time.monotonic()
    proc = _start(runner, ref_home, fake_upstream)
    assert proc.wait(timeout=120) == 0
    duration = time.monotonic() - started
    new = rows_hash(ref_home / "catalogue.sqlite")
    assert new != old

    home = tmp_path / "killed"
    home.mkdir()
    shutil.copyfile(old_catalogue, home / "catalogue.sqlite")
    catalogue = home / "catalogue.sqlite"
    outcomes = []
    for fraction in (0.15, 0.3, 0.45, 0.6, 0.75, 0.9):
        proc = _start(runner, home, fake_upstream)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        outcomes.append(_check(catalogue, {old, new}))
        if outcomes[-1] == new:  # a run got through: start again from the old one
            shutil.copyfile(old_catalogue, catalogue)
    # Kills right before and right after the rename itself.
    for marker in ("SWAP-START", "SWAP-END"):
        shutil.copyfile(old_catalogue, catalogue)
        proc = _start(runner, home, fake_upstream, pause=5.0)
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.strip() == marker:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        expected = old if marker == "SWAP-START" else new
        assert _check(catalogue, {old, new}) == expected

    # After all that, a normal run (resuming what it can) completes the new catalogue.
    shutil.copyfile(old_catalogue, catalogue)
    proc = _start(runner, home, fake_upstream)
    assert proc.wait(timeout=120) == 0
    assert _check(catalogue, {new}) == new
    assert not (home / "catalogue.sqlite.staging").exists()
    assert not (home / "sync-state.sqlite").exists()
