"""« Rapport d'activité » (menu Suivi): the journal of a period, for one counsellor or all, as
CSV or PDF, to re-key into the structure's information system; written off the window thread."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.errors import LbaError
from lba_desktop.exports.journal_export import render_journal_report
from lba_desktop.files import write_file
from lba_desktop.ui.person_dialog import error_label
from lba_desktop.ui.saved_files import remember_folder, suggested_path

FORMATS = {
    "pdf": ("PDF (à imprimer ou archiver)", "PDF (*.pdf)"),
    "csv": ("CSV (tableur)", "CSV (*.csv)"),
}
PERIODS = ("Le mois dernier", "Ce mois-ci", "Les 30 derniers jours", "Autre période")


def period_of(choice: int, today: date) -> tuple[date, date] | None:
    """The dates a preset stands for (None: the counsellor sets them)."""
    first = today.replace(day=1)
    if choice == 0:
        end = first - timedelta(days=1)
        return end.replace(day=1), end
    if choice == 1:
        return first, today
    if choice == 2:
        return today - timedelta(days=30), today
    return None


def write_journal_report(people: Any, path: str, **options: Any) -> tuple[str, int]:
    """Task: the report's file, and how many events it holds."""
    data, count = render_journal_report(people, **options)
    fmt = options.get("fmt", "csv")
    written = write_file(Path(path), data, private=True, example=f"rapport.{fmt}")
    return str(written), count


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class JournalReportDialog(QDialog):
    """Period, counsellor, format; « Exporter… » asks where, then writes in the runner. The
    dialog stays open on an error, with the choices as they were."""

    exported = Signal(str, int)  # path, number of events

    def __init__(
        self, people: Any, runner: Any, *, today: date | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.people = people
        self.runner = runner
        self.today = today or date.today()
        self.setWindowTitle("Rapport d'activité du suivi")
        self.setAccessibleName(self.windowTitle())
        self.setMinimumWidth(460)

        self.period = QComboBox()
        self.period.addItems(PERIODS)
        self.period.setAccessibleName("Période")
        self.start = QDateEdit(calendarPopup=True)
        self.end = QDateEdit(calendarPopup=True)
        for edit, name in ((self.start, "Premier jour"), (self.end, "Dernier jour")):
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setMaximumDate(_qdate(self.today))
            edit.setAccessibleName(name)
            edit.dateChanged.connect(self._dates_edited)
        dates = QHBoxLayout()
        dates.addWidget(QLabel("du"))
        dates.addWidget(self.start)
        dates.addWidget(QLabel("au"))
        dates.addWidget(self.end)
        dates.addStretch(1)

        self.counsellor = QComboBox()
        self.counsellor.setAccessibleName("Conseiller")
        self.counsellor.addItem("Tous les conseillers", "")
        try:
            names = people.journal_counsellors()
        except LbaError:
            names = []
        for name in names:
            self.counsellor.addItem(name, name)
        mine = getattr(people, "counsellor", "")
        if mine in names:
            self.counsellor.setToolTip(f"Vous êtes « {mine} »")

        self.formats = QButtonGroup(self)
        format_row = QHBoxLayout()
        for fmt, (label, _filter) in FORMATS.items():
            button = QRadioButton(label)
            button.setProperty("format", fmt)
            self.formats.addButton(button)
            format_row.addWidget(button)
            button.setChecked(fmt == "pdf")
        format_row.addStretch(1)

        form = QFormLayout()
        form.addRow("&Période", self.period)
        form.addRow("", dates)
        form.addRow("&Conseiller", self.counsellor)
        form.addRow("Format", format_row)
        intro = QLabel(
            "Les étapes et événements du journal de chaque jeune sur la période, avec son "
            "n° de dossier (à saisir dans la fiche du jeune), pour les reporter dans le "
            "système d'information de la structure."
        )
        intro.setWordWrap(True)
        self.error = error_label("Rapport")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = buttons.addButton("Exporter…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

        self.period.currentIndexChanged.connect(self._period_chosen)
        self._period_chosen(0)

    # -- choices

    @Slot(int)
    def _period_chosen(self, choice: int) -> None:
        dates = period_of(choice, self.today)
        if dates is None:
            return
        self._setting = True
        self.start.setDate(_qdate(dates[0]))
        self.end.setDate(_qdate(dates[1]))
        self._setting = False

    @Slot()
    def _dates_edited(self) -> None:
        if not getattr(self, "_setting", False):
            self.period.setCurrentIndex(len(PERIODS) - 1)  # « Autre période »

    def fmt(self) -> str:
        checked = self.formats.checkedButton()
        return str(checked.property("format")) if checked is not None else "pdf"

    def choices(self) -> dict[str, Any]:
        return {
            "start": self.start.date().toPython(),
            "end": self.end.date().toPython(),
            "counsellor": str(self.counsellor.currentData() or ""),
            "fmt": self.fmt(),
        }

    def default_file(self) -> str:
        c = self.choices()
        return suggested_path(f"rapport-suivi-{c['start']:%Y%m%d}-{c['end']:%Y%m%d}.{c['fmt']}")

    # -- export

    @Slot()
    def export(self) -> None:
        self.error.setVisible(False)
        options = self.choices()
        if options["start"] > options["end"]:
            self._show_error("La période commence après sa fin : vérifiez les deux dates.")
            return
        _label, file_filter = FORMATS[options["fmt"]]
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Enregistrer le rapport", self.default_file(), file_filter
        )
        if not chosen:
            return
        remember_folder(chosen)
        ext = f".{options['fmt']}"
        path = chosen if chosen.lower().endswith(ext) else chosen + ext
        self.export_button.setEnabled(False)
        self.runner.start(
            write_journal_report,
            self.people,
            path,
            **options,
            succeeded=self._on_written,
            failed=self._on_failed,
        )

    @Slot(object)
    def _on_written(self, result: tuple[str, int]) -> None:
        self.export_button.setEnabled(True)
        path, count = result
        self.exported.emit(path, count)

    @Slot(object)
    def _on_failed(self, exc: Exception) -> None:
        self.export_button.setEnabled(True)
        if isinstance(exc, LbaError):
            self._show_error(f"{exc.message} {exc.hint}".strip())
        else:
            self._show_error("Le rapport n'a pas pu être écrit.")

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)
