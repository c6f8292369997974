"""The Données menu entry « Préparer la carte d'un territoire… »: opens its dialog (loaded
on first use, so the window starts without it)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget


class MapActions(QObject):
    """The Données menu entry that opens the dialog (one at a time)."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: Any = None
        self.action = QAction("Préparer la &carte d'un territoire…", self)
        self.action.setToolTip("Télécharger le fond de carte de départements (carte hors ligne)")
        self.action.triggered.connect(self.show)

    def add_to(self, menu: QMenu) -> None:
        menu.addSeparator()
        menu.addAction(self.action)

    @Slot()
    def show(self) -> Any:
        from lba_desktop.ui.map_prepare_dialog import MapPrepareDialog

        if self.dialog is None or not self.dialog.isVisible():
            if self.dialog is not None:
                self.dialog.deleteLater()
            self.dialog = MapPrepareDialog(self.window)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog
