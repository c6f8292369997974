"""The results list: one table model over the hits of a search, and the proxy that sorts it
and hides the kinds a counsellor unticked (the search itself always covers every kind)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QDate,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from lba_desktop.insertion import employment_6, sort_value
from lba_desktop.map_page import marker_key
from lba_desktop.models import ALL_KINDS, DIPLOMA_LABELS_FR, Hit, Kind
from lba_desktop.ui.look import kind_icon, km
from lba_desktop.ui.table_model import ListTableModel

COL_KIND, COL_TITLE, COL_ORG, COL_COMMUNE, COL_DISTANCE, COL_LEVEL, COL_DATE = range(7)
COL_INSERTION = 7
HEADERS = ("Type", "Intitulé", "Organisme / entreprise", "Commune", "Distance", "Niveau", "Date",
           "Emploi 6 mois")  # fmt: skip
HEADER_TIPS = (
    "Formation, offre d'emploi, entreprise ou partenariat",
    "Intitulé de la formation ou du poste",
    "CFA, organisme de formation ou entreprise",
    "Commune du lieu de formation ou de travail",
    "Distance à vol d'oiseau depuis le lieu recherché",
    "Niveau de diplôme préparé ou visé",
    "Date de création ou de mise à jour",
    "Apprentis de ce CFA en emploi 6 mois après ce diplôme (InserJeunes, avec la cohorte)",
)
# Orders kinds as the public site does in its groups.
KIND_ORDER = {Kind.FORMATION: 0, Kind.OFFRE: 1, Kind.ENTREPRISE: 2, Kind.PARTENARIAT: 3}

SortRole = Qt.ItemDataRole.UserRole + 1
ItemRole = Qt.ItemDataRole.UserRole + 2  # the Item dataclass
HitRole = Qt.ItemDataRole.UserRole + 3  # the Hit (item + distance)
KeyRole = Qt.ItemDataRole.UserRole + 4  # "kind:id", shared with the map markers

Index = QModelIndex | QPersistentModelIndex


DIPLOMA_SHORT = {3: "CAP", 4: "Bac", 5: "BTS", 6: "Licence", 7: "Master"}


def level_short(level: int | None) -> str:
    """What the list shows: "CAP (3)"; the full label is in the tooltip and the details."""
    if level is None:
        return "Indifférent"
    return f"{DIPLOMA_SHORT.get(level, '')} ({level})".strip()


def level_text(level: int | None) -> str:
    if level is None:
        return "Indifférent"
    return f"{level} – {DIPLOMA_LABELS_FR.get(level, '')}".strip(" –")


# Columns whose order is a number: sorted by the model itself, in Python, on keys computed
# once per row. The text columns keep the proxy's locale-aware sort.
NUMBER_SORTED = frozenset({COL_KIND, COL_DISTANCE, COL_LEVEL, COL_DATE, COL_INSERTION})

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_SORT, _ITEM, _HIT, _KEY = int(SortRole), int(ItemRole), int(HitRole), int(KeyRole)
# Every role this model answers; Qt asks a cell for a dozen more (font, colours, check
# state, size) on each paint and size computation: those get None at once.
_ANSWERED = frozenset(
    {_DISPLAY, _ACCESSIBLE, _TOOLTIP, _DECORATION, _ALIGNMENT, _SORT, _ITEM, _HIT, _KEY}
)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class _Prepared:
    """One row's texts, computed the first time Qt asks for that row (only the rows on screen
    are asked for), then read by every paint and size computation."""

    __slots__ = ("display", "full", "tips")

    def __init__(self, hit: Hit) -> None:
        self.display = tuple(_display(hit, col) for col in range(len(HEADERS)))
        self.full = tuple(_display(hit, col, full=True) for col in range(len(HEADERS)))
        item = hit.item
        kind_tip = item.kind.label_fr + (" — données fictives" if item.fictitious else "")
        self.tips = (kind_tip, *(text or None for text in self.full[1:]))


class ResultsModel(ListTableModel):
    """Rows are `Hit`s, in the order the search returned them (nearest first) or in the
    order of a number column the list is sorted on."""

    HEADERS = HEADERS
    HEADER_TIPS = HEADER_TIPS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._row_of_key: dict[str, int] = {}
        self._keys: list[str] = []
        self._prepared: list[_Prepared | None] = []
        self._searched: list[Hit] = []  # the search's order, that equal keys keep
        self._order: tuple[int, bool] | None = None  # (column, descending); None: as searched

    # -- content

    def set_rows(self, hits: Iterable[Hit]) -> None:
        self.beginResetModel()
        self._searched = list(hits)
        self._rows = self._ordered()
        self._index_rows()
        self.endResetModel()

    def hits(self) -> Sequence[Hit]:
        return tuple(self._rows)

    def row_of_key(self, key: str) -> int:
        """Row of the item with this marker key, or -1."""
        return self._row_of_key.get(key, -1)

    def order_by(self, column: int | None, descending: bool = False) -> None:
        """Keep the rows sorted on a number column (None: back to the search's order, for a
        text column the proxy sorts). A stable sort, as the proxy's: equal keys keep the
        search's order, nearest first."""
        order = (column, descending) if column in NUMBER_SORTED else None
        if order == self._order:
            return
        self._order = order
        if not self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        before = list(self._keys)
        self._rows = self._ordered()
        self._index_rows()
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(
            persistent,
            [
                self.index(self._row_of_key[before[i.row()]], i.column())
                if 0 <= i.row() < len(before)
                else QModelIndex()
                for i in persistent
            ],
        )
        self.layoutChanged.emit()

    def widest_row(self, column: int, kinds: frozenset[Kind], width: Callable[[str], int]) -> int:
        """The row of the widest text of `column` among the rows of these kinds (-1 if none):
        the cell whose size fits the column."""
        best_row, best_width = -1, -1
        widths: dict[str, int] = {}
        for row, hit in enumerate(self._rows):
            if hit.item.kind not in kinds:
                continue
            text = _display(hit, column)
            measured = widths.get(text)
            if measured is None:
                measured = widths[text] = width(text)
            if measured > best_width:
                best_row, best_width = row, measured
        return best_row

    def _ordered(self) -> list[Hit]:
        if self._order is None:
            return list(self._searched)
        column, descending = self._order
        # Sorted from the search's order each time, so that equal keys keep it.
        return sorted(self._searched, key=lambda hit: _sort_key(hit, column), reverse=descending)

    def _index_rows(self) -> None:
        self._keys = [marker_key(h.item.kind, h.item.id) for h in self._rows]
        self._row_of_key = {key: row for row, key in enumerate(self._keys)}
        self._prepared = [None] * len(self._rows)

    def _row(self, row: int) -> _Prepared:
        prepared = self._prepared[row]
        if prepared is None:
            prepared = self._prepared[row] = _Prepared(self._rows[row])
        return prepared

    # -- QAbstractTableModel

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if role not in _ANSWERED:
            return None
        row = index.row()
        if not 0 <= row < len(self._rows):  # an invalid index has row -1
            return None
        col = index.column()
        if role == _DISPLAY:
            return self._row(row).display[col]
        if role == _DECORATION:
            return kind_icon(self._rows[row].item.kind) if col == COL_KIND else None
        if role == _ALIGNMENT:
            return _RIGHT if col in (COL_DISTANCE, COL_INSERTION) else None
        if role == _TOOLTIP:
            return self._row(row).tips[col]
        if role == _ACCESSIBLE:
            return self._row(row).full[col]
        if role == _ITEM:
            return self._rows[row].item
        if role == _HIT:
            return self._rows[row]
        if role == _KEY:
            return self._keys[row]
        return _sort_key(self._rows[row], col)  # _SORT


