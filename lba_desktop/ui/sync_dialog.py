"""The « Synchroniser » dialog: territory, sources and métiers, progress with cancel, then the
French summary or the error with what to do."""

from __future__ import annotations

import html
import threading
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.errors import LbaError
from lba_desktop.models import CatalogueInfo
from lba_desktop.sync import (
    SyncReport,
    SyncScope,
    departement_choices,
    interrupted_sync,
    make_scope,
)
from lba_desktop.text import fold
from lba_desktop.ui.backend import run_sync
from lba_desktop.ui.tasks import TaskRunner

CodeRole = Qt.ItemDataRole.UserRole + 1
FoldedRole = Qt.ItemDataRole.UserRole + 2


def _unexpected() -> LbaError:
    return LbaError(
        "La synchronisation s'est arrêtée sur une erreur inattendue : le catalogue n'a pas changé.",
        hint="Relancez-la ; si cela recommence, signalez-le avec le journal de l'application.",
    )


class SyncDialog(QDialog):
    """Not modal: the search keeps working on the current catalogue while a sync runs."""

    catalogueSwapped = Signal(object)  # SyncReport of a sync that replaced the catalogue
    syncFinished = Signal(object)  # SyncReport, whatever its status (tests, status bar)
    runningChanged = Signal(bool)

    def __init__(
        self,
        *,
        runner: TaskRunner,
        metiers: Any = None,
        info: CatalogueInfo | None = None,
        default_departements: tuple[str, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Synchroniser le catalogue")
        self.setModal(False)
        self.runner = runner
        self.metiers = metiers
        self.report: SyncReport | None = None
        self._cancel = threading.Event()
        self._running = False
        self._blocked = False  # another task is replacing the catalogue
        self._romes: tuple[str, ...] = ()
        self._interrupted: tuple[SyncScope, int] | None = None

        box = QVBoxLayout(self)
        intro = QLabel(
            "Télécharge depuis La Bonne Alternance les formations, offres et entreprises des "
            "départements cochés. La recherche reste utilisable pendant ce temps ; le catalogue "
            "n'est remplacé qu'à la fin, par des données complètes."
        )
        intro.setWordWrap(True)
        box.addWidget(intro)

        self.settings_box = QWidget()
        settings = QHBoxLayout(self.settings_box)
        settings.setContentsMargins(0, 0, 0, 0)
        settings.addWidget(self._make_territory(), 3)
        right = QVBoxLayout()
        right.addWidget(self._make_sources())
        right.addWidget(self._make_metiers(), 1)
        settings.addLayout(right, 2)
        box.addWidget(self.settings_box, 1)

        self.resume_box = QCheckBox("Reprendre la synchronisation interrompue")
        self.resume_box.setToolTip(
            "Les appels déjà terminés ne sont pas refaits ; décochez pour tout recommencer."
        )
        self.resume_box.toggled.connect(self._on_resume_toggled)
        self.resume_box.setVisible(False)
        box.addWidget(self.resume_box)

        box.addWidget(self._make_progress())

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.start_button = QPushButton("Synchroniser")
        self.start_button.setDefault(True)
        self.start_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Annuler")
        self.cancel_button.setToolTip("Arrêter après l'appel en cours ; le catalogue ne change pas")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Fermer")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.close)
        for button in (self.start_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)
        box.addLayout(buttons)

        self._fill_departements()
        self._preselect(info, default_departements)
        self._offer_resume()
        self._update_selection()
        self.resize(760, 620)

    # -- building

    def _make_territory(self) -> QGroupBox:
        group = QGroupBox("Territoire")
        box = QVBoxLayout(group)
        self.dep_filter = QLineEdit()
        self.dep_filter.setPlaceholderText("Filtrer : code ou nom (ex. 15, Cantal)")
        self.dep_filter.setClearButtonEnabled(True)
        self.dep_filter.setAccessibleName("Filtrer les départements")
        self.dep_filter.textChanged.connect(self._on_filter)
        box.addWidget(self.dep_filter)
        self.dep_list = QListWidget()
        self.dep_list.setAccessibleName("Départements à synchroniser")
        self.dep_list.itemChanged.connect(self._on_dep_changed)
        box.addWidget(self.dep_list, 1)
        row = QHBoxLayout()
        self.dep_summary = QLabel()
        self.dep_summary.setWordWrap(True)
        row.addWidget(self.dep_summary, 1)
        self.clear_button = QPushButton("Tout décocher")
        self.clear_button.setAutoDefault(False)
        self.clear_button.clicked.connect(self.clear_departements)
        row.addWidget(self.clear_button)
        box.addLayout(row)
        return group

    def _make_sources(self) -> QGroupBox:
        group = QGroupBox("Sources")
        box = QVBoxLayout(group)
        self.formations_box = QCheckBox("Formations")
        self.offres_box = QCheckBox("Offres et entreprises")
        self.offres_box.setToolTip(
            "Offres d'emploi, entreprises (candidature spontanée) et partenariats ; "
            "demande la clé API Apprentissage"
        )
        self.insertion_box = QCheckBox("Taux d'insertion (InserJeunes)")
        self.insertion_box.setToolTip(
            "Devenir des apprentis par CFA et diplôme, par région et en France (open data "
            "InserJeunes, trois fichiers pour toute la France) ; publiés une fois par an : "
            "une synchronisation par millésime suffit"
        )
        for check in (self.formations_box, self.offres_box, self.insertion_box):
            check.setChecked(check is not self.insertion_box)
            check.toggled.connect(self._update_selection)
            box.addWidget(check)
        return group

    def _make_metiers(self) -> QGroupBox:
        group = QGroupBox("Métiers (facultatif)")
        box = QVBoxLayout(group)
        self.metier_edit = QLineEdit()
        self.metier_edit.setPlaceholderText("ex. boulanger, D1102 (vide : tous)")
        self.metier_edit.setClearButtonEnabled(True)
        self.metier_edit.setAccessibleName("Limiter à des métiers")
        self.metier_edit.textChanged.connect(self._on_metier_text)
        box.addWidget(self.metier_edit)
        self.metier_label = QLabel("Tous les métiers seront synchronisés.")
        self.metier_label.setWordWrap(True)
        self.metier_label.setTextFormat(Qt.TextFormat.PlainText)
        # A wrapped label in a nested layout gets one line's height: reserve three.
        self.metier_label.setMinimumHeight(self.fontMetrics().lineSpacing() * 3)
        self.metier_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.metier_label)
        # One line per resolved code: what the sync will ask for, readable at a glance.
        self.metier_list = QListWidget()
        self.metier_list.setAccessibleName("Métiers qui seront synchronisés")
        self.metier_list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.metier_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.metier_list.setWordWrap(True)
        self.metier_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.metier_list.setVisible(False)
        box.addWidget(self.metier_list, 1)
        return group

    def _make_progress(self) -> QFrame:
        frame = QFrame()
        box = QVBoxLayout(frame)
        box.setContentsMargins(0, 0, 0, 0)
        self.step_label = QLabel("Cochez des départements puis appuyez sur « Synchroniser ».")
        self.step_label.setAccessibleName("Étape en cours")
        self.step_label.setTextFormat(Qt.TextFormat.PlainText)
        box.addWidget(self.step_label)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("%v / %m appels")
        self.progress.setAccessibleName("Avancement de la synchronisation")
        self.progress.setVisible(False)  # an empty "0 / 1" bar before any sync says nothing
        box.addWidget(self.progress)
        self.error_label = QLabel()
        self.error_label.setObjectName("syncError")
        self.error_label.setWordWrap(True)
        self.error_label.setTextFormat(Qt.TextFormat.RichText)
        self.error_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.error_label.setMargin(6)
        self.error_label.setAccessibleName("Erreur de la synchronisation")
        self.error_label.setVisible(False)
        box.addWidget(self.error_label)
        self.summary = QPlainTextEdit()
        self.summary.setReadOnly(True)
        self.summary.setAccessibleName("Résumé de la synchronisation")
        self.summary.setMaximumHeight(150)
        self.summary.setVisible(False)
        box.addWidget(self.summary)
        return frame

    def _fill_departements(self) -> None:
        self.dep_list.blockSignals(True)
        for code, name in departement_choices():
            item = QListWidgetItem(f"{code} – {name}")
            item.setData(CodeRole, code)
            item.setData(FoldedRole, fold(f"{code} {name}"))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.dep_list.addItem(item)
        self.dep_list.blockSignals(False)

    def _preselect(self, info: CatalogueInfo | None, defaults: tuple[str, ...]) -> None:
        """The default territory when one is set, else what the current catalogue was synced
        for. The demo catalogue covers all of France: preselecting it would mean a huge sync."""
        chosen = tuple(defaults)
        if not chosen and info is not None and info.origin != "demo":
            chosen = tuple(
                sorted({str(f["departement"]) for f in info.details.get("freshness") or []})
            )
        self.set_departements(chosen)

    def _offer_resume(self) -> None:
        try:
            self._interrupted = interrupted_sync()
        except LbaError:
            self._interrupted = None  # an unreadable state only loses the shortcut
        if self._interrupted is None:
            self.resume_box.setVisible(False)
            return
        scope, done = self._interrupted
        self.resume_box.setText(
            f"Reprendre la synchronisation interrompue ({', '.join(scope.departements)} — "
            f"{done} appel{'s' if done > 1 else ''} déjà faits, ils ne seront pas refaits)"
        )
        self.resume_box.setVisible(True)
        self.resume_box.setChecked(True)  # toggled → the scope of the interrupted sync

    # -- choosing

    def departements(self) -> tuple[str, ...]:
        return tuple(
            str(item.data(CodeRole))
            for i in range(self.dep_list.count())
            if (item := self.dep_list.item(i)).checkState() == Qt.CheckState.Checked
        )

    def set_departements(self, codes: tuple[str, ...] | list[str]) -> None:
        wanted = set(codes)
        self.dep_list.blockSignals(True)
        for i in range(self.dep_list.count()):
            item = self.dep_list.item(i)
            checked = item.data(CodeRole) in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.dep_list.blockSignals(False)
        self._update_selection()

    @Slot()
    def clear_departements(self) -> None:
        self.set_departements(())

    def sources(self) -> tuple[str, ...]:
        chosen = []
        if self.formations_box.isChecked():
            chosen.append("formations")
        if self.offres_box.isChecked():
            chosen.append("offres")
        if self.insertion_box.isChecked():
            chosen.append("inserjeunes")
        return tuple(chosen)

    @Slot(str)
    def _on_filter(self, text: str) -> None:
        wanted = fold(text).strip()
        for i in range(self.dep_list.count()):
            item = self.dep_list.item(i)
            item.setHidden(bool(wanted) and wanted not in str(item.data(FoldedRole)))

    @Slot(QListWidgetItem)
    def _on_dep_changed(self, _item: QListWidgetItem) -> None:
        self._update_selection()

    @Slot(str)
    def _on_metier_text(self, text: str) -> None:
        self._romes = ()
        self.metier_list.clear()
        self.metier_list.setVisible(False)
        if not text.strip():
            self.metier_label.setText("Tous les métiers seront synchronisés.")
        elif self.metiers is None:
            self.metier_label.setText("Index des métiers en cours d'ouverture…")
        else:
            try:
                self._romes = tuple(self.metiers.romes_for(text))
            except LbaError as exc:
                self.metier_label.setText(f"{exc.message} {exc.hint}".strip())
            else:
                for code in self._romes:
                    metier = self.metiers.get(code)
                    self.metier_list.addItem(f"{code} – {metier.label}" if metier else code)
                count = len(self._romes)
                self.metier_label.setText(
                    f"Synchronisera {count} métier{'s' if count > 1 else ''} :"
                )
                self.metier_list.setVisible(True)
        self._update_selection()

    @Slot(bool)
    def _on_resume_toggled(self, checked: bool) -> None:
        if not checked or self._interrupted is None:
            return
        scope = self._interrupted[0]
        self.set_departements(scope.departements)
        self.formations_box.setChecked("formations" in scope.sources)
        self.offres_box.setChecked("offres" in scope.sources)
        self.insertion_box.setChecked("inserjeunes" in scope.sources)
        if scope.romes:
            self.metier_edit.setText(", ".join(scope.romes))

    @Slot()
    def _update_selection(self) -> None:
        deps = self.departements()
        if not deps:
            self.dep_summary.setText("Aucun département coché.")
        else:
            shown = ", ".join(deps[:12]) + ("…" if len(deps) > 12 else "")
            self.dep_summary.setText(
                f"{len(deps)} département{'s' if len(deps) > 1 else ''} coché"
                f"{'s' if len(deps) > 1 else ''} : {shown}"
            )
        metier_ok = not self.metier_edit.text().strip() or bool(self._romes)
        self.start_button.setEnabled(
            not self._running
            and not self._blocked
            and bool(deps)
            and bool(self.sources())
            and metier_ok
        )

    def set_blocked(self, blocked: bool) -> None:
        """No new sync while a data pack import or the demo rebuild replaces the catalogue."""
        self._blocked = blocked
        self._update_selection()

    # -- running

    def is_running(self) -> bool:
        return self._running

    @Slot()
    def start(self) -> None:
        if self._running:
            return
        try:
            scope = make_scope(
                departements=self.departements(), sources=self.sources(), romes=self._romes
            )
        except LbaError as exc:
            self._show_error(exc)
            return
        resume = self.resume_box.isVisible() and self.resume_box.isChecked()
        self._cancel = threading.Event()
        self.report = None
        self._set_running(True)
        self.error_label.setVisible(False)
        self.summary.setVisible(False)
        self.progress.setRange(0, 0)  # busy until the first step is known
        self.progress.setVisible(True)
        self.step_label.setText("Préparation…")
        self.runner.start(
            run_sync,
            scope,
            restart=not resume,
            cancelled=self._cancel.is_set,
            succeeded=self._on_done,
            failed=self._on_failed,
            progress=self._on_progress,
        )

    @Slot()
    def cancel(self) -> None:
        """Ask the sync to stop; it does so between two calls and leaves the catalogue as is."""
        if not self._running:
            return
        self._cancel.set()
        self.cancel_button.setEnabled(False)
        self.step_label.setText("Annulation demandée : fin de l'appel en cours…")

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, label: str) -> None:
        if self._cancel.is_set():
            return  # keep the cancellation message until the sync stops
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(min(done, total))
        self.step_label.setText(label)

    @Slot(object)
    def _on_done(self, report: SyncReport) -> None:
        self.report = report
        self._set_running(False)
        self.summary.setPlainText(report.summary_fr())
        self.summary.setVisible(True)
        if report.ok:
            self.progress.setValue(self.progress.maximum())
            self.step_label.setText("Synchronisation terminée : le catalogue a été remplacé.")
        elif report.status == "cancelled":
            self.progress.setRange(0, max(self.progress.maximum(), 1))
            self.step_label.setText("Synchronisation annulée : le catalogue n'a pas changé.")
        else:
            self.progress.setRange(0, max(self.progress.maximum(), 1))
            self.step_label.setText("Synchronisation échouée : le catalogue n'a pas changé.")
            failure = report.failure or LbaError(
                "; ".join(report.errors) or "La synchronisation a échoué.", hint=""
            )
            self._show_error(failure, partial=bool(report.calls_made + report.calls_skipped))
        self._offer_resume()
        self.syncFinished.emit(report)
        if report.ok:
            self.catalogueSwapped.emit(report)

    @Slot(object)
    def _on_failed(self, exc: Exception) -> None:
        self._set_running(False)
        self.progress.setRange(0, max(self.progress.maximum(), 1))
        self.step_label.setText("Synchronisation échouée : le catalogue n'a pas changé.")
        self._show_error(exc if isinstance(exc, LbaError) else _unexpected())
        self.syncFinished.emit(None)

    def _show_error(self, exc: LbaError, *, partial: bool = False) -> None:
        todo = exc.hint or "Réessayez plus tard."
        if partial:
            todo += " Ce qui a déjà été téléchargé est gardé : relancez pour reprendre."
        self.error_label.setText(
            f"<b>{html.escape(exc.message)}</b><br>Que faire : {html.escape(todo)}"
        )
        self.error_label.setVisible(True)

    def _set_running(self, running: bool) -> None:
        self._running = running
        self.settings_box.setEnabled(not running)
        self.resume_box.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self._update_selection()
        self.runningChanged.emit(running)

    # -- closing

    def reject(self) -> None:
        """Fermer, Échap and the title bar all come here (QDialog's close event calls it)."""
        if self._running and not self._cancel.is_set():
            answer = QMessageBox.question(
                self,
                "Synchronisation en cours",
                "Une synchronisation est en cours. Voulez-vous l'annuler ?\n\n"
                "Le catalogue actuel reste tel quel ; ce qui a été téléchargé est gardé "
                "pour une reprise.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self.cancel()
        super().reject()
