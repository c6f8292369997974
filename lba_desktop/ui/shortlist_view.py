"""The shortlist of the current person: a table edited in place, reordering, removal, the
appointment request of a training, the map of the selection, exports and printing."""

from __future__ import annotations

import html
import logging
import tempfile
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.errors import LbaError
from lba_desktop.models import Kind
from lba_desktop.ui.backend import export_shortlist_file
from lba_desktop.ui.saved_files import remember_folder, suggested_path
from lba_desktop.ui.shortlist_model import (
    COL_COMMUNE,
    COL_DISTANCE,
    COL_KIND,
    COL_NOTE,
    COL_ORG,
    COL_POS,
    COL_RDV,
    COL_STATUS,
    COL_TITLE,
    ItemRole,
    ShortlistModel,
    StatusDelegate,
)
from lba_desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

# Format → (menu text, file filter, extension).
EXPORTS: dict[str, tuple[str, str, str]] = {
    "pdf": ("Document &PDF à remettre…", "Document PDF (*.pdf)", ".pdf"),
    "csv": ("Tableau &CSV…", "Tableau CSV (*.csv)", ".csv"),
    "xlsx": ("Classeur &Excel…", "Classeur Excel (*.xlsx)", ".xlsx"),
    "html": ("Carte &HTML…", "Page web (*.html)", ".html"),
}


