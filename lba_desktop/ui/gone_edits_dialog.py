"""Notes and statuses typed while the server was away on a young person (or a line) deleted on
the server meanwhile: nobody can receive them, so the counsellor decides — save them to a
file, or let them go; « Plus tard » keeps them and asks again next time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.errors import LbaError
from lba_desktop.exports.journal_export import render_offline_edits_csv
from lba_desktop.files import write_file
from lba_desktop.people.offline import LocalCopy
from lba_desktop.ui.person_dialog import error_label
from lba_desktop.ui.saved_files import remember_folder, suggested_path


class GoneEditsDialog(QDialog):
    """The edits nobody can receive, one line each; `settled` once they left this computer."""

    settled = Signal(str)  # the file they were saved to, or "" when let go

    def __init__(self, edits: list[Any], copy_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edits = list(edits)
        self.copy_path = copy_path
        self.setWindowTitle("Saisies sans destinataire")
        self.setAccessibleName(self.windowTitle())
        # Wide enough at 1366×768 for the names, the line and a note of a sentence, never
        # past the screen; a longer note reads whole under the list.
        screen = self.screen().availableGeometry() if self.screen() else None
        self.resize(min(1040, screen.width() - 40) if screen else 1040, 440)
        count = len(self.edits)
        intro = QLabel(
            f"Pendant que le serveur était injoignable, vous avez saisi {count} "
            f"modification{'s' * (count > 1)} sur des jeunes ou des pistes supprimés "
            "entre-temps sur le serveur par un collègue. Elles n'ont été enregistrées nulle "
            "part : gardez-les dans un fichier, ou abandonnez-les."
        )
        intro.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Jeune", "Piste", "Saisie", "Le"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Modifications sans destinataire")
        for edit in self.edits:
            line = QTreeWidgetItem(
                [
                    edit.who_fr,
                    edit.base.title,
                    edit.label_fr,
                    edit.typed_at.astimezone().strftime("%d/%m/%Y %H:%M"),
                ]
            )
            line.setToolTip(2, edit.label_fr)
            self.tree.addTopLevelItem(line)
        header = self.tree.header()
        header.setStretchLastSection(False)
        fit, stretch = QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch
        for col, mode in enumerate((fit, QHeaderView.ResizeMode.Interactive, stretch, fit)):
            header.setSectionResizeMode(col, mode)
        self.tree.setColumnWidth(1, 260)
        # The selected line in full: a note may be longer than its column.
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)  # typed text, shown as typed
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName("Saisie sélectionnée")
        self.tree.currentItemChanged.connect(self._show_detail)
        if self.edits:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        self.error = error_label("Saisies sans destinataire")
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(
            "Enregistrer dans un fichier…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.drop_button = buttons.addButton(
            "Abandonner ces saisies", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.later_button = buttons.addButton("Plus tard", QDialogButtonBox.ButtonRole.RejectRole)
        self.later_button.setToolTip("Elles restent sur cet ordinateur ; la question reviendra.")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_to_file)
        self.drop_button.clicked.connect(self.let_go)
        self.later_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    @Slot(object, object)
    def _show_detail(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        row = self.tree.indexOfTopLevelItem(current) if current is not None else -1
        if row < 0:
            self.detail.clear()
            return
        edit = self.edits[row]
        where = (
            f"{edit.base.title} ({edit.base.organisation})"
            if edit.base.organisation
            else (edit.base.title)
        )
        self.detail.setText(
            f"{edit.who_fr} — {where}, saisi par {edit.counsellor} le "
            f"{edit.typed_at.astimezone().strftime('%d/%m/%Y à %H:%M')} :\n{edit.label_fr}"
        )

    @Slot()
    def save_to_file(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(
            self,
            "Enregistrer les saisies",
            suggested_path("saisies-sans-destinataire.csv"),
            "CSV (*.csv)",
        )
        if not chosen:
            return
        remember_folder(chosen)
        path = chosen if chosen.lower().endswith(".csv") else chosen + ".csv"
        try:
            written = write_file(
                Path(path), render_offline_edits_csv(self.edits), private=True, example="x.csv"
            )
        except LbaError as exc:
            self.show_error(exc)
            return  # still on this computer
        if not self._forget():
            return
        self.settled.emit(str(written))
        self.accept()

    @Slot()
    def let_go(self) -> None:
        answer = QMessageBox.question(
            self,
            "Abandonner ces saisies",
            "Ces modifications seront définitivement effacées de cet ordinateur. Continuer ?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        if not self._forget():
            return
        self.settled.emit("")
        self.accept()

    def show_error(self, exc: LbaError) -> None:
        self.error.setText(f"{exc.message} {exc.hint}".strip())
        self.error.setVisible(True)

    def _forget(self) -> bool:
        """Remove the edits from this computer's copy; False (and said) when the copy
        cannot be rewritten now: they stay, the question comes back."""
        copy = LocalCopy(self.copy_path)
        try:
            copy.let_go(self.edits)
        except LbaError as exc:
            self.show_error(exc)
            return False
        finally:
            copy.close()
        return True
