"""The Chromium flags QtWebEngine starts with, read once before the QApplication exists (no Qt
imported here: the benchmarks set them before their clock starts)."""

from __future__ import annotations

import os

FLAGS = "QTWEBENGINE_CHROMIUM_FLAGS"


def prepare_chromium() -> None:
    """The sandbox off as root (Chromium refuses to start otherwise), no GPU offscreen, and no
    zygote once the sandbox is off: the zygote and its helper only serve the sandbox, and they
    are two more processes of ~52 MB RSS each (the whole tree 104 MB less in bench_gui)."""
    flags = os.environ.get(FLAGS, "")
    wanted = []
    if hasattr(os, "geteuid") and os.geteuid() == 0 and "--no-sandbox" not in flags:
        wanted.append("--no-sandbox")
    offscreen = os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen")
    if offscreen and "--disable-gpu" not in flags:
        wanted.append("--disable-gpu")
    sandbox_off = "--no-sandbox" in flags or "--no-sandbox" in wanted
    # Chromium accepts --no-zygote only without the sandbox.
    if sandbox_off and "--no-zygote" not in flags:
        wanted.append("--no-zygote")
    if wanted:
        os.environ[FLAGS] = " ".join([flags, *wanted]).strip()
