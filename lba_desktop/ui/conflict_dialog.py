"""Two versions of one shortlist line: who changed what, the counsellor's version and the
colleague's side by side, and the choice of the one to keep."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.people import ShortlistStatus
from lba_desktop.people.conflicts import ENTRY_LABELS_FR, EditConflict

MINE, THEIRS = "mine", "theirs"


def shown_value(key: str, value: Any) -> str:
    """A field as the counsellor reads it (a status by its French name, an empty note said)."""
    if key == "status":
        try:
            return ShortlistStatus(value).label_fr
        except ValueError:
            return str(value)
    text = str(value or "").strip()
    return text or "(vide)"


def _cell(text: str, *, bold: bool = False) -> QLabel:
    # Plain text: a note is shown as typed, never read as HTML.
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setFrameShape(QFrame.Shape.StyledPanel)
    label.setMinimumWidth(220)
    label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


class ConflictDialog(QDialog):
    """Emits `decided` with MINE or THEIRS; closing it (« Décider plus tard ») decides
    nothing, and the typed version stays kept."""

    decided = Signal(str)

    def __init__(
        self,
        conflict: EditConflict,
        *,
        mine_title: str = "Votre version",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setWindowTitle("Deux versions de la même piste")
        self.setMinimumWidth(620)
        message = QLabel(conflict.message)
        message.setTextFormat(Qt.TextFormat.PlainText)
        message.setWordWrap(True)
        question = QLabel("Laquelle garder ?")

        grid = QGridLayout()
        grid.addWidget(_cell(mine_title, bold=True), 0, 1)
        colleague = conflict.by or "l'autre conseiller"
        grid.addWidget(_cell(f"Version de {colleague}", bold=True), 0, 2)
        for row, (key, mine) in enumerate(conflict.mine.items(), start=1):
            theirs = getattr(conflict.theirs, key, "")
            grid.addWidget(QLabel(ENTRY_LABELS_FR.get(key, key).capitalize() + " :"), row, 0)
            grid.addWidget(_cell(shown_value(key, mine)), row, 1)
            grid.addWidget(_cell(shown_value(key, theirs)), row, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)

        buttons = QDialogButtonBox()
        self.mine_button = QPushButton("Garder la &mienne")
        self.theirs_button = QPushButton(f"Garder celle de {colleague}")
        self.later_button = QPushButton("Décider &plus tard")
        buttons.addButton(self.mine_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.theirs_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.mine_button.clicked.connect(self._keep_mine)
        self.theirs_button.clicked.connect(self._keep_theirs)
        self.later_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addLayout(grid)
        layout.addWidget(question)
        layout.addWidget(buttons)

    @Slot()
    def _keep_mine(self) -> None:
        self.decided.emit(MINE)
        self.accept()

    @Slot()
    def _keep_theirs(self) -> None:
        self.decided.emit(THEIRS)
        self.accept()
