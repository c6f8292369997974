"""One window per data folder: a lock file in the folder, and a local socket through which a
second launch asks the first window to come to the front."""

from __future__ import annotations

import getpass
import hashlib
import logging
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

LOCK_FILE = "lba-desktop.lock"
ANSWER_TIMEOUT_MS = 2000
ACTIVATE = b"activer\n"
DONE = b"ok\n"
BUSY_MESSAGE = "Les données sont déjà utilisées par une autre fenêtre de LBA Desktop."


class Outcome(StrEnum):
    PRIMARY = "primary"  # this process owns the data folder
    FORWARDED = "forwarded"  # the first window was asked to come to the front
    BUSY = "busy"  # the folder is locked and nobody answered


def server_name(data_dir: Path, user: str | None = None) -> str:
    """A socket name per data folder and per user (sockets are machine-wide)."""
    try:
        user = user if user is not None else getpass.getuser()
    except Exception:  # no user name in some service contexts
        user = ""
    digest = hashlib.sha1(f"{user}\n{data_dir.resolve()}".encode()).hexdigest()[:16]
    return f"lba-desktop-{digest}"


class SingleInstance(QObject):
    """`acquire()` once at start; keep the object alive as long as the window."""

    activationRequested = Signal()

    def __init__(
        self,
        data_dir: Path,
        parent: QObject | None = None,
        *,
        timeout_ms: int = ANSWER_TIMEOUT_MS,
    ) -> None:
        super().__init__(parent)
        self.lock = QLockFile(str(data_dir / LOCK_FILE))
        # Never "stale by age": a window open all day keeps its lock. A lock left by a crashed
        # process is still taken over, because Qt checks whether its process is alive.
        self.lock.setStaleLockTime(0)
        self.name = server_name(data_dir)
        self.timeout_ms = timeout_ms
        self.server: QLocalServer | None = None
        self._window: QWidget | None = None

    def acquire(self) -> Outcome:
        if self.lock.tryLock(100):
            self._listen()
            return Outcome.PRIMARY
        if self.lock.error() == QLockFile.LockError.LockFailedError and self._ask_first():
            return Outcome.FORWARDED
        return Outcome.BUSY

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        self.lock.unlock()

    def set_window(self, window: QWidget) -> None:
        """The window to bring to the front when a second launch asks for it."""
        self._window = window
        self.activationRequested.connect(self._raise_window)

    # -- first instance

    def _listen(self) -> None:
        # A socket file left by a crashed first instance would make listen() fail.
        QLocalServer.removeServer(self.name)
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(self.name):
            log.warning("Canal entre fenêtres indisponible : %s", self.server.errorString())
            return
        self.server.newConnection.connect(self._on_connection)

    @Slot()
    def _on_connection(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            socket.readyRead.connect(self._on_ready_read)
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._answer(socket)

    @Slot()
    def _on_ready_read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket):
            self._answer(socket)

    def _answer(self, socket: QLocalSocket) -> None:
        if not socket.canReadLine():
            return
        if bytes(socket.readLine().data()) == ACTIVATE:
            self.activationRequested.emit()
            socket.write(DONE)
            socket.flush()
        socket.disconnectFromServer()

    @Slot()
    def _raise_window(self) -> None:
        window = self._window
        if window is None:
            return
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()

    # -- second instance

    def _ask_first(self) -> bool:
        """Blocking, but only in a second launch that has no window yet."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(self.timeout_ms):
            return False
        socket.write(ACTIVATE)
        if not socket.waitForBytesWritten(self.timeout_ms):
            return False
        answered = socket.waitForReadyRead(self.timeout_ms) and socket.readAll().data() == DONE
        socket.abort()
        return bool(answered)


def refuse_second_instance(outcome: Outcome) -> int:
    """What a second launch says before it exits: 0 when the first window answered."""
    if outcome is Outcome.FORWARDED:
        print("LBA Desktop est déjà ouvert avec ce dossier de données : sa fenêtre passe devant.")
        return 0
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(
        None,
        "LBA Desktop",
        f"{BUSY_MESSAGE}\n\nFermez l'autre fenêtre (ou attendez qu'elle ait fini de s'ouvrir), "
        "puis relancez l'application.",
    )
    return 1
