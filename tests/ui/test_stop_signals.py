"""A stop signal (logout, shutdown, `kill`) closes the window even behind a modal dialog,
through the window's own close, and the application ends: Qt alone ignored SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
    from lba_desktop.ui.stop_signals import CloseOnStopSignal

    class Window(QWidget):
        def closeEvent(self, event):
            print("closed by its own close", flush=True)
            super().closeEvent(event)

    app = QApplication([])
    window = Window()
    window.show()
    CloseOnStopSignal(app, window)

    def ask():
        QTimer.singleShot(100, lambda: print("modal open", flush=True))
        QMessageBox.question(window, "Quitter ?", "Une question restée sans réponse")
        print("modal dismissed", flush=True)

    QTimer.singleShot(0, ask)
    QTimer.singleShot(30_000, lambda: (print("still running", flush=True), app.exit(3)))
    raise SystemExit(app.exec())
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_stop_signal_closes_the_window_behind_a_modal_dialog(signum: int) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline().strip() == "modal open"
        proc.send_signal(signum)
        out, _ = proc.communicate(timeout=25)
    finally:
        proc.kill()
    assert "modal dismissed" in out
    assert "closed by its own close" in out
    assert "still running" not in out
    assert proc.returncode == 0
