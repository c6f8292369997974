"""The table model of one person's shortlist: status and note edited in place through the
people service, rows reordered by the service (buttons or drag and drop), appointment status.
A « parcours » (training + employer) is one row, with a status for each side."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QStyledItemDelegate,
    QWidget,
)

from lba_desktop.errors import LbaError
from lba_desktop.map_page import marker_key
from lba_desktop.models import Kind
from lba_desktop.people import (
    STATUS_LABELS_FR,
    ShortlistEntry,
    ShortlistLine,
    ShortlistStatus,
    shortlist_lines,
)
from lba_desktop.people.conflicts import EditConflict
from lba_desktop.people.pairs import PARCOURS_FR, flatten
from lba_desktop.ui.look import kind_icon, km
from lba_desktop.ui.table_model import ListTableModel

(
    COL_POS,
    COL_KIND,
    COL_TITLE,
    COL_ORG,
    COL_COMMUNE,
    COL_DISTANCE,
    COL_STATUS,
    COL_NOTE,
    COL_RDV,
) = range(9)
HEADERS = (
    "N°",
    "Type",
    "Intitulé",
    "Organisme / entreprise",
    "Commune",
    "Distance",
    "Statut",
    "Note",
    "Rendez-vous",
)
HEADER_TIPS = (
    "Ordre de la sélection (celui du document remis au jeune)",
    "Formation, offre d'emploi, entreprise ou partenariat",
    "Intitulé de la formation ou du poste",
    "CFA, organisme de formation ou entreprise",
    "Commune du lieu de formation ou de travail",
    "Distance à vol d'oiseau depuis la commune de résidence",
    "Où en est le jeune (double-clic ou F2 pour changer)",
    "Note du conseiller (double-clic ou F2 pour écrire)",
    "Demande de rendez-vous au CFA (formations)",
)
MIME_TYPE = "application/x-lba-shortlist-row"

SortRole = Qt.ItemDataRole.UserRole + 1
ItemRole = Qt.ItemDataRole.UserRole + 2  # the ShortlistEntry (a parcours: its training)
LineRole = Qt.ItemDataRole.UserRole + 6  # the ShortlistLine
KeyRole = Qt.ItemDataRole.UserRole + 4  # "kind:id", shared with the map markers
StatusRole = Qt.ItemDataRole.UserRole + 5  # the ShortlistStatus of the row

Index = QModelIndex | QPersistentModelIndex


class ShortlistModel(ListTableModel):
    """Rows are the entries of one person, in their shortlist order. Edits go to the service
    at once (nothing waits for a "save"); a refused edit is reported through `failed`."""

    HEADERS = HEADERS
    HEADER_TIPS = HEADER_TIPS

    failed = Signal(object)  # the LbaError of a refused edit or move
    changed = Signal()  # an entry changed in the database (counts, last activity…)

    def __init__(self, people: Any = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.people = people
        self._requests: dict[int, Any] = {}  # entry id → latest AppointmentRequest
        self._numbers: dict[int, int] = {}  # entry id → its number in the exports

    # -- content

    def set_rows(self, entries: Sequence[ShortlistEntry], requests: dict[int, Any]) -> None:
        self.beginResetModel()
        self._set_lines(shortlist_lines(entries))
        self._requests = dict(requests)
        self.endResetModel()

    def _set_lines(self, lines: list[ShortlistLine]) -> None:
        self._rows = lines
        # Numbered as the exports number them: a parcours takes two numbers (« 3–4 »).
        self._numbers = {e.id: n for n, e in enumerate(flatten(lines), 1)}

    def entries(self) -> tuple[ShortlistEntry, ...]:
        """Every entry shown (a parcours' two sides), each once."""
        return flatten(self._rows)

    def lines(self) -> tuple[ShortlistLine, ...]:
        return tuple(self._rows)

    def line(self, row: int) -> ShortlistLine | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def entry(self, row: int) -> ShortlistEntry | None:
        line = self.line(row)
        return line.entry if line is not None else None

    def request_of(self, entry_id: int) -> Any:
        return self._requests.get(entry_id)

    def row_of_entry(self, entry_id: int) -> int:
        return next(
            (r for r, line in enumerate(self._rows) if entry_id in {e.id for e in line.entries}),
            -1,
        )

    def move_row(self, source: int, target: int) -> bool:
        """Put row `source` at row `target` (0-based) through the service."""
        entry = self.entry(source)
        target = max(0, min(target, len(self._rows) - 1))
        there = self.entry(target)
        if entry is None or there is None or self.people is None or target == source:
            return False
        try:
            # Positions count every entry, a parcours' employer too: the row's training
            # takes the place of the training (or entry) shown on the target row.
            reordered = self.people.move(entry.id, there.position)
        except LbaError as exc:
            self.failed.emit(exc)
            return False
        lines = shortlist_lines(reordered)
        if any(line.is_pair for line in lines):
            # A training shared by two parcours moves both rows: told as a new list.
            self.beginResetModel()
            self._set_lines(lines)
            self.endResetModel()
            self.changed.emit()
            return True
        # Qt counts the destination before the move: one further down when moving down.
        dest = target + 1 if target > source else target
        self.beginMoveRows(QModelIndex(), source, source, QModelIndex(), dest)
        self._set_lines(lines)
        self.endMoveRows()
        self.dataChanged.emit(self.index(0, COL_POS), self.index(len(self._rows) - 1, COL_POS))
        self.changed.emit()
        return True

    # -- QAbstractTableModel

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if not index.isValid():
            return base | Qt.ItemFlag.ItemIsDropEnabled
        base |= Qt.ItemFlag.ItemIsDragEnabled
        if index.column() in (COL_STATUS, COL_NOTE):
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        line = self.line(index.row()) if index.isValid() else None
        if line is None:
            return None
        entry = line.entry
        col = index.column()
        if col == COL_POS and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            return "–".join(str(self._numbers.get(e.id, "")) for e in line.entries)
        if line.employer is not None and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.AccessibleTextRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.EditRole,
        ):
            return self._pair_data(line, col, role)
        if role == LineRole:
            return line
        if role == ItemRole:
            return entry
        if role == KeyRole:
            return marker_key(entry.kind, entry.item_id)
        if role == StatusRole:
            return entry.status
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(entry, col)
        if role == Qt.ItemDataRole.EditRole:
            return entry.status.value if col == COL_STATUS else entry.note
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(entry, col)
        if role == SortRole:
            return entry.position
        if role == Qt.ItemDataRole.DecorationRole and col == COL_KIND:
            return kind_icon(entry.kind)
        if role == Qt.ItemDataRole.ForegroundRole and not line.available:
            # Greyed like a disabled line: still readable, clearly not current.
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        if role == Qt.ItemDataRole.FontRole and not line.available and col == COL_TITLE:
            font = QApplication.font()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_POS, COL_DISTANCE):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, entry: ShortlistEntry, col: int) -> str:
        if col == COL_POS:
            return str(entry.position + 1)
        if col == COL_KIND:
            return entry.kind.label_fr
        if col == COL_TITLE:
            return entry.title + (f" — {entry.availability_fr}" if not entry.available else "")
        if col == COL_ORG:
            return entry.organisation
        if col == COL_COMMUNE:
            return f"{entry.commune} ({entry.departement})" if entry.departement else entry.commune
        if col == COL_DISTANCE:
            return km(entry.distance_km)
        if col == COL_STATUS:
            return entry.status.label_fr
        if col == COL_NOTE:
            return " ".join(entry.note.split())  # one line in the table, full text in the tip
        if col == COL_RDV:
            request = self._requests.get(entry.id)
            if request is not None:
                return str(request.status.label_fr)
            return "—" if entry.kind is Kind.FORMATION else ""
        return ""

    def _tooltip(self, entry: ShortlistEntry, col: int) -> str | None:
        if not entry.available:
            return (
                "Cet élément n'est plus dans le catalogue depuis la dernière mise à jour : "
                "il n'est plus disponible. Ses informations sont celles du jour de l'ajout."
            )
        if col == COL_STATUS:
            return f"{entry.status.label_fr} — {entry.status.next_step_fr}"
        if col == COL_NOTE:
            return entry.note or "Double-cliquez pour écrire une note"
        if col == COL_RDV:
            request = self._requests.get(entry.id)
            if request is not None:
                return str(request.status_detail_fr)
            if entry.kind is Kind.FORMATION:
                return "Aucune demande de rendez-vous pour cette formation"
            return None
        if col == COL_DISTANCE and entry.distance_km is None:
            return "Distance inconnue : pas de commune de résidence ou lieu sans coordonnées"
        return self._display(entry, col) or None

    def _pair_data(self, line: ShortlistLine, col: int, role: int) -> Any:
        """A parcours' row: both sides in each column, « formation » first."""
        training, employer = line.entry, line.employer
        assert employer is not None
        if role == Qt.ItemDataRole.EditRole:
            if col == COL_STATUS:
                return (training.status.value, employer.status.value)
            return training.note if col == COL_NOTE else None
        if col == COL_KIND:
            return PARCOURS_FR
        if col == COL_TITLE:
            text = f"{training.title} + {employer.title}"
            gone = [e.title for e in line.entries if not e.available]
            return text + (f" — {', '.join(gone)} n'est plus disponible" if gone else "")
        if col == COL_ORG:
            return f"{training.organisation} + {employer.organisation or employer.title}"
        if col == COL_COMMUNE:
            return f"{training.commune} + {employer.commune}".strip(" +")
        if col == COL_DISTANCE:
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    f"Domicile → formation : {km(training.distance_km) or 'inconnue'} ; "
                    f"domicile → employeur : {km(employer.distance_km) or 'inconnue'} ; "
                    f"employeur ↔ formation : {km(line.employer_to_training_km) or 'inconnue'}"
                )
            return km(line.travel_km)
        if col == COL_STATUS:
            if role == Qt.ItemDataRole.ToolTipRole:
                return (
                    f"Formation : {training.status.label_fr} — {training.status.next_step_fr}\n"
                    f"Employeur : {employer.status.label_fr} — {employer.status.next_step_fr}\n"
                    "Double-clic ou F2 pour changer l'un ou l'autre"
                )
            return f"F : {training.status.label_fr} · E : {employer.status.label_fr}"
        if role == Qt.ItemDataRole.ToolTipRole and col not in (COL_NOTE, COL_RDV):
            return self._pair_data(line, col, Qt.ItemDataRole.DisplayRole) or None
        return (self._tooltip if role == Qt.ItemDataRole.ToolTipRole else self._display)(
            training, col
        )

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        line = self.line(index.row()) if index.isValid() else None
        if line is None or role != Qt.ItemDataRole.EditRole or self.people is None:
            return False
        entry = line.entry
        if line.employer is not None and index.column() == COL_STATUS:
            return self._set_pair_status(index.row(), line, value)
        try:
            if index.column() == COL_STATUS:
                if ShortlistStatus(value) is entry.status:
                    return True
                updated = self.people.set_status(entry.id, value, base=entry)
            elif index.column() == COL_NOTE:
                if str(value).strip() == entry.note:
                    return True
                updated = self.people.set_note(entry.id, str(value), base=entry)
            else:
                return False
        except EditConflict as exc:
            # Show the colleague's version in the row and say who changed it: a new edit
            # then starts from it.
            self._rows[index.row()] = self._replaced(line, exc.theirs)
            last = len(HEADERS) - 1
            self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), last))
            self.failed.emit(exc)
            return False
        except (LbaError, ValueError) as exc:
            self.failed.emit(exc if isinstance(exc, LbaError) else LbaError(str(exc)))
            return False
        self._rows[index.row()] = self._replaced(line, updated)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(HEADERS) - 1))
        self.changed.emit()
        return True

    @staticmethod
    def _replaced(line: ShortlistLine, entry: ShortlistEntry) -> ShortlistLine:
        if line.employer is not None and entry.id == line.employer.id:
            return ShortlistLine(line.entry, entry)
        return ShortlistLine(entry, line.employer)

    def _set_pair_status(self, row: int, line: ShortlistLine, value: Any) -> bool:
        """(training status, employer status): each side written when it changed."""
        assert self.people is not None
        last = len(HEADERS) - 1
        try:
            wanted = [ShortlistStatus(v) for v in value]
            for entry, status in zip(line.entries, wanted, strict=True):
                if status is not entry.status:
                    updated = self.people.set_status(entry.id, status, base=entry)
                    line = self._replaced(line, updated)
        except EditConflict as exc:
            self._rows[row] = self._replaced(line, exc.theirs)
            self.dataChanged.emit(self.index(row, 0), self.index(row, last))
            self.failed.emit(exc)
            return False
        except (LbaError, ValueError, TypeError) as exc:
            self.failed.emit(exc if isinstance(exc, LbaError) else LbaError(str(exc)))
            return False
        self._rows[row] = line
        self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        self.changed.emit()
        return True

    # -- drag and drop inside the table (the service does the reordering)

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            data.setData(MIME_TYPE, QByteArray(str(rows[0]).encode()))
        return data

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        return data.hasFormat(MIME_TYPE) and action == Qt.DropAction.MoveAction

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index
    ) -> bool:
        if not self.canDropMimeData(data, action, row, column, parent):
            return False
        source = int(bytes(data.data(MIME_TYPE).data()).decode() or -1)
        if row < 0:  # dropped on a row, not between two: take that row's place
            row = parent.row() if parent.isValid() else len(self._rows)
        target = row - 1 if row > source else row
        self.move_row(source, target)
        # False: the move is done; the view must not remove the "dragged" row afterwards.
        return False


