"""The Données menu actions that replace the catalogue: sync, data pack export and import, back
to the demo data; each runs on the task runner and says when the catalogue was swapped."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu, QMessageBox

from lba_desktop.datapack_summary import (
    catalogue_facts,
    pack_facts,
    read_pack_manifest,
    replacement_text,
)
from lba_desktop.errors import LbaError
from lba_desktop.models import Kind
from lba_desktop.sync import SyncReport
from lba_desktop.ui.backend import export_pack, import_pack, restore_demo
from lba_desktop.ui.look import number
from lba_desktop.ui.messages import plain_message
from lba_desktop.ui.saved_files import remember_folder, save_folder, suggested_path, tell_saved
from lba_desktop.ui.sync_dialog import SyncDialog
from lba_desktop.ui.tasks import TaskRunner

PACK_FILTER = "Paquet de données LBA (*.lbapack);;Tous les fichiers (*)"
PACK_SUFFIX = ".lbapack"


def _default_territory() -> tuple[str, ...]:
    """The counsellor's territory from the settings, when that module is there; () otherwise."""
    try:
        from lba_desktop.settings import load_settings
    except ImportError:
        return ()
    try:
        return tuple(load_settings().sync_departements)
    except Exception:  # unreadable settings must not stop the dialog: preselect nothing
        return ()


