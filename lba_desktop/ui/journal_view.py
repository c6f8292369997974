"""A young person's journal as a timeline (newest first, a day per heading), and the form to
record a step (entretien, atelier, candidature, immersion) with its date and note."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.errors import LbaError
from lba_desktop.people.journal import STEP_KINDS

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def day_fr(day: date) -> str:
    return f"{day.day} {MONTHS_FR[day.month - 1]} {day.year}"


class JournalDialog(QDialog):
    """The timeline of one person; `stepRecorded` once a step is saved."""

    stepRecorded = Signal()

    def __init__(self, people: Any, person: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.people = people
        self.person = person
        self.setWindowTitle(f"Journal de {person.display_name}")
        self.resize(760, 520)

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Date / étape", "Détail", "Conseiller"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Journal daté")
        self.tree.setColumnWidth(0, 240)
        self.tree.setColumnWidth(1, 360)
        self.empty = QLabel("Rien n'est encore noté au journal.")

        self.kind = QComboBox()
        for kind in STEP_KINDS:
            self.kind.addItem(kind.label_fr, kind.value)
        self.day = QDateEdit(QDate.currentDate())
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("dd/MM/yyyy")
        self.day.setMaximumDate(QDate.currentDate())
        self.note = QLineEdit()
        self.note.setPlaceholderText("note (facultative)")
        self.note.setAccessibleName("Note de l'étape")
        self.add_button = QPushButton("&Noter l'étape")
        self.add_button.clicked.connect(self.record)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setVisible(False)
        form = QHBoxLayout()
        form.addWidget(self.kind)
        form.addWidget(self.day)
        form.addWidget(self.note, 1)
        form.addWidget(self.add_button)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)
        layout.addWidget(QLabel("Noter une étape :"))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        try:
            events = self.people.journal(self.person.id)
        except LbaError as exc:
            self._say(f"{exc.message} {exc.hint}".strip())
            return
        self.tree.clear()
        newest_first = sorted(events, key=lambda e: (e.happened_on, e.id), reverse=True)
        for day, same_day in groupby(newest_first, key=lambda e: e.happened_on):
            heading = QTreeWidgetItem([day_fr(day), "", ""])
            font = heading.font(0)
            font.setBold(True)
            heading.setFont(0, font)
            heading.setFirstColumnSpanned(True)
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(heading)
            for event in same_day:
                detail = " — ".join(p for p in (event.summary, event.note) if p)
                line = QTreeWidgetItem([f"    {event.label_fr}", detail, event.counsellor])
                if event.kind.is_step:
                    step_font = line.font(0)
                    step_font.setBold(True)
                    line.setFont(0, step_font)
                line.setToolTip(1, detail)
                self.tree.addTopLevelItem(line)
        self.empty.setVisible(not events)

    @Slot()
    def record(self) -> None:
        picked = self.day.date()
        try:
            self.people.record_step(
                self.person.id,
                self.kind.currentData(),
                on=date(picked.year(), picked.month(), picked.day()),
                note=self.note.text(),
            )
        except LbaError as exc:
            self._say(f"{exc.message} {exc.hint}".strip())  # what was typed stays in the form
            return
        self.error.setVisible(False)
        self.note.clear()
        self.reload()
        self.stepRecorded.emit()

    def _say(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)
