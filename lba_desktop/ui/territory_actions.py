"""The « Territoire » menu: opens the territory view on the window's catalogue, and runs in the
window the search behind a figure clicked there."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction

from lba_desktop.models import Place
from lba_desktop.territory import TerritoryService
from lba_desktop.ui.territory_view import TerritoryDialog


class TerritoryActions(QObject):
    """Owns the territory dialog; rebuilt on a new catalogue (the old store is closed)."""

    def __init__(self, window: Any) -> None:
        super().__init__(window)
        self.window = window
        self.dialog: TerritoryDialog | None = None
        window.catalogueReplaced.connect(self._forget)

    def add_to(self, menu_bar: Any) -> None:
        menu = menu_bar.addMenu("&Territoire")
        action = QAction("Chiffres du &territoire…", self.window)
        action.setToolTip(
            "Formations, offres et employeurs par métier d'un département ou d'une région"
        )
        action.triggered.connect(self.show)
        menu.addAction(action)
        self.action = action

    @Slot()
    def show(self) -> TerritoryDialog | None:
        backend = self.window.backend
        if backend is None:
            return None
        if self.dialog is None:
            service = TerritoryService(
                backend.store, metiers=backend.metiers, geocoder=backend.geocoder
            )
            self.dialog = TerritoryDialog(service, self.window)
            self.dialog.searchRequested.connect(self._search)
            self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    @Slot()
    def _forget(self) -> None:
        if self.dialog is not None:
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None

    @Slot(object, object, int)
    def _search(self, place: Place, romes: tuple[str, ...], radius: int) -> None:
        window = self.window
        index = window.backend.metiers if window.backend else None
        metiers = [m for m in (index.get(r) for r in romes) if m] if index else []
        window.filters.set_place(place)
        window.filters.set_metiers(metiers)
        if radius:
            window.filters.set_radius(radius)
        window.search()
        window.raise_()
        window.activateWindow()