class DataActions(QObject):
    """Owns the menu actions and the sync dialog; one catalogue-replacing task at a time, since
    two of them would race for the same file."""

    catalogueSwapped = Signal()
    exported = Signal(object)  # manifest of the written pack
    imported = Signal(object)  # manifest of the imported pack
    taskFailed = Signal(object)  # the exception, after the message shows it

    def __init__(self, window: QMainWindow, runner: TaskRunner) -> None:
        super().__init__(window)
        self.window = window
        self.runner = runner
        self.dialog: SyncDialog | None = None
        self._task = ""  # what runs now ("export", "import", "demo"), "" when idle
        self.export_target = Path()
        self._import_source = Path()
        self.saved_message: QMessageBox | None = None

        self.sync_action = QAction("&Synchroniser…", self)
        self.sync_action.setToolTip("Mettre à jour le catalogue depuis La Bonne Alternance")
        self.sync_action.triggered.connect(self.open_sync)
        self.export_action = QAction("&Exporter un paquet de données…", self)
        self.export_action.setToolTip("Écrire le catalogue dans un fichier (clé USB)")
        self.export_action.triggered.connect(self.export_pack)
        self.import_action = QAction("&Importer un paquet de données…", self)
        self.import_action.setToolTip("Remplacer le catalogue par celui d'un paquet de données")
        self.import_action.triggered.connect(self.import_pack)
        self.demo_action = QAction("Revenir aux données de &démonstration", self)
        self.demo_action.setToolTip("Remplacer le catalogue par les données fictives")
        self.demo_action.triggered.connect(self.restore_demo)

    def add_to(self, menu: QMenu) -> None:
        menu.addSeparator()
        menu.addAction(self.sync_action)
        menu.addSeparator()
        menu.addAction(self.export_action)
        menu.addAction(self.import_action)
        menu.addSeparator()
        menu.addAction(self.demo_action)

    def _backend(self) -> Any:
        return getattr(self.window, "backend", None)

    def _update_actions(self) -> None:
        syncing = self.dialog is not None and self.dialog.is_running()
        replacing = syncing or self._task in ("import", "demo")
        self.import_action.setEnabled(not replacing and not self._task)
        self.demo_action.setEnabled(not replacing and not self._task)
        self.export_action.setEnabled(self._task != "export")
        if self.dialog is not None:
            self.dialog.set_blocked(self._task in ("import", "demo"))

    def _message(self, text: str, msecs: int = 5000) -> None:
        # Short: a message hides the data origin label of the status bar while it shows.
        self.window.statusBar().showMessage(text, msecs)

    def _show_error(self, title: str, exc: BaseException) -> None:
        if not isinstance(exc, LbaError):
            exc = LbaError(
                "L'opération a échoué de façon inattendue.",
                hint="Réessayez ; si cela recommence, signalez-le avec le journal.",
            )
        text = exc.message + (f"\n\n{exc.hint}" if exc.hint else "")
        plain_message(self.window, title, text)
        self.taskFailed.emit(exc)

    # -- sync

    @Slot()
    def open_sync(self) -> None:
        backend = self._backend()
        if self.dialog is None:
            self.dialog = SyncDialog(
                runner=self.runner,
                metiers=backend.metiers if backend else None,
                info=backend.info if backend else None,
                default_departements=_default_territory(),
                parent=self.window,
            )
            self.dialog.catalogueSwapped.connect(self._on_synced)
            self.dialog.syncFinished.connect(self._on_sync_finished)
            self.dialog.runningChanged.connect(self._on_sync_running)
        elif backend is not None and self.dialog.metiers is None:
            self.dialog.metiers = backend.metiers
        self._update_actions()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()

    def cancel_sync(self) -> None:
        """Ask a running sync to stop (the window is closing)."""
        if self.dialog is not None:
            self.dialog.cancel()

    @Slot(bool)
    def _on_sync_running(self, running: bool) -> None:
        self._update_actions()
        if running:
            self._message("Synchronisation en cours : la recherche reste disponible.")

    @Slot(object)
    def _on_sync_finished(self, report: SyncReport | None) -> None:
        if report is not None and report.ok:
            self.window.statusBar().clearMessage()  # the origin label tells the new data
        elif report is None or report.status == "failed":
            self._message("Synchronisation échouée : le catalogue n'a pas changé.")
        elif report.status == "cancelled":
            self._message("Synchronisation annulée : le catalogue n'a pas changé.")

    @Slot(object)
    def _on_synced(self, _report: SyncReport) -> None:
        self.catalogueSwapped.emit()

    # -- data packs

    def _start(self, name: str, fn: Any, *args: Any, succeeded: Any, failed: Any) -> None:
        self._task = name
        self._update_actions()
        self.runner.start(fn, *args, succeeded=succeeded, failed=failed)

    def _done(self) -> None:
        self._task = ""
        self._update_actions()

    @Slot()
    def export_pack(self) -> None:
        suggested = suggested_path(f"lba-donnees-{date.today():%Y-%m-%d}{PACK_SUFFIX}")
        chosen, _filter = QFileDialog.getSaveFileName(
            self.window, "Exporter un paquet de données", suggested, PACK_FILTER
        )
        if not chosen:
            return
        remember_folder(chosen)
        target = Path(chosen)
        if not target.suffix:
            target = target.with_suffix(PACK_SUFFIX)
        self.export_target = target
        self._message(f"Export du paquet de données vers {target}…")
        self._start(
            "export",
            export_pack,
            target,
            succeeded=self._on_exported,
            failed=self._on_export_failed,
        )

    @Slot(object)
    def _on_exported(self, manifest: dict[str, Any]) -> None:
        self._done()
        counts = manifest.get("counts") or {}
        shown = ", ".join(
            f"{kind.plural_fr.lower()} {number(int(counts.get(kind.value, 0)))}" for kind in Kind
        )
        self._message(f"Paquet de données écrit ({shown}).")
        self.saved_message = tell_saved(
            self.window,
            "Paquet de données exporté",
            self.export_target,
            what=f"Le paquet de données ({shown}) est enregistré",
        )
        self.exported.emit(manifest)

    @Slot(object)
    def _on_export_failed(self, exc: Exception) -> None:
        self._done()
        self._show_error("Exporter un paquet de données", exc)

    @Slot()
    def import_pack(self) -> None:
        chosen, _filter = QFileDialog.getOpenFileName(
            self.window,
            "Importer un paquet de données (remplace le catalogue actuel)",
            str(save_folder()),
            PACK_FILTER,
        )
        if not chosen:
            return
        remember_folder(chosen)
        self._import_source = Path(chosen)
        self._message("Lecture du paquet de données…")
        # First its manifest only, to ask before anything is replaced.
        self._start(
            "import",
            read_pack_manifest,
            self._import_source,
            succeeded=self._on_pack_read,
            failed=self._on_import_failed,
        )

    @Slot(object)
    def _on_pack_read(self, manifest: dict[str, Any]) -> None:
        backend = self._backend()
        current = catalogue_facts(backend.info) if backend is not None else None
        answer = QMessageBox.question(
            self.window,
            "Importer un paquet de données",
            replacement_text(pack_facts(manifest), current) + "\n\nRemplacer le catalogue ?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            self._done()
            self._message("Import annulé : le catalogue n'a pas changé.")
            return
        self._message("Vérification du paquet de données…")
        self.runner.start(
            import_pack,
            self._import_source,
            succeeded=self._on_imported,
            failed=self._on_import_failed,
        )

    @Slot(object)
    def _on_imported(self, manifest: dict[str, Any]) -> None:
        self._done()
        self.window.statusBar().clearMessage()  # the origin label tells the new data
        self.imported.emit(manifest)
        self.catalogueSwapped.emit()

    @Slot(object)
    def _on_import_failed(self, exc: Exception) -> None:
        self._done()
        self._message("Paquet de données refusé : le catalogue n'a pas changé.")
        self._show_error("Importer un paquet de données", exc)

    # -- demo

    @Slot()
    def restore_demo(self) -> None:
        backend = self._backend()
        origin = backend.info.origin if backend is not None else ""
        text = "Le catalogue sera remplacé par les données de démonstration (fictives)."
        if origin and origin != "demo":
            text += (
                "\n\nLes données synchronisées ou importées seront effacées : il faudra "
                "resynchroniser ou réimporter un paquet de données pour les retrouver."
            )
        answer = QMessageBox.question(
            self.window,
            "Revenir aux données de démonstration",
            text + "\n\nContinuer ?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._message("Construction des données de démonstration…")
        self._start(
            "demo", restore_demo, succeeded=self._on_demo_restored, failed=self._on_demo_failed
        )

    @Slot(object)
    def _on_demo_restored(self, _counts: object) -> None:
        self._done()
        self.window.statusBar().clearMessage()
        self.catalogueSwapped.emit()

    @Slot(object)
    def _on_demo_failed(self, exc: Exception) -> None:
        self._done()
        self._show_error("Revenir aux données de démonstration", exc)
