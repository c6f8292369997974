"""Where exports and hand-overs are saved and what the counsellor is told after: the first
save goes to the Documents folder, later ones to the folder used last; success is a message
with « Ouvrir » and « Afficher dans le dossier », not a status-bar line that fades."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from lba_desktop import paths

LAST_FOLDER_KEY = "exports/dernier_dossier"


def _state() -> QSettings:
    # Window state, like the geometry (DESIGN §4: QSettings only for the window's own state).
    return QSettings(str(paths.data_root() / "fenetre.ini"), QSettings.Format.IniFormat)


def documents_folder() -> Path:
    """The user's Documents folder (the home folder where a system has none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found else Path.home()


def save_folder() -> Path:
    """The folder the last save went to when it still exists, else Documents."""
    last = _state().value(LAST_FOLDER_KEY)
    if isinstance(last, str) and last and Path(last).is_dir():
        return Path(last)
    return documents_folder()


def suggested_path(file_name: str) -> str:
    return str(save_folder() / file_name)


def remember_folder(chosen: str | Path) -> None:
    """Called with what the counsellor chose (a file or a folder)."""
    path = Path(chosen)
    folder = path if path.is_dir() else path.parent
    _state().setValue(LAST_FOLDER_KEY, str(folder))


class SavedMessage(QMessageBox):
    """The success message: where the file is, and the two next steps."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        path: str | Path,
        *,
        what: str,
        others: tuple[str, ...] = (),
    ) -> None:
        self.path = Path(path)
        super().__init__(
            QMessageBox.Icon.Information, title, f"{what} :\n{self.path}", parent=parent
        )
        self.setObjectName("savedMessage")
        if others:
            names = ", ".join(Path(other).name for other in others)
            self.setInformativeText(f"Dans le même dossier : {names}")
        self.open_button = self.addButton("Ouvrir", QMessageBox.ButtonRole.ActionRole)
        self.open_button.setToolTip("Ouvrir le fichier avec le programme habituel")
        self.open_button.clicked.connect(self.open_file)
        self.folder_button = self.addButton(
            "Afficher dans le dossier", QMessageBox.ButtonRole.ActionRole
        )
        self.folder_button.setToolTip(f"Ouvrir le dossier {self.path.parent}")
        self.folder_button.clicked.connect(self.open_folder)
        self.addButton(QMessageBox.StandardButton.Close)

    @Slot()
    def open_file(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path)))

    @Slot()
    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.path.parent)))


def tell_saved(
    parent: QWidget, title: str, path: str | Path, *, what: str, others: tuple[str, ...] = ()
) -> SavedMessage:
    """Show the success message, window-modal but not blocking (`open`): a task finishing
    behind it is never held up."""
    box = SavedMessage(parent, title, path, what=what, others=others)
    box.open()
    return box