class ShortlistTable(QTableView):
    """The table; rows move by drag and drop inside it (the model asks the service)."""

    def __init__(self, model: ShortlistModel) -> None:
        super().__init__()
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.SelectedClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setDragEnabled(True)
        self.setAcceptDrops(True)
        self.setDropIndicatorShown(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragDropOverwriteMode(False)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setTabKeyNavigation(False)
        self.verticalHeader().setVisible(False)
        self.setItemDelegateForColumn(COL_STATUS, StatusDelegate(self))
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The note takes the spare width: the title keeps a readable width of its own.
        header.setSectionResizeMode(COL_NOTE, QHeaderView.ResizeMode.Stretch)
        for col in (COL_POS, COL_KIND, COL_DISTANCE):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(COL_TITLE, 240)
        header.resizeSection(COL_ORG, 190)
        header.resizeSection(COL_COMMUNE, 150)
        header.resizeSection(COL_STATUS, 140)
        header.resizeSection(COL_RDV, 110)
        header.setMinimumSectionSize(36)
        self.setAccessibleName("Sélection de la personne")
        self.setToolTip(
            "Sélection : double-clic sur Statut ou Note pour les changer ; glisser une ligne "
            "pour la déplacer"
        )


def read_shortlist(
    people: Any, appointments: Any, person_id: int
) -> tuple[list[Any], dict[int, Any]]:
    """A person's lines and their latest appointment requests (also run in a worker thread)."""
    entries = people.shortlist(person_id)
    requests = appointments.latest_by_entry(person_id) if appointments else {}
    return entries, requests


class ShortlistView(QWidget):
    """Shows the shortlist of one person (or an invitation to choose one)."""

    changed = Signal()  # the shortlist changed in the database
    appointmentRequested = Signal(int)  # shortlist entry id of a training
    mapRequested = Signal(bool)  # show the selection on the map (True) or the results again
    entryActivated = Signal(object)  # the ShortlistEntry chosen in the table
    exported = Signal(str)  # path written
    failed = Signal(object)  # an LbaError to show

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.people: Any = None
        self.appointments: Any = None
        self.runner: TaskRunner | None = None
        self.person: Any = None
        self._print_file: Path | None = None

        self.model = ShortlistModel(parent=self)
        self.model.failed.connect(self._on_model_failed)
        self.model.changed.connect(self._on_model_changed)
        self.table = ShortlistTable(self.model)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(self._on_double_click)

        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setAccessibleName("Sélection affichée")
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(16)
        self.empty.setAccessibleName("Sélection vide")

        self.up_button = self._tool("Monter", "Monter la ligne (Alt+Haut)", self.move_up)
        self.up_button.setShortcut(QKeySequence("Alt+Up"))
        # Arrows alone (their names stay in the tooltip and for screen readers): with the text
        # the bar alone made the window wider than a 1366 px laptop once somebody was chosen.
        self.up_button.setArrowType(Qt.ArrowType.UpArrow)
        self.up_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.down_button = self._tool("Descendre", "Descendre la ligne (Alt+Bas)", self.move_down)
        self.down_button.setShortcut(QKeySequence("Alt+Down"))
        self.down_button.setArrowType(Qt.ArrowType.DownArrow)
        self.down_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.remove_button = self._tool(
            "Retirer", "Retirer la ligne de la sélection (Suppr)", self.remove_selected
        )
        self.rdv_button = self._tool(
            "Demander un rendez-vous…",
            "Demande de rendez-vous au CFA de la formation choisie",
            self.request_appointment,
        )
        self.map_button = self._tool(
            "Voir sur la carte",
            "Afficher la sélection sur la carte, avec les distances depuis la commune de "
            "résidence (cliquer à nouveau pour revenir aux résultats)",
            self._map_toggled,
        )
        self.map_button.setCheckable(True)
        self.export_button = QToolButton()
        self.export_button.setText("Exporter")
        self.export_button.setToolTip("Enregistrer la sélection en PDF, CSV, Excel ou carte HTML")
        self.export_button.setAccessibleName("Exporter la sélection")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.export_button)
        self.export_actions: dict[str, QAction] = {}
        for fmt, (text, _filter, _ext) in EXPORTS.items():
            action = menu.addAction(text)
            action.setData(fmt)
            action.triggered.connect(self._export_triggered)
            self.export_actions[fmt] = action
        self.export_button.setMenu(menu)
        self.print_button = self._tool(
            "Imprimer…", "Imprimer le document remis au jeune (Ctrl+P)", self.print_handout
        )
        self.print_button.setShortcut(QKeySequence.StandardKey.Print)

        remove = QAction(self)
        remove.setShortcut(QKeySequence.StandardKey.Delete)
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self.remove_selected)
        self.table.addAction(remove)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for button in (self.up_button, self.down_button, self.remove_button, self.rdv_button):
            bar.addWidget(button)
        bar.addStretch(1)
        for button in (self.map_button, self.export_button, self.print_button):
            bar.addWidget(button)
        self.bar = QWidget()
        self.bar.setLayout(bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.title)
        layout.addWidget(self.bar)
        # Either the table or the sentence that stands for it; hidden widgets take no room, so
        # the empty state is as small as its sentence.
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        self.set_person(None)

    def _tool(self, text: str, tip: str, slot: Any) -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip)
        button.setAccessibleName(text.rstrip("…"))
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.clicked.connect(slot)
        return button

    def set_services(self, *, people: Any, appointments: Any, runner: TaskRunner) -> None:
        self.people = people
        self.appointments = appointments
        self.runner = runner
        self.model.people = people

    # -- content

    def set_person(
        self, person: Any, *, rows: tuple[list[Any], dict[int, Any]] | None = None
    ) -> None:
        self.person = person
        # The map keeps showing the selection of whoever is chosen (the same person read
        # again after a change, or another one): the button says so until nobody is chosen.
        if person is None:
            self.map_button.setChecked(False)
        self.reload(rows=rows)

    def reload(self, *, rows: tuple[list[Any], dict[int, Any]] | None = None) -> None:
        """Read the shortlist and its appointment statuses again, keeping the selected line;
        `rows` when a worker thread already read them (`read_shortlist`)."""
        chosen = self.selected_entry()
        person = self.person
        # Nobody chosen: one line says what appears here; no buttons that could do nothing.
        self.bar.setVisible(person is not None)
        self.empty.setAlignment(
            Qt.AlignmentFlag.AlignCenter if person is not None else Qt.AlignmentFlag.AlignLeft
        )
        self.empty.setMargin(16 if person is not None else 0)
        self.empty.setWordWrap(person is not None)  # one line high when nobody is chosen
        if person is None or self.people is None:
            self.model.set_rows([], {})
            self.title.setText("<b>Sélection</b>")
            self._show_empty("Choisissez ou créez une personne : sa sélection s'affiche ici.")
            self._update_buttons()
            return
        entries, requests = (
            rows if rows is not None else read_shortlist(self.people, self.appointments, person.id)
        )
        self.model.set_rows(entries, requests)
        home = f" — domicile : {html.escape(person.home_label)}" if person.home_label else ""
        gone = sum(1 for e in entries if not e.available)
        pairs = sum(1 for e in entries if e.paired_training_entry_id is not None)
        self.title.setText(
            f"<b>Sélection de {html.escape(person.display_name)}</b> — "
            f"{len(entries)} élément{'s' if len(entries) > 1 else ''}"
            + (f" dont {pairs} parcours" if pairs else "")
            + home
            + (f" — <i>{gone} n'est plus disponible</i>" if gone == 1 else "")
            + (f" — <i>{gone} ne sont plus disponibles</i>" if gone > 1 else "")
        )
        if entries:
            self.empty.hide()
            self.table.show()
        else:
            self._show_empty(
                f"La sélection de {person.first_name} est vide.\n\nDans les résultats, "
                "choisissez une ligne puis Ctrl+D (ou clic droit → « Ajouter à la sélection »), "
                "ou utilisez le bouton du panneau de détails ou le lien d'un point de la carte."
            )
        if chosen is not None:
            self.select_entry(chosen.id)
        self._update_buttons()
        if self.map_button.isChecked():
            self.mapRequested.emit(True)

    def _show_empty(self, text: str) -> None:
        self.empty.setText(text)
        self.table.hide()
        self.empty.show()

    def item_keys(self) -> set[str]:
        return {f"{e.kind.value}:{e.item_id}" for e in self.model.entries()}

    def selected_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def selected_entry(self) -> Any:
        return self.model.entry(self.selected_row())

    def selected_line(self) -> Any:
        return self.model.line(self.selected_row())

    def select_entry(self, entry_id: int) -> bool:
        row = self.model.row_of_entry(entry_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, COL_TITLE))
        return True

    def _update_buttons(self) -> None:
        entry = self.selected_entry()
        row = self.selected_row()
        count = self.model.rowCount()
        has_person = self.person is not None
        self.up_button.setEnabled(entry is not None and row > 0)
        self.down_button.setEnabled(entry is not None and row < count - 1)
        self.remove_button.setEnabled(entry is not None)
        self.rdv_button.setEnabled(entry is not None and entry.kind is Kind.FORMATION)
        for button in (self.map_button, self.export_button, self.print_button):
            button.setEnabled(has_person and count > 0)

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_buttons()
        entry = self.selected_entry()
        if entry is not None:
            self.entryActivated.emit(entry)

    @Slot(QModelIndex)
    def _on_double_click(self, index: QModelIndex) -> None:
        # Status and note open their editors; the appointment column opens the request form.
        if index.column() == COL_RDV:
            entry = index.data(ItemRole)
            if entry is not None and entry.kind is Kind.FORMATION:
                self.appointmentRequested.emit(entry.id)

    @Slot(object)
    def _on_model_failed(self, exc: LbaError) -> None:
        self.failed.emit(exc)

    @Slot()
    def _on_model_changed(self) -> None:
        self._update_buttons()
        self.changed.emit()

    # -- actions

    @Slot()
    def move_up(self) -> None:
        self._move(-1)

    @Slot()
    def move_down(self) -> None:
        self._move(+1)

    def _move(self, step: int) -> None:
        row = self.selected_row()
        if row < 0:
            return
        if self.model.move_row(row, row + step):
            self.table.selectRow(row + step)
            self.table.setFocus()

    @Slot()
    def remove_selected(self) -> None:
        line = self.selected_line()
        if line is None or self.people is None:
            return
        row = self.selected_row()
        try:
            # A parcours goes as one: its employer, and its training unless shared.
            self.people.remove_line(line)
        except LbaError as exc:
            self.failed.emit(exc)
            return
        self.reload()
        if self.model.rowCount():
            self.table.selectRow(min(row, self.model.rowCount() - 1))
        self.changed.emit()

    @Slot()
    def request_appointment(self) -> None:
        entry = self.selected_entry()
        if entry is not None and entry.kind is Kind.FORMATION:
            self.appointmentRequested.emit(entry.id)

    @Slot(bool)
    def _map_toggled(self, checked: bool) -> None:
        self.mapRequested.emit(checked)

    @Slot()
    def _export_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.export(str(action.data()))

    def default_file(self, fmt: str) -> str:
        """In Documents (then the folder used last), named after the person's number, not
        their name: a folder listing reveals nothing."""
        number = self.person.id if self.person is not None else 0
        return suggested_path(f"selection-personne-{number}{EXPORTS[fmt][2]}")

    def export(self, fmt: str) -> None:
        """Ask where, then write the file in the task runner."""
        if self.person is None or self.runner is None:
            return
        _text, file_filter, ext = EXPORTS[fmt]
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Exporter la sélection", self.default_file(fmt), file_filter
        )
        if not chosen:
            return
        remember_folder(chosen)
        path = chosen if chosen.lower().endswith(ext) else chosen + ext
        self.runner.start(
            export_shortlist_file,
            self.people,
            self.person.id,
            fmt,
            path,
            succeeded=self._on_exported,
            failed=self._on_task_failed,
        )

    @Slot(object)
    def _on_exported(self, path: str) -> None:
        self.exported.emit(path)

    @Slot(object)
    def _on_task_failed(self, exc: Exception) -> None:
        self.failed.emit(
            exc if isinstance(exc, LbaError) else LbaError("L'export n'a pas pu être écrit.")
        )

    @Slot()
    def print_handout(self) -> None:
        """Print exactly the PDF handed to the young person: written in the runner, then
        rendered page by page through QtPdf into the printer the counsellor chooses."""
        if self.person is None or self.runner is None:
            return
        folder = Path(tempfile.mkdtemp(prefix="lba-impression-"))
        self._print_file = folder / f"selection-personne-{self.person.id}.pdf"
        self.runner.start(
            export_shortlist_file,
            self.people,
            self.person.id,
            "pdf",
            str(self._print_file),
            succeeded=self._on_print_ready,
            failed=self._on_task_failed,
        )

    @Slot(object)
    def _on_print_ready(self, path: str) -> None:
        try:
            print_pdf(self, Path(path), title=f"Sélection de {self.person.display_name}")
        except LbaError as exc:
            self.failed.emit(exc)
        finally:
            Path(path).unlink(missing_ok=True)


def print_pdf(parent: QWidget, path: Path, *, title: str) -> bool:
    """The system print dialog, then each PDF page drawn at the printer's resolution.

    QtPdf renders the very file handed out (same layout, map and QR codes); an HTML
    re-rendering through QTextDocument would be a second, diverging layout to maintain."""
    try:
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    except ImportError as exc:
        raise LbaError(
            "L'impression n'est pas disponible sur cet ordinateur.",
            hint="Exportez le PDF et imprimez-le depuis votre lecteur de PDF.",
        ) from exc
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QPainter

    document = QPdfDocument(parent)
    document.load(str(path))
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() == 0:
        raise LbaError("Le document à imprimer n'a pas pu être préparé.")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Imprimer la sélection")
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    painter = QPainter()
    if not painter.begin(printer):
        raise LbaError("L'imprimante n'a pas pu être ouverte.", hint="Vérifiez l'imprimante.")
    try:
        dpi = printer.resolution()
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
            image = document.render(page, size)
            target = painter.viewport()
            scaled = size.scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(
                0,
                0,
                image.scaled(
                    scaled,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                ),
            )
    finally:
        painter.end()
        document.close()
    return True