class StatusDelegate(QStyledItemDelegate):
    """A combo of the seven statuses, opened in place on the status column; on a parcours'
    row, two combos side by side (the training's, the employer's)."""

    def createEditor(self, parent: QWidget, option: Any, index: Index) -> QWidget:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(value, tuple):
            pair = QWidget(parent)
            pair.setAutoFillBackground(True)
            row = QHBoxLayout(pair)
            row.setContentsMargins(0, 0, 0, 0)
            row.setSpacing(2)
            for side, tip in (("Formation", "à la formation"), ("Employeur", "à l'employeur")):
                combo = self._combo(pair, f"Statut {tip}")
                combo.setAccessibleName(f"Statut : {side.lower()}")
                combo.setObjectName(f"statut{side}")
                row.addWidget(combo)
            return pair
        return self._combo(parent, "Où en est le jeune avec cet élément")

    def _combo(self, parent: QWidget, tip: str) -> QComboBox:
        combo = QComboBox(parent)
        combo.setAccessibleName("Statut")
        combo.setToolTip(tip)
        for status, label in STATUS_LABELS_FR.items():
            combo.addItem(label, status.value)
        combo.activated.connect(self._commit)
        return combo

    def updateEditorGeometry(self, editor: QWidget, option: Any, index: Index) -> None:
        rect = option.rect
        if not isinstance(editor, QComboBox):
            # Two combos need more than the column: as wide as both labels, over the next cells.
            rect = rect.adjusted(0, 0, max(0, editor.sizeHint().width() - rect.width()), 0)
        editor.setGeometry(rect)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        combos = self._combos(editor)
        values = value if isinstance(value, tuple) else (value,)
        for combo, current in zip(combos, values, strict=False):
            combo.setCurrentIndex(max(0, combo.findData(current)))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:
        combos = self._combos(editor)
        if len(combos) == 1:
            model.setData(index, combos[0].currentData(), Qt.ItemDataRole.EditRole)
        else:
            model.setData(index, tuple(c.currentData() for c in combos), Qt.ItemDataRole.EditRole)

    @staticmethod
    def _combos(editor: QWidget) -> list[QComboBox]:
        if isinstance(editor, QComboBox):
            return [editor]
        return editor.findChildren(QComboBox)

    def _commit(self, _index: int) -> None:
        # Choosing a line is the whole edit: write it and close, as a counsellor expects.
        combo = self.sender()
        if not isinstance(combo, QWidget):
            return
        parent = combo.parentWidget()
        editor = combo if isinstance(combo, QComboBox) and not self._in_pair(combo) else parent
        if isinstance(editor, QWidget):
            self.commitData.emit(editor)
            self.closeEditor.emit(editor)

    @staticmethod
    def _in_pair(combo: QWidget) -> bool:
        return combo.objectName().startswith("statut")
