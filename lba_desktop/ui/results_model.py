"""The results list: one table model over the hits of a search, and the proxy that sorts it
and hides the kinds a counsellor unticked (the search itself always covers every kind)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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


class ResultsModel(ListTableModel):
    """Rows are `Hit`s in the order the search returned them (nearest first)."""

    HEADERS = HEADERS
    HEADER_TIPS = HEADER_TIPS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._row_of_key: dict[str, int] = {}

    # -- content

    def set_rows(self, hits: Iterable[Hit]) -> None:
        self.beginResetModel()
        self._rows = list(hits)
        self._row_of_key = {
            marker_key(h.item.kind, h.item.id): row for row, h in enumerate(self._rows)
        }
        self.endResetModel()

    def hits(self) -> Sequence[Hit]:
        return tuple(self._rows)

    def row_of_key(self, key: str) -> int:
        """Row of the item with this marker key, or -1."""
        return self._row_of_key.get(key, -1)

    # -- QAbstractTableModel

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        hit = self._rows[index.row()]
        item = hit.item
        col = index.column()
        if role == ItemRole:
            return item
        if role == HitRole:
            return hit
        if role == KeyRole:
            return marker_key(item.kind, item.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(hit, col)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._display(hit, col, full=True)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_KIND:
                return item.kind.label_fr + (" — données fictives" if item.fictitious else "")
            text = self._display(hit, col, full=True)
            return text or None
        if role == SortRole:
            return self._sort_key(hit, col)
        if role == Qt.ItemDataRole.DecorationRole and col == COL_KIND:
            return kind_icon(item.kind)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_DISTANCE, COL_INSERTION):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _date(hit: Hit) -> Any:
        return hit.item.updated or hit.item.created

    def _display(self, hit: Hit, col: int, *, full: bool = False) -> str:
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
            day = self._date(hit)
            if day is None:
                return ""
            return QLocale().toString(
                QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat
            )
        return ""

    def _sort_key(self, hit: Hit, col: int) -> Any:
        item = hit.item
        dist = hit.distance_km if hit.distance_km is not None else 0.0
        if col == COL_KIND:
            return KIND_ORDER[item.kind] * 100_000 + dist
        if col == COL_DISTANCE:
            return dist
        if col == COL_LEVEL:
            return item.diploma_level if item.diploma_level is not None else 0
        if col == COL_DATE:
            day = self._date(hit)
            return day.toordinal() if day else 0
        if col == COL_INSERTION:
            return sort_value(item)
        return self._display(hit, col).casefold()


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

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        item = model.data(model.index(source_row, COL_KIND, source_parent), ItemRole)
        return item is not None and item.kind in self._kinds
