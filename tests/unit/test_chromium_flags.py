"""The Chromium flags the window starts with: no zygote processes once the sandbox is off."""

from __future__ import annotations

import os

import pytest

from lba_desktop.ui.chromium_flags import FLAGS, prepare_chromium


def test_without_the_sandbox_the_zygote_processes_are_not_started(monkeypatch) -> None:
    monkeypatch.setenv(FLAGS, "--no-sandbox --disable-gpu")
    prepare_chromium()
    assert os.environ[FLAGS].split() == ["--no-sandbox", "--disable-gpu", "--no-zygote"]
    prepare_chromium()  # a second call adds nothing
    assert os.environ[FLAGS].split().count("--no-zygote") == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="as root the sandbox is always off")
def test_with_the_sandbox_the_zygote_stays(monkeypatch) -> None:
    monkeypatch.setenv(FLAGS, "")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    prepare_chromium()
    assert "--no-zygote" not in os.environ.get(FLAGS, "")
