"""The application shell: settings dialog, welcome, classroom mode, crash dialog, one window
per data folder."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from lba_desktop import paths
from lba_desktop.settings import Settings, load_settings
from lba_desktop.ui import crash as crash_module
from lba_desktop.ui import welcome as welcome_module
from lba_desktop.ui.classroom import FONT_SCALE, SCENARIOS
from lba_desktop.ui.crash import CrashDialog, CrashHandler
from lba_desktop.ui.settings_dialog import SettingsDialog
from lba_desktop.ui.single_instance import LOCK_FILE, Outcome, SingleInstance, server_name


@pytest.fixture
def no_keyring() -> Any:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


# --- settings dialog --------------------------------------------------------------------


def test_settings_dialog_refuses_bad_values_in_french(app: Any, qtbot: Any) -> None:
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.departements.setText("15 99")
    dialog.caller.setText("")
    dialog.serve_token.setText("court")
    dialog.accept()
    assert dialog.saved is None and not dialog.error_label.isHidden()
    text = dialog.error_label.text()
    assert "Département inconnu : 99" in text and "jeton" in text and "appelle" in text
    assert dialog.tabs.currentIndex() == 1  # the first wrong field is shown
    assert not paths.user_db_path().exists()


def test_settings_dialog_saves(app: Any, qtbot: Any) -> None:
    dialog = SettingsDialog(load_settings())
    qtbot.addWidget(dialog)
    dialog.structure_name.setText("Mission Locale du Cantal")
    dialog.departements.setText("15, 63")
    dialog.caller.setText("contact@ml-cantal.fr lba-desktop")
    dialog.radius.setValue(60)
    dialog.retention.setValue(24)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    saved = load_settings()
    assert saved.structure_name == "Mission Locale du Cantal"
    assert saved.sync_departements == ("15", "63")
    assert (saved.default_radius_km, saved.retention_months) == (60, 24)


def test_api_key_without_keyring_needs_consent(
    app: Any, qtbot: Any, no_keyring: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    asked: list[str] = []

    def warning(_parent: Any, _title: str, text: str, *_args: Any) -> Any:
        asked.append(text)
        return answers.pop(0)

    monkeypatch.setattr(QMessageBox, "warning", staticmethod(warning))
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    dialog.api_key.setText("cle-secrete-0123456789")
    dialog.accept()  # refused: nothing saved
    assert dialog.saved is None and "Clé non enregistrée" in dialog.error_label.text()
    dialog.accept()  # accepted
    assert dialog.saved is not None and dialog.saved.api_key_in_file
    assert "en clair" in asked[0]
    assert load_settings().api_key == "cle-secrete-0123456789"


# --- welcome ----------------------------------------------------------------------------


def test_welcome_once_then_settings(app: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[Any] = []
    opened: list[Any] = []

    def fake_exec(dialog: Any) -> int:
        shown.append(dialog)
        qtbot.addWidget(dialog)
        dialog.setup_button.click()
        return 1

    monkeypatch.setattr(welcome_module.WelcomeDialog, "exec", fake_exec)
    import lba_desktop.ui.settings_dialog as settings_dialog

    monkeypatch.setattr(settings_dialog, "open_settings", lambda parent=None: opened.append(1))
    assert welcome_module.maybe_show_welcome(None) is True
    assert len(shown) == 1 and opened == [1]
    text = " ".join(label.text() for label in shown[0].findChildren(QLabel))
    assert "fictif" in text and "paquet de données" in text
    assert load_settings().welcome_done
    assert welcome_module.maybe_show_welcome(None) is False
    assert len(shown) == 1


# --- classroom mode ---------------------------------------------------------------------


def _people_dump() -> list[str]:
    conn = sqlite3.connect(paths.user_db_path())
    try:
        tables = [
            t
            for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if t != "settings"
        ]
        return [
            f"{t}:{row}" for t in sorted(tables) for row in conn.execute(f'SELECT * FROM "{t}"')
        ]
    finally:
        conn.close()


def test_classroom_mode_hides_personal_data_and_runs_a_scenario(
    window: Any, qtbot: Any, app: Any
) -> None:
    from lba_desktop.people import PeopleService

    with PeopleService() as people:
        people.create_person(first_name="Zoé", email="zoe@exemple.fr")
    before = _people_dump()
    assert before

    extra = QLabel("Sélection de Zoé")
    window.personal_widgets.append(extra)
    extra.setParent(window)
    extra.show()
    personal_menus = [w for w in window.personal_widgets if hasattr(w, "menuAction")]
    font_size = app.font().pointSizeF()
    window.map.set_add_label("Ajouter à la sélection de Zoé")

    qtbot.keyClick(
        window,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    mode = window.classroom
    assert mode.active and window.isFullScreen()
    assert extra.isHidden()
    assert all(not m.menuAction().isVisible() for m in personal_menus)
    assert all(not a.isEnabled() for a in getattr(window, "personal_actions", []))
    assert app.font().pointSizeF() == pytest.approx(font_size * FONT_SCALE)
    assert mode.toolbar.isVisible()
    assert window.map.add_label == ""  # no young person's name in the map popups
    assert [a.text() for a in mode.scenario_actions] == [s.label for s in SCENARIOS]

    for action in mode.scenario_actions:
        with qtbot.waitSignal(window.searchFinished, timeout=30_000) as done:
            action.trigger()
        assert done.args[0].hits, action.text()
    assert "La Réunion" in window.summary.text()

    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not mode.active and not window.isFullScreen()
    assert extra.isVisible() and not mode.toolbar.isVisible()
    assert app.font().pointSizeF() == pytest.approx(font_size)
    assert all(m.menuAction().isVisible() for m in personal_menus)
    assert all(a.isEnabled() for a in getattr(window, "personal_actions", []))
    assert window.map.add_label == "Ajouter à la sélection de Zoé"
    assert _people_dump() == before


# --- crash dialog -----------------------------------------------------------------------


def test_crash_dialog_catches_errors_without_personal_data(
    app: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shown: list[CrashDialog] = []

    def fake_exec(dialog: CrashDialog) -> int:
        qtbot.addWidget(dialog)
        shown.append(dialog)
        return 0

    monkeypatch.setattr(CrashDialog, "exec", fake_exec)
    handler = CrashHandler(tmp_path / "logs" / "lba-desktop.log")
    handler.install()
    try:
        try:
            raise ValueError("fiche de zoe.martin@exemple.fr, tél. 06 12 34 56 78")
        except ValueError:
            sys.excepthook(*sys.exc_info())
        qtbot.waitUntil(lambda: len(shown) == 1)
        dialog = shown[0]
        assert "ValueError" in dialog.report and "LBA Desktop" in dialog.report
        assert "zoe.martin" not in dialog.report and "06 12 34 56 78" not in dialog.report
        assert "lba-desktop.log" in dialog.log_label.text()
        dialog.copy_button.click()
        assert app.clipboard().text() == dialog.report

        # From a worker thread: shown by the GUI thread, added to the open dialog.
        dialog.show()
        thread = threading.Thread(target=lambda: 1 / 0, name="tâche")
        thread.start()
        thread.join()
        qtbot.waitUntil(lambda: "ZeroDivisionError" in dialog.details.toPlainText())
        assert len(shown) == 1
    finally:
        handler.uninstall()
    assert sys.excepthook is not handler.excepthook


def test_crash_handler_is_silent_in_screenshot_mode(
    app: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(crash_module.CrashDialog, "exec", lambda _d: pytest.fail("dialog"))
    handler = CrashHandler(None, interactive=False)
    with qtbot.waitSignal(handler.reported):
        handler.excepthook(RuntimeError, RuntimeError("boum"), None)
    qtbot.waitUntil(lambda: "RuntimeError: boum" in capsys.readouterr().err)


# --- one window per data folder ---------------------------------------------------------

PRIMARY_SCRIPT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from PySide6.QtCore import QCoreApplication, QTimer
    from lba_desktop.ui.single_instance import SingleInstance

    app = QCoreApplication([])
    instance = SingleInstance(Path(sys.argv[1]))
    print(instance.acquire().value, flush=True)
    mode = sys.argv[2]
    if mode == "serve":
        instance.activationRequested.connect(lambda: (print("activated", flush=True), app.quit()))
        QTimer.singleShot(20_000, app.quit)
        app.exec()
    else:  # hold the lock without answering, until killed
        import time
        time.sleep(60)
    """
)


