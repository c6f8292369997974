"""A session that ends (logout, shutdown, `kill`, Ctrl+C in a terminal) closes the window as the
counsellor would: open dialogs are dismissed, what is being typed is saved by the window's own
close, a sync stops cleanly. Left to itself, Qt's event loop never lets Python see SIGTERM."""

from __future__ import annotations

import signal
import socket

from PySide6.QtCore import QObject, QSocketNotifier, Slot
from PySide6.QtWidgets import QApplication, QDialog, QWidget

STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGINT") if hasattr(signal, name)
)


class CloseOnStopSignal(QObject):
    """Turns a stop signal into the window's close, then the application's end.

    The C-level signal handler writes a byte to a socket (signal.set_wakeup_fd), which wakes
    Qt's loop through a notifier; the Python handlers themselves do nothing, because they
    would only run once Qt hands control back to Python."""

    def __init__(self, app: QApplication, window: QWidget) -> None:
        super().__init__(app)
        self._window = window
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        signal.set_wakeup_fd(self._writer.fileno())
        for signum in STOP_SIGNALS:
            signal.signal(signum, lambda *_: None)
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._stop)

    @Slot()
    def _stop(self) -> None:
        try:
            self._reader.recv(64)
        except BlockingIOError:
            return
        # A modal dialog runs a loop of its own: dismiss it (as « Annuler ») so the window's
        # close and the application's end are not waiting behind it.
        for _ in range(20):
            modal = QApplication.activeModalWidget()
            if modal is None:
                break
            if isinstance(modal, QDialog):
                modal.reject()
            else:
                modal.close()
        self._window.close()
        QApplication.quit()
