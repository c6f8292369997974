"""Fixtures of the window tests: the Qt application set up in French and a main window over
the demo catalogue, shown offscreen and ready to search."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from lba_desktop.ui.app import setup_application
from lba_desktop.ui.tile_scheme import register_tile_scheme

register_tile_scheme()  # Chromium must know lbatile:// before the tests' QApplication exists

# Nothing listens there: the window's network check is refused at once, never the internet.
CLOSED_UPSTREAM = "http://127.0.0.1:9/api"


@pytest.fixture(autouse=True)
def local_upstream(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    """The window probes the upstream services; a test that wants them running starts the fake
    upstream and points LBA_API_URL at it (its fixture runs after this one)."""
    monkeypatch.setenv("LBA_API_URL", CLOSED_UPSTREAM)
    from lba_desktop.data.reachability import ANSWERS

    ANSWERS.clear()


@pytest.fixture(autouse=True)
def no_unexpected_modal(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A modal dialog nobody answers would block the test forever (pytest-timeout cannot stop
    Qt's event loop): any modal the test did not patch is refused at once and fails the test.
    A test that expects a dialog patches it itself, which replaces this guard."""
    from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox

    opened: list[str] = []

    def refuse_exec(dialog: Any) -> int:
        text = dialog.text() if isinstance(dialog, QMessageBox) else ""
        opened.append(f"{type(dialog).__name__} « {dialog.windowTitle()} » {text}".strip())
        return int(QDialog.DialogCode.Rejected)

    def refuse_box(kind: str) -> Any:
        def refuse(_parent: Any, title: str, text: str = "", *_args: Any, **_kwargs: Any) -> Any:
            opened.append(f"QMessageBox.{kind} « {title} » {text}")
            return QMessageBox.StandardButton.Cancel

        return staticmethod(refuse)

    def refuse_file(kind: str) -> Any:
        def refuse(*_args: Any, **_kwargs: Any) -> Any:
            opened.append(f"QFileDialog.{kind}")
            return "" if kind == "getExistingDirectory" else ("", "")

        return staticmethod(refuse)

    def refuse_input(kind: str) -> Any:
        def refuse(*_args: Any, **_kwargs: Any) -> Any:
            opened.append(f"QInputDialog.{kind}")
            return ("", False)

        return staticmethod(refuse)

    from PySide6.QtPrintSupport import QPrintDialog

    monkeypatch.setattr(QDialog, "exec", refuse_exec)
    monkeypatch.setattr(QPrintDialog, "exec", refuse_exec)
    for kind in ("information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, refuse_box(kind))
    for kind in ("getOpenFileName", "getOpenFileNames", "getSaveFileName", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, kind, refuse_file(kind))
    for kind in ("getText", "getItem", "getInt", "getDouble", "getMultiLineText"):
        monkeypatch.setattr(QInputDialog, kind, refuse_input(kind))
    yield opened
    if opened:
        pytest.fail(
            "fenêtre modale ouverte sans réponse prévue par le test : " + " ; ".join(opened)
        )


@pytest.fixture
def app(qapp: Any) -> Any:
    setup_application(qapp)
    return qapp


@pytest.fixture
def make_window(app: Any, qtbot: Any, demo_home: Path) -> Iterator[Callable[[], Any]]:
    """Build a shown main window whose catalogue is open (`backendReady`) and whose pickers
    and autocomplete are filled (`backendWarm`, a moment later)."""
    from lba_desktop.ui.main_window import MainWindow

    made: list[Any] = []

    def make() -> Any:
        window = MainWindow(remember_geometry=False)
        qtbot.addWidget(window)
        made.append(window)
        with qtbot.waitSignals([window.backendReady, window.backendWarm], timeout=30_000):
            window.show()
        qtbot.waitExposed(window)
        return window

    yield make
    from PySide6.QtCore import QCoreApplication, QEvent

    for window in made:
        window.close()  # waits for its tasks and releases the web page
    # Web pages must be deleted before the web profile at exit: run the pending deletions now.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def window(make_window: Callable[[], Any]) -> Any:
    return make_window()


def run_js(qtbot: Any, window: Any, code: str) -> Any:
    """Evaluate JavaScript in the map page and return its value."""
    with qtbot.waitCallback(timeout=10_000) as callback:
        window.map.run_js(code, callback)
    return callback.args[0] if callback.args else None


def wait_map_ready(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: window.map.ready, timeout=30_000)
