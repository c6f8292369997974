"""The one crash dialog: unexpected errors (GUI thread or worker threads) are logged and shown
in French with the log path and a « Copier le rapport » button, masked of personal data."""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from lba_desktop import __version__
from lba_desktop.logging_setup import mask

log = logging.getLogger(__name__)


def crash_report(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """What a support person needs (versions, the traceback), masked like the log: the
    exception message may carry an email or a phone number typed by a counsellor."""
    lines = [
        f"LBA Desktop {__version__}",
        f"Python {platform.python_version()}, Qt {qVersion()}, {platform.platform()}",
        f"Fil d'exécution : {threading.current_thread().name}",
        "",
        *traceback.format_exception(exc_type, exc, tb),
    ]
    return mask("\n".join(line.rstrip("\n") for line in lines))


class CrashDialog(QDialog):
    """Says what happened in plain French; the technical report is folded below."""

    def __init__(self, report: str, log_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("LBA Desktop — erreur inattendue")
        self.setMinimumWidth(560)
        self.report = report
        box = QVBoxLayout(self)
        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(40)
        )
        intro = QLabel(
            "<p><b>Une erreur inattendue s'est produite.</b></p>"
            "<p>Vos données (jeunes suivis, sélections, catalogue) ne sont pas touchées : "
            "vous pouvez continuer, ou redémarrer l'application si elle se comporte mal.</p>"
            "<p>Pour la signaler, copiez le rapport ci-dessous et joignez-le à votre message "
            "au support. Il ne contient ni nom, ni courriel, ni téléphone.</p>"
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        box.addWidget(icon)
        box.addWidget(intro)
        self.details = QPlainTextEdit(report)
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setMinimumHeight(180)
        self.details.setAccessibleName("Rapport technique de l'erreur")
        box.addWidget(self.details, 1)
        self.log_label = QLabel(
            f"Journal de l'application : {log_path}" if log_path else "Journal non disponible."
        )
        self.log_label.setWordWrap(True)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.log_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copier le rapport")
        self.copy_button.setToolTip("Copier le rapport dans le presse-papiers")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)

    @Slot()
    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
        self.copy_button.setText("Rapport copié")


class CrashHandler(QObject):
    """Installed as sys.excepthook and threading.excepthook. Worker threads hand the report
    to the GUI thread through a queued signal: widgets may only be made there."""

    reported = Signal(str)

    def __init__(
        self,
        log_path: Path | None = None,
        parent: QObject | None = None,
        *,
        interactive: bool = True,
    ) -> None:
        super().__init__(parent)
        self.log_path = log_path
        # The screenshot mode runs unattended: a modal dialog there would wait forever.
        self.interactive = interactive
        self.dialog: CrashDialog | None = None
        self.shown = 0
        self._previous: tuple[Any, Any] | None = None
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None

    def excepthook(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("Erreur inattendue", exc_info=(exc_type, exc, tb))
        self.reported.emit(crash_report(exc_type, exc, tb))

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(str)
    def _show(self, report: str) -> None:
        if not self.interactive or QApplication.instance() is None:
            print(report, file=sys.stderr)
            return
        if self.dialog is not None and self.dialog.isVisible():
            # A cascade of errors: one dialog, the reports one after another.
            self.dialog.report += "\n\n" + report
            self.dialog.details.setPlainText(self.dialog.report)
            return
        self.shown += 1
        self.dialog = CrashDialog(report, self.log_path, QApplication.activeWindow())
        self.dialog.exec()


def install_crash_handler(
    log_path: Path | None, parent: QObject | None = None, *, interactive: bool = True
) -> CrashHandler:
    handler = CrashHandler(log_path, parent, interactive=interactive)
    handler.install()
    return handler
