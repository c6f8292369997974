"""« Préparer la carte d'un territoire » (menu Données): départements and deepest zoom, the
tile count, size and duration said before starting, a progress bar, Annuler; a stopped or
failed preparation resumes where it stopped (tiles kept are not asked again)."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.errors import LbaError
from lba_desktop.map_territory import (
    FIRST_ZOOM,
    MAX_ZOOM,
    Plan,
    Prepared,
    check_bulk,
    plan_territory,
    prepare_territory,
)
from lba_desktop.map_tiles import MB, TileSource, provider
from lba_desktop.settings import load_settings
from lba_desktop.sync import departement_choices
from lba_desktop.text import fold
from lba_desktop.ui.tasks import TaskRunner

CodeRole = Qt.ItemDataRole.UserRole + 1
FoldedRole = Qt.ItemDataRole.UserRole + 2
DEFAULT_ZOOM = 13
# What a counsellor sees at each deepest zoom, to choose without knowing what a zoom is.
ZOOM_DETAIL = {
    9: "le département entier, villes et grands axes",
    11: "les villages et les routes",
    13: "les rues principales d'une ville",
    15: "chaque rue (beaucoup de tuiles)",
}


def _detail(zoom: int) -> str:
    return ZOOM_DETAIL[max(z for z in ZOOM_DETAIL if z <= zoom)] if zoom >= 9 else "la région"


class MapPrepareDialog(QDialog):
    """Not modal: the window keeps working while tiles come. Runs on its own one-thread
    runner, so a long preparation never holds up the window's searches."""

    finishedPreparing = Signal(object)  # Prepared, or the LbaError that stopped it
    estimated = Signal(object)  # the Plan now shown (tests)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Préparer la carte d'un territoire")
        self.setModal(False)
        self.runner = TaskRunner(self, max_threads=1)
        self.plan: Plan | None = None
        self.running = False
        self._cancel = threading.Event()
        settings = load_settings()
        self.provider = provider(settings.tile_provider)
        self.source: TileSource | None = None
        self._max_bytes = settings.tile_cache_mb * MB

        box = QVBoxLayout(self)
        intro = QLabel(
            f"Télécharge à l'avance le fond de carte « {self.provider.label} » des départements "
            "cochés, pour l'afficher sans réseau (fenêtre, sélections, fiches PDF et pages "
            "HTML). Les tuiles déjà présentes ne sont pas téléchargées deux fois : une "
            "préparation interrompue reprend où elle s'est arrêtée."
        )
        intro.setWordWrap(True)
        box.addWidget(intro)
        self.dep_filter = QLineEdit()
        self.dep_filter.setPlaceholderText("Filtrer : code ou nom (ex. 15, Cantal)")
        self.dep_filter.setClearButtonEnabled(True)
        self.dep_filter.setAccessibleName("Filtrer les départements")
        self.dep_filter.textChanged.connect(self._on_filter)
        box.addWidget(self.dep_filter)
        self.dep_list = QListWidget()
        self.dep_list.setAccessibleName("Départements dont préparer la carte")
        box.addWidget(self.dep_list, 1)
        form = QFormLayout()
        self.zoom = QSpinBox()
        self.zoom.setRange(FIRST_ZOOM, MAX_ZOOM)
        self.zoom.setValue(DEFAULT_ZOOM)
        self.zoom.setAccessibleName("Zoom maximal")
        self.zoom_detail = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.zoom)
        row.addWidget(self.zoom_detail, 1)
        form.addRow("Zoom maximal :", row)
        box.addLayout(form)
        self.estimate_label = QLabel()
        self.estimate_label.setWordWrap(True)
        self.estimate_label.setTextFormat(Qt.TextFormat.PlainText)
        self.estimate_label.setAccessibleName("Estimation du téléchargement")
        # A wrapped label in a layout gets one line's height: reserve two.
        self.estimate_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 2 + 4)
        box.addWidget(self.estimate_label)
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m tuiles")
        self.progress.setAccessibleName("Avancement de la préparation")
        self.progress.setVisible(False)
        box.addWidget(self.progress)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.setAccessibleName("Résultat de la préparation")
        self.result_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 2 + 4)
        box.addWidget(self.result_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.start_button = QPushButton("Préparer")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Annuler")
        self.cancel_button.setToolTip("Arrêter ; les tuiles déjà reçues sont gardées")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Fermer")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.close)
        for button in (self.start_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        box.addLayout(buttons)

        # Choices settle for a moment before they are counted (a click on every box of a
        # list must not start one count each).
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self._estimate)
        self._fill(settings.sync_departements)
        self.dep_list.itemChanged.connect(self._on_choice)
        self.zoom.valueChanged.connect(self._on_choice)
        self._on_choice()
        self.resize(620, 560)

    def _fill(self, checked: tuple[str, ...]) -> None:
        for code, name in departement_choices():
            item = QListWidgetItem(f"{code} – {name}")
            item.setData(CodeRole, code)
            item.setData(FoldedRole, fold(f"{code} {name}"))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = code in checked
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.dep_list.addItem(item)

    # -- choosing

    def departements(self) -> list[str]:
        return [
            str(item.data(CodeRole))
            for i in range(self.dep_list.count())
            if (item := self.dep_list.item(i)).checkState() == Qt.CheckState.Checked
        ]

    def set_departements(self, codes: list[str]) -> None:
        wanted = set(codes)
        for i in range(self.dep_list.count()):
            item = self.dep_list.item(i)
            on = item.data(CodeRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    @Slot(str)
    def _on_filter(self, text: str) -> None:
        wanted = fold(text).strip()
        for i in range(self.dep_list.count()):
            item = self.dep_list.item(i)
            item.setHidden(bool(wanted) and wanted not in str(item.data(FoldedRole)))

    @Slot()
    def _on_choice(self, *_args: Any) -> None:
        self.zoom_detail.setText(f"détail : {_detail(self.zoom.value())}")
        self.plan = None
        self.start_button.setEnabled(False)
        try:
            check_bulk(self.provider)
        except LbaError as exc:
            self.estimate_label.setText(f"{exc.message} {exc.hint}")
            return
        if not self.departements():
            self.estimate_label.setText("Cochez un ou plusieurs départements.")
            return
        self.estimate_label.setText("Calcul du nombre de tuiles…")
        self._debounce.start()

    @Slot()
    def _estimate(self) -> None:
        if self.running:
            return
        if self.source is None:
            self.source = TileSource(self.provider, online=True, max_bytes=self._max_bytes)
        self.runner.start(
            plan_territory,
            self.departements(),
            self.zoom.value(),
            self.source,
            succeeded=self._on_estimate,
            failed=self._on_failed,
        )

    @Slot(object)
    def _on_estimate(self, plan: Plan) -> None:
        now = (tuple(self.departements()), self.zoom.value())
        if (plan.departements, plan.zoom_max) != now or self.running:
            return  # the choices changed meanwhile: a newer count is coming
        self.plan = plan
        e = plan.estimate
        if not e.to_fetch:
            text = f"Les {e.tiles} tuiles de ce territoire sont déjà prêtes hors ligne."
        else:
            text = (
                f"{e.tiles} tuiles jusqu'au zoom {plan.zoom_max}, dont {e.to_fetch} à "
                f"télécharger : environ {e.size_fr}, {e.duration_fr} au rythme permis "
                f"par {self.provider.label}."
            )
        self.estimate_label.setText(text)
        self.start_button.setEnabled(bool(e.to_fetch))
        self.estimated.emit(plan)

    # -- running

    @Slot()
    def start(self) -> None:
        if self.plan is None or self.running:
            return
        self.running = True
        self._cancel.clear()
        for widget in (self.dep_list, self.dep_filter, self.zoom, self.start_button):
            widget.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, len(self.plan.tiles))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.result_label.setText("Téléchargement des tuiles…")
        self.runner.start(
            prepare_territory,
            self.plan,
            cancel=self._cancel,
            progress=self._on_progress,
            succeeded=self._on_prepared,
            failed=self._on_failed,
        )

    @Slot()
    def cancel(self) -> None:
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.result_label.setText("Arrêt après la tuile en cours…")

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, _label: str) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)

    @Slot(object)
    def _on_prepared(self, done: Prepared) -> None:
        self._stopped()
        if done.cancelled:
            text = (
                f"Arrêté : {done.fetched} tuiles reçues sont gardées. « Préparer » reprend où "
                "la préparation s'est arrêtée."
            )
        elif done.failed:
            text = (
                f"{done.fetched} tuiles téléchargées, {done.failed} indisponibles (réseau ou "
                "serveur) : « Préparer » réessaie celles-là seulement."
            )
        else:
            text = f"Carte prête hors ligne : {done.fetched} tuiles téléchargées."
        self.result_label.setText(text)
        self._on_choice()  # counts again what is left (nothing when it went well)
        self.finishedPreparing.emit(done)

    @Slot(object)
    def _on_failed(self, exc: Exception) -> None:
        self._stopped()
        if not isinstance(exc, LbaError):
            exc = LbaError("La préparation de la carte s'est arrêtée sur une erreur inattendue.",
                           hint="Relancez-la : les tuiles déjà reçues sont gardées.")  # fmt: skip
        self.result_label.setText(f"{exc.message} {exc.hint}".strip())
        self.finishedPreparing.emit(exc)

    def _stopped(self) -> None:
        self.running = False
        for widget in (self.dep_list, self.dep_filter, self.zoom):
            widget.setEnabled(True)
        self.cancel_button.setEnabled(False)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Closing stops a preparation (what came is kept) and lets the cache file go."""
        self._cancel.set()
        self.runner.wait()
        if self.source is not None:
            self.source.close()
            self.source = None
        self.plan = None
        super().closeEvent(event)