def _start_primary(folder: Path, mode: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-c", PRIMARY_SCRIPT, str(folder), mode],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "primary"
    return proc


def test_second_launch_brings_the_first_to_the_front(app: Any, tmp_path: Path) -> None:
    proc = _start_primary(tmp_path, "serve")
    try:
        second = SingleInstance(tmp_path)
        assert second.acquire() is Outcome.FORWARDED
        out, _ = proc.communicate(timeout=20)
        assert "activated" in out
    finally:
        proc.kill()
        proc.wait()


def test_second_launch_refused_when_the_first_does_not_answer(app: Any, tmp_path: Path) -> None:
    first = SingleInstance(tmp_path)
    assert first.acquire() is Outcome.PRIMARY
    # Same thread: the first cannot answer while the second waits, as a hung window.
    second = SingleInstance(tmp_path, timeout_ms=300)
    assert second.acquire() is Outcome.BUSY
    first.release()
    third = SingleInstance(tmp_path)
    assert third.acquire() is Outcome.PRIMARY
    third.release()
    # Another data folder is another instance.
    assert server_name(tmp_path) != server_name(tmp_path / "autre")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_stale_lock_after_a_crash_is_taken_over(app: Any, tmp_path: Path) -> None:
    proc = _start_primary(tmp_path, "hold")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (tmp_path / LOCK_FILE).exists()  # left behind by the crash
    instance = SingleInstance(tmp_path)
    assert instance.acquire() is Outcome.PRIMARY
    instance.release()


def test_screenshot_mode_ignores_single_instance(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run many screenshots in parallel: the shell must not lock the data folder."""
    from lba_desktop.logging_setup import remove_logging
    from lba_desktop.ui.app import _start_shell

    hooks = (sys.excepthook, threading.excepthook)
    shell = _start_shell(app, screenshot=True)
    try:
        assert not isinstance(shell, int)
        instance, settings = shell
        assert instance is None and settings == Settings()
        assert not (paths.data_root() / LOCK_FILE).exists()
    finally:
        remove_logging()
        sys.excepthook, threading.excepthook = hooks
