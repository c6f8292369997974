"""The follow-up's person actions: the person form, erasure (one or the inactive ones) and the
export of everything kept about a young person."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtWidgets import QFileDialog, QMessageBox

from lba_desktop.people import where_people_are_kept
from lba_desktop.settings import load_settings
from lba_desktop.ui.backend import (
    erase_people_for_good,
    erase_person_for_good,
    export_person_folder,
)
from lba_desktop.ui.person_dialog import PersonDialog
from lba_desktop.ui.saved_files import remember_folder, save_folder

if TYPE_CHECKING:
    from lba_desktop.ui.followup import FollowUp


class PersonActions(QObject):
    """Creates, edits, erases and exports young people for the follow-up."""

    def __init__(self, follow: FollowUp) -> None:
        super().__init__(follow)
        self.follow = follow
        self.window = follow.window
        self.dialog: PersonDialog | None = None

    @Slot()
    def new_person(self) -> None:
        self._open_dialog(None)

    @Slot(object)
    def edit_person(self, person: Any) -> None:
        self._open_dialog(person)

    def _open_dialog(self, person: Any) -> None:
        follow = self.follow
        if follow.services is None:
            return
        if follow.read_only:
            self.window.statusBar().showMessage(
                f"{follow.read_only} : les fiches se modifient à son retour.", 8000
            )
            return
        backend = self.window.backend
        dialog = PersonDialog(
            follow.people,
            geocoder=backend.geocoder if backend else None,
            person=person,
            parent=self.window,
        )
        dialog.accepted.connect(self._on_saved)
        self.dialog = dialog
        follow.dock.show()
        dialog.open()

    @Slot()
    def _on_saved(self) -> None:
        dialog = self.dialog
        if dialog is None or dialog.person is None:
            return
        follow = self.follow
        follow.panel.search_edit.clear()
        follow.reload_people(keep=dialog.person.id)
        follow.panel.choose(dialog.person.id)
        follow.shortlist.reload()  # distances follow a new home commune
        self.window.statusBar().showMessage(
            f"Fiche de {dialog.person.display_name} enregistrée.", 4000
        )

    @Slot(object)
    def erase_person(self, person: Any) -> None:
        follow = self.follow
        if follow.services is None:
            return
        # Plain text: a name is shown as typed, never read as HTML (a link in it would open).
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Supprimer définitivement",
            f"Supprimer définitivement la personne n° {person.id} : {person.display_name}"
            + (f" ({person.home_label})" if person.home_label else "")
            + f", {person.item_count} piste(s) ?\n\n"
            "Sa fiche, sa sélection, ses notes, son journal et ses demandes de rendez-vous "
            f"seront effacés {where_people_are_kept()}. Cette suppression est définitive : "
            "elle ne peut pas être annulée.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.window.runner.start(
            erase_person_for_good,
            follow.people,
            person.id,
            succeeded=self._on_erased,
            failed=follow.show_error,
        )

    @Slot(object)
    def _on_erased(self, person_id: int) -> None:
        self.follow.reload_people()
        self.window.statusBar().showMessage("Personne supprimée définitivement.", 5000)
        self.follow.personErased.emit(person_id)

    @Slot(list)
    def purge(self, people: list[Any]) -> None:
        follow = self.follow
        if follow.services is None or not people:
            return
        self.window.runner.start(
            erase_people_for_good,
            follow.people,
            [p.id for p in people],
            load_settings().retention_months,
            succeeded=self._on_purged,
            failed=follow.show_error,
        )

    @Slot(object)
    def _on_purged(self, ids: list[int]) -> None:
        self.follow.reload_people()
        self.window.statusBar().showMessage(
            f"{len(ids)} personne(s) inactive(s) supprimée(s) définitivement.", 6000
        )
        for person_id in ids:
            self.follow.personErased.emit(person_id)

    @Slot(object)
    def export_person_data(self, person: Any) -> None:
        follow = self.follow
        if follow.services is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self.window,
            f"Dossier où exporter les données de {person.display_name}",
            str(save_folder()),
        )
        if not folder:
            return
        remember_folder(folder)
        self.window.runner.start(
            export_person_folder,
            follow.people,
            person.id,
            folder,
            succeeded=self._on_exported,
            failed=follow.show_error,
        )

    @Slot(object)
    def _on_exported(self, files: list[str]) -> None:
        # The PDF is what a person reads; the JSON holds everything, for a machine.
        first = next((f for f in files if f.lower().endswith(".pdf")), files[0])
        self.follow.tell_saved(
            "Données exportées",
            first,
            what="Toutes les données de la personne sont exportées",
            others=tuple(f for f in files if f != first),
        )
