"""The young people a counsellor follows: a searchable list (items, last activity), create,
edit, erase for good, export of everything stored, and the inactivity purge proposal."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QDate,
    QItemSelection,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.ui.table_model import ListTableModel

COL_NAME, COL_COUNT, COL_ACTIVITY = range(3)
HEADERS = ("Personne", "Éléments", "Dernière activité")
HEADER_TIPS = (
    "Prénom (ou pseudonyme) et nom",
    "Nombre d'éléments dans sa sélection",
    "Dernière modification de sa fiche ou de sa sélection",
)
NOBODY_YET = "Aucun jeune suivi pour l'instant."
SortRole = Qt.ItemDataRole.UserRole + 1
ItemRole = Qt.ItemDataRole.UserRole + 2  # the Person

Index = QModelIndex | QPersistentModelIndex


def activity_fr(person: Any) -> str:
    moment = person.last_activity_at
    if moment is None:
        return ""
    local = moment.astimezone()
    return QLocale().toString(
        QDate(local.year, local.month, local.day), QLocale.FormatType.ShortFormat
    )


class PeopleModel(ListTableModel):
    """Rows are `Person` records, most recently active first (the service's order)."""

    HEADERS = HEADERS
    HEADER_TIPS = HEADER_TIPS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        # The list comes a page at a time: the view asks for the next one when scrolled to
        # the bottom (Qt's canFetchMore / fetchMore), the panel reads it.
        self.has_more = False
        self.fetch_more_rows: Callable[[], Any] | None = None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt's
        return not parent.isValid() and self.has_more and self.fetch_more_rows is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt's
        if self.canFetchMore(parent) and self.fetch_more_rows is not None:
            self.fetch_more_rows()

    def append_rows(self, rows: list[Any]) -> None:
        # Someone a colleague moved up between two pages is already listed: once is enough.
        shown = {p.id for p in self._rows}
        fresh = [p for p in rows if p.id not in shown]
        if not fresh:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        self._rows.extend(fresh)
        self.endInsertRows()

    def person(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, person_id: int) -> int:
        return next((r for r, p in enumerate(self._rows) if p.id == person_id), -1)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        person = self.person(index.row()) if index.isValid() else None
        if person is None:
            return None
        col = index.column()
        if role == ItemRole:
            return person
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if col == COL_NAME:
                return person.display_name
            if col == COL_COUNT:
                return str(person.item_count)
            return activity_fr(person)
        if role == SortRole:
            if col == COL_COUNT:
                return person.item_count
            if col == COL_ACTIVITY:
                return person.last_activity_at.isoformat() if person.last_activity_at else ""
            return person.display_name.casefold()
        if role == Qt.ItemDataRole.ToolTipRole and col == COL_NAME:
            lines = [person.display_name]
            if person.home_label:
                lines.append(f"Domicile : {person.home_label}")
            if person.case_number:
                lines.append(f"N° de dossier : {person.case_number}")
            if person.notes:
                lines.append(person.notes[:200])
            return "\n".join(lines)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_COUNT:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class PeoplePanel(QWidget):
    """The list; the chosen row is the « current person » of the whole window."""

    currentChanged = Signal(object)  # Person | None
    newRequested = Signal()
    editRequested = Signal(object)  # Person
    eraseRequested = Signal(object)  # Person
    exportDataRequested = Signal(object)  # Person
    purgeAccepted = Signal(list)  # the inactive people to erase
    searchChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PeopleModel(self)
        self._inactive: list[Any] = []

        self.read_only = False
        # Reads the page after a key: a page (people, next_key), or None when it cannot now.
        self.page_reader: Callable[[Any], Any] | None = None
        self._next_key: Any = None
        self.model.fetch_more_rows = self.load_more
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Chercher une personne (nom, téléphone, e-mail)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setAccessibleName("Chercher une personne")
        self.search_edit.setToolTip("Les accents et les majuscules sont ignorés")
        self.search_edit.textChanged.connect(self.searchChanged)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_COUNT, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_ACTIVITY, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setAccessibleName("Personnes suivies")
        self.table.setToolTip("Choisissez la personne dont vous préparez la sélection")
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.doubleClicked.connect(self._on_double_click)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)

        # One short line (no word wrap): a wrapped label asks for many lines when narrow, and
        # the empty panel must stay one line high.
        self.empty = QLabel(NOBODY_YET)
        self.empty.setEnabled(False)

        self.new_button = QPushButton("&Nouvelle personne…")
        self.new_button.setToolTip("Créer la fiche d'un jeune (Ctrl+Maj+N)")
        self.new_button.setAccessibleName("Nouvelle personne")
        self.new_button.clicked.connect(self.newRequested)
        self.edit_button = QPushButton("&Modifier…")
        self.edit_button.setToolTip("Modifier la fiche de la personne choisie")
        self.edit_button.setAccessibleName("Modifier la personne")
        self.edit_button.clicked.connect(self._edit_clicked)
        self.more_button = QToolButton()
        self.more_button.setText("Données personnelles")
        self.more_button.setToolTip("Exporter ou supprimer définitivement les données")
        self.more_button.setAccessibleName("Données personnelles")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.more_button)
        self.export_action = menu.addAction("&Exporter toutes les données de cette personne…")
        self.export_action.setToolTip(
            "Toutes les données enregistrées (JSON) et sa sélection (PDF)"
        )
        self.export_action.triggered.connect(self._export_clicked)
        self.erase_action = menu.addAction("&Supprimer définitivement…")
        self.erase_action.setToolTip("Effacer la personne, sa sélection et ses demandes")
        self.erase_action.triggered.connect(self._erase_clicked)
        self.more_button.setMenu(menu)

        self.banner = self._make_banner()
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch(1)
        buttons.addWidget(self.more_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self._update_buttons()

    def _make_banner(self) -> QFrame:
        banner = QFrame()
        banner.setObjectName("purgeBanner")
        banner.setFrameShape(QFrame.Shape.StyledPanel)
        box = QVBoxLayout(banner)
        box.setContentsMargins(8, 6, 8, 6)
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.banner_label.setAccessibleName("Personnes inactives depuis un an")
        box.addWidget(self.banner_label)
        row = QHBoxLayout()
        row.addStretch(1)
        self.purge_button = QPushButton("Supprimer")
        self.purge_button.setToolTip("Supprimer définitivement ces personnes et leurs données")
        self.purge_button.setAccessibleName("Supprimer les personnes inactives")
        self.purge_button.clicked.connect(self._purge_clicked)
        self.later_button = QPushButton("Plus tard")
        self.later_button.setToolTip(
            "Garder ces personnes ; la question reviendra au prochain lancement"
        )
        self.later_button.setAccessibleName("Plus tard")
        self.later_button.clicked.connect(self.hide_purge)
        row.addWidget(self.purge_button)
        row.addWidget(self.later_button)
        box.addLayout(row)
        banner.setVisible(False)
        return banner

    # -- content

    def set_people(
        self, people: list[Any], *, keep: int | None = None, next_key: Any = None
    ) -> None:
        """Refill the list (the first pages; `next_key` reads the rest as the list scrolls);
        the person `keep` (or the current one) stays chosen."""
        current = self.current()
        wanted = keep if keep is not None else (current.id if current is not None else None)
        self.table.selectionModel().blockSignals(True)
        self._next_key = next_key
        self.model.has_more = next_key is not None
        self.model.set_rows(people)
        row = self.row_loading(wanted) if wanted is not None else -1
        self.table.selectionModel().blockSignals(False)
        if row >= 0:
            self.table.selectRow(row)
        now = self.current()
        if (now.id if now else None) != (current.id if current else None) or (
            now is not None and now != current
        ):
            self.currentChanged.emit(now)
        searching = bool(self.search_edit.text().strip())
        self.empty.setText("Personne ne correspond à cette recherche." if searching else NOBODY_YET)
        # With nobody to list, the panel shrinks to its invitation: no empty table, no search
        # field (unless a search is what emptied it), no buttons about a chosen person.
        self.empty.setVisible(not people)
        self.table.setVisible(bool(people))
        self.search_edit.setVisible(bool(people) or searching)
        self.edit_button.setVisible(bool(people))
        self.more_button.setVisible(bool(people))
        self._update_buttons()

    def is_empty(self) -> bool:
        """True when the panel only shows its invitation (nobody recorded, no search)."""
        return self.table.isHidden() and self.search_edit.isHidden()

    def current(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.person(rows[0].row()) if rows else None

    def load_more(self) -> bool:
        """The next page at the end of the list; False when there is none (or not now)."""
        if not self.model.has_more or self.page_reader is None:
            return False
        page = self.page_reader(self._next_key)
        if page is None:
            self.model.has_more = False  # the server away: the list stays as it is
            return False
        self._next_key = page.next_key
        self.model.has_more = page.next_key is not None
        self.model.append_rows(page.people)
        return True

    def row_loading(self, person_id: int) -> int:
        """The row of `person_id`, reading further pages while they are not listed yet."""
        row = self.model.row_of(person_id)
        while row < 0 and self.load_more():
            row = self.model.row_of(person_id)
        return row

    def choose(self, person_id: int) -> bool:
        row = self.row_loading(person_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        return True

    def show_purge(self, people: list[Any]) -> None:
        """The proposal to erase people with no activity for a year (non-blocking)."""
        self._inactive = list(people)
        if not people:
            self.banner.setVisible(False)
            return
        names = ", ".join(html.escape(p.display_name) for p in people[:8])
        more = f" et {len(people) - 8} autre(s)" if len(people) > 8 else ""
        self.banner_label.setText(
            f"<b>{len(people)} personne(s) sans activité depuis plus de 12 mois</b> : "
            f"{names}{more}. Supprimer définitivement leurs données ?"
        )
        self.banner.setVisible(True)

    @Slot()
    def hide_purge(self) -> None:
        self.banner.setVisible(False)

    def set_read_only(self, on: bool) -> None:
        """The server away: people can be read and exported, not created, edited or erased."""
        self.read_only = on
        self.new_button.setEnabled(not on)
        self.erase_action.setEnabled(not on)
        self.hide_purge()
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.current() is not None
        self.edit_button.setEnabled(chosen and not self.read_only)
        self.more_button.setEnabled(chosen)

    # -- slots

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_buttons()
        self.currentChanged.emit(self.current())

    @Slot(QModelIndex)
    def _on_double_click(self, index: QModelIndex) -> None:
        person = index.data(ItemRole)
        if person is not None:
            self.editRequested.emit(person)

    @Slot()
    def _edit_clicked(self) -> None:
        if self.current() is not None:
            self.editRequested.emit(self.current())

    @Slot()
    def _export_clicked(self) -> None:
        if self.current() is not None:
            self.exportDataRequested.emit(self.current())

    @Slot()
    def _erase_clicked(self) -> None:
        if self.current() is not None:
            self.eraseRequested.emit(self.current())

    @Slot()
    def _purge_clicked(self) -> None:
        self.banner.setVisible(False)
        self.purgeAccepted.emit(list(self._inactive))

    @Slot(QPoint)
    def _context_menu(self, pos: Any) -> None:
        if self.current() is None:
            return
        menu = QMenu(self)
        menu.addAction("Modifier…").triggered.connect(self._edit_clicked)
        menu.addAction(self.export_action)
        menu.addAction(self.erase_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))
