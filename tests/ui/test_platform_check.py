"""Starting the window where Qt cannot: a French explanation and exit code 1, never Qt's
abort (exit code 134, an English message naming the wrong package)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from lba_desktop.system_packages import REQUIREMENTS
from lba_desktop.ui import platform_check

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 is Linux's")


def _launch(home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "LBA_DESKTOP_HOME": str(home), **env}
    code = "from lba_desktop.cli import main; raise SystemExit(main())"
    return subprocess.run(
        [sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=60
    )


def test_no_display_is_explained_in_french(isolated_home: Path) -> None:
    done = _launch(isolated_home, QT_QPA_PLATFORM="", DISPLAY="", WAYLAND_DISPLAY="")
    assert done.returncode == 1, done.stderr
    assert "ne peut pas ouvrir sa fenêtre" in done.stderr and "DISPLAY" in done.stderr
    assert "Aborted" not in done.stderr and "qt.qpa" not in done.stderr


def test_a_display_that_does_not_answer_is_explained(isolated_home: Path) -> None:
    done = _launch(isolated_home, QT_QPA_PLATFORM="xcb", DISPLAY=":97", WAYLAND_DISPLAY="")
    assert done.returncode == 1, done.stderr
    assert "l'écran :97 ne répond pas" in done.stderr


def test_missing_libraries_are_named_with_their_package(monkeypatch: Any) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr(platform_check, "_plugin_error", lambda: "libxcb-icccm.so.4: absent")
    icccm = [r for r in REQUIREMENTS if r.label == "libxcb-icccm.so.4"]
    monkeypatch.setattr(platform_check, "missing", lambda needs: icccm)
    text = platform_check.window_blocker()
    assert text is not None
    assert "libxcb-icccm.so.4 (paquet libxcb-icccm4)" in text
    assert "sudo apt-get install libxcb-icccm4" in text


def test_offscreen_and_wayland_are_left_to_qt(monkeypatch: Any) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert platform_check.window_blocker() is None
    monkeypatch.setenv("QT_QPA_PLATFORM", "")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert platform_check.window_blocker() is None