def _date(hit: Hit) -> Any:
    return hit.item.updated or hit.item.created


def _display(hit: Hit, col: int, *, full: bool = False) -> str:
    item = hit.item
    if col == COL_KIND:
        # The list shows the kind's coloured letter (the filters and the map use the same
        # badges); the words are in the tooltip, for screen readers and in the details.
        return item.kind.label_fr if full else ""
    if col == COL_TITLE:
        return item.title
    if col == COL_ORG:
        return item.organisation
    if col == COL_COMMUNE:
        return f"{item.commune} ({item.departement})" if item.departement else item.commune
    if col == COL_DISTANCE:
        return km(hit.distance_km)
    if col == COL_LEVEL:
        if item.kind is Kind.ENTREPRISE:
            return "—"  # a company is listed for a métier, not a diploma
        return level_text(item.diploma_level) if full else level_short(item.diploma_level)
    if col == COL_INSERTION:
        return employment_6(item)[1]
    if col == COL_DATE:
        day = _date(hit)
        if day is None:
            return ""
        return QLocale().toString(
            QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat
        )
    return ""


def _sort_key(hit: Hit, col: int) -> Any:
    item = hit.item
    dist = hit.distance_km if hit.distance_km is not None else 0.0
    if col == COL_KIND:
        return KIND_ORDER[item.kind] * 100_000 + dist
    if col == COL_DISTANCE:
        return dist
    if col == COL_LEVEL:
        return item.diploma_level if item.diploma_level is not None else 0
    if col == COL_DATE:
        day = _date(hit)
        return day.toordinal() if day else 0
    if col == COL_INSERTION:
        return sort_value(item)
    return _display(hit, col).casefold()


class ResultsProxy(QSortFilterProxyModel):
    """Sorts on `SortRole` and shows only the kinds ticked in the filters."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._kinds: frozenset[Kind] = ALL_KINDS
        self.setSortRole(SortRole)
        self.setSortLocaleAware(True)
        self.setDynamicSortFilter(True)

    def visible_kinds(self) -> frozenset[Kind]:
        return self._kinds

    def set_visible_kinds(self, kinds: Iterable[Kind]) -> None:
        kinds = frozenset(kinds)
        if kinds == self._kinds:
            return
        self.beginFilterChange()
        self._kinds = kinds
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Equal keys keep the search's order (nearest first), whatever was sorted before."""
        model = self.sourceModel()
        if not isinstance(model, ResultsModel):
            super().sort(column, order)
            return
        # Column -1: the proxy follows the model's order (descending would reverse it).
        super().sort(-1, Qt.SortOrder.AscendingOrder)
        if column in NUMBER_SORTED:
            # The model sorts a number column itself, on keys computed once per row: the
            # proxy's sort asked the model for two keys per comparison (thousands of calls
            # per search).
            model.order_by(column, order == Qt.SortOrder.DescendingOrder)
        else:
            model.order_by(None)
            self.invalidate()  # the rows from the model's order, not the previous sort's
            super().sort(column, order)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        if isinstance(model, ResultsModel):
            hit = model.row_at(source_row)
            return hit is not None and hit.item.kind in self._kinds
        item = model.data(model.index(source_row, COL_KIND, source_parent), ItemRole)
        return item is not None and item.kind in self._kinds
