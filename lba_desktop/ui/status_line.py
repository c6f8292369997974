"""The status bar's lasting part: where the results come from (and how fresh), the last
search's time, and whether the upstream services answered lately (« En ligne » /
« Hors ligne »), checked on a timer without blocking the window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QLabel, QMainWindow

from lba_desktop import paths
from lba_desktop.connectivity import Connectivity, check, current, upstream_urls
from lba_desktop.models import CatalogueInfo
from lba_desktop.ui.look import age_text, number
from lba_desktop.ui.tasks import TaskRunner

# How often the recorded answers are read again (free); a probe only runs when they are old.
REFRESH_MS = 15_000


def _check_now() -> tuple[tuple[str, ...], Connectivity]:
    """In the runner: the services of the current settings, probed."""
    urls = upstream_urls()
    return urls, check(urls)


class StatusLine(QObject):
    """Owns the three permanent labels of the window's status bar."""

    def __init__(self, window: QMainWindow, runner: TaskRunner, *, watch_network: bool) -> None:
        super().__init__(window)
        self.runner = runner
        self._urls: tuple[str, ...] = ()
        self._probing = False
        status = window.statusBar()
        # On a first start the demo catalogue is built first (a few seconds, off the GUI).
        self.data_label = QLabel(
            "Ouverture du catalogue…"
            if paths.catalogue_path().exists()
            else "Première ouverture : préparation des données de démonstration…"
        )
        self.data_label.setAccessibleName("Origine des données")
        self.data_label.setToolTip("D'où viennent les résultats (menu Données pour le détail)")
        self.time_label = QLabel()
        self.time_label.setAccessibleName("Durée de la recherche")
        self.time_label.setToolTip("Temps de la dernière recherche dans le catalogue local")
        self.network_label = QLabel("Réseau non vérifié")
        self.network_label.setAccessibleName("État du réseau")
        self.network_label.setToolTip("La recherche fonctionne sans réseau : tout est local")
        status.addWidget(self.data_label, 1)
        status.addPermanentWidget(self.time_label)
        status.addPermanentWidget(self.network_label)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        if watch_network:
            self.network_label.setText("Réseau : vérification…")
            self.timer.start()
            QTimer.singleShot(0, self, self.refresh)

    def show_catalogue(self, info: CatalogueInfo) -> None:
        age = age_text(info.built_at)
        self.data_label.setText(f"{info.label_fr}" + (f" — {age}" if age else ""))
        self.data_label.setToolTip(
            f"{info.label_fr}\n{info.details.get('path', '')}\n"
            + ", ".join(f"{k.plural_fr} : {number(n)}" for k, n in info.counts.items())
            + (
                f"\n{info.details['formations_sources_fr']}"
                if info.details.get("formations_sources_fr")
                else ""
            )
        )

    # -- the network

    @Slot()
    def refresh(self) -> None:
        """The state from the answers already recorded (a sync, a sent request); a probe in
        the runner when none is recent."""
        state = current(self._urls) if self._urls else None
        if state is None or state.probe_due:
            if not self._probing:
                self._probing = True
                self.runner.start(_check_now, succeeded=self._on_checked, failed=self._on_failed)
            if state is None:
                return
        self._show(state)

    @Slot(object)
    def _on_checked(self, outcome: tuple[tuple[str, ...], Connectivity]) -> None:
        self._probing = False
        self._urls, state = outcome
        self._show(state)

    @Slot(object)
    def _on_failed(self, _exc: Any) -> None:
        self._probing = False  # unreadable settings: the state stays as last shown

    def _show(self, state: Connectivity) -> None:
        self.network_label.setText("En ligne" if state.online else "Hors ligne")
        self.network_label.setToolTip(state.detail_fr)
