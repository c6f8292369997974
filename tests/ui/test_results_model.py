"""The results list answers from rows prepared once and sorts number columns itself: the same
rows, in the same order, with the same texts as a plain model sorted by Qt's proxy, for every
column, both orders and any kinds shown (equal keys in the search's order, nearest first);
fitted columns as wide as Qt would make them."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt

from lba_desktop.insertion import employment_6, sort_value
from lba_desktop.local_catalogue import open_catalogue
from lba_desktop.map_page import marker_key
from lba_desktop.models import ALL_KINDS, Hit, Kind
from lba_desktop.search import SearchService
from lba_desktop.ui.look import km
from lba_desktop.ui.results_model import (
    COL_DATE,
    COL_DISTANCE,
    COL_INSERTION,
    COL_KIND,
    COL_LEVEL,
    HEADERS,
    NUMBER_SORTED,
    HitRole,
    ItemRole,
    KeyRole,
    ResultsModel,
    ResultsProxy,
    SortRole,
    level_short,
    level_text,
)
from lba_desktop.ui.results_table import FITTED, ResultsTable

ROLES = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.TextAlignmentRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.SizeHintRole,
    ItemRole,
    KeyRole,
)
KIND_RANK = {Kind.FORMATION: 0, Kind.OFFRE: 1, Kind.ENTREPRISE: 2, Kind.PARTENARIAT: 3}


class PlainModel(QAbstractTableModel):
    """What a row shows, computed from the hit at every call: the reference."""

    def __init__(self, hits: list[Hit]) -> None:
        super().__init__()
        self.hits = hits

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        hit = self.hits[index.row()]
        item, col = hit.item, index.column()
        if role == ItemRole:
            return item
        if role == KeyRole:
            return marker_key(item.kind, item.id)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(hit, col, full=False)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self.text(hit, col, full=True)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_KIND:
                return item.kind.label_fr + (" — données fictives" if item.fictitious else "")
            return self.text(hit, col, full=True) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (COL_DISTANCE, COL_INSERTION):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == SortRole:
            dist = hit.distance_km or 0.0
            day = item.updated or item.created
            return {
                COL_KIND: KIND_RANK[item.kind] * 100_000 + dist,
                COL_DISTANCE: dist,
                COL_LEVEL: item.diploma_level or 0,
                COL_DATE: day.toordinal() if day else 0,
                COL_INSERTION: sort_value(item),
            }.get(col, self.text(hit, col, full=False).casefold())
        return None

    @staticmethod
    def text(hit: Hit, col: int, *, full: bool) -> str:
        from PySide6.QtCore import QDate, QLocale

        item = hit.item
        day = item.updated or item.created
        return (
            item.kind.label_fr if full else "",
            item.title,
            item.organisation,
            f"{item.commune} ({item.departement})" if item.departement else item.commune,
            km(hit.distance_km),
            "—"
            if item.kind is Kind.ENTREPRISE
            else (level_text if full else level_short)(item.diploma_level),
            QLocale().toString(QDate(day.year, day.month, day.day), QLocale.FormatType.ShortFormat)
            if day
            else "",
            employment_6(item)[1],
        )[col]


class PlainProxy(QSortFilterProxyModel):
    def __init__(self, kinds: frozenset[Kind]) -> None:
        super().__init__()
        self.kinds = kinds
        self.setSortRole(SortRole)
        self.setSortLocaleAware(True)
        self.setDynamicSortFilter(True)

    def filterAcceptsRow(self, row: int, parent: Any) -> bool:
        return self.sourceModel().hits[row].item.kind in self.kinds


def rows(proxy: Any, roles: tuple[Any, ...] = (KeyRole,)) -> list[tuple[Any, ...]]:
    return [
        tuple(proxy.index(r, c).data(role) for c in range(len(HEADERS)) for role in roles)
        for r in range(proxy.rowCount())
    ]


@pytest.fixture
def hits(demo_home: Path) -> list[Hit]:
    service = SearchService(open_catalogue())
    found: list[Hit] = []
    # Several searches side by side: many kinds, levels, dates and equal distances.
    searches = (
        ("boulanger", "Aurillac"),
        ("coiffure", "Lyon"),
        ("maçon", "Cantal"),
        ("vendeur", "Paris"),
        ("cuisinier", "Marseille"),
    )
    for metier, lieu in searches:
        found += service.search(service.build_criteria(lieu=lieu, metier=metier, rayon=60)).hits
    assert len({h.item.kind for h in found}) >= 3 and len(found) > 150
    return found


def plain_rows(plain: PlainModel, kinds: frozenset[Kind], col: int, order: Any) -> list[Any]:
    """What the list shows for this sort: a number column sorted from the search's order
    (equal keys keep it; Qt's proxy leaves them in no stated order), a text column by a
    fresh proxy of Qt over the plain model."""
    if col in NUMBER_SORTED:
        want = sorted(
            (r for r, h in enumerate(plain.hits) if h.item.kind in kinds),
            key=lambda r: plain.index(r, col).data(SortRole),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        return [(plain.index(r, 0).data(KeyRole),) * len(HEADERS) for r in want]
    fresh = PlainProxy(kinds)
    fresh.setSourceModel(plain)
    fresh.sort(col, order)
    return rows(fresh)


def test_every_sort_and_kind_filter_gives_the_rows_a_plain_proxy_gives(app: Any, hits: list[Hit]):
    model, proxy = ResultsModel(), ResultsProxy()
    proxy.setSourceModel(model)
    model.set_rows(hits)
    plain = PlainModel(hits)
    kind_sets = [ALL_KINDS, frozenset({Kind.OFFRE, Kind.ENTREPRISE}), frozenset({Kind.FORMATION})]
    orders = (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder)
    for kinds, col, order in itertools.product(kind_sets, range(len(HEADERS)), orders):
        proxy.set_visible_kinds(kinds)
        proxy.sort(col, order)
        assert rows(proxy) == plain_rows(plain, kinds, col, order), (kinds, col, order)
    # Every text, tooltip and role of every cell, as the plain model answers it.
    proxy.set_visible_kinds(ALL_KINDS)
    for col in (COL_DISTANCE, 1):
        proxy.sort(col)
        fresh = PlainProxy(ALL_KINDS)
        fresh.setSourceModel(plain)
        fresh.sort(col)
        assert rows(proxy, ROLES) == rows(fresh, ROLES)


def test_a_new_search_keeps_the_chosen_sort_and_the_rows_know_their_keys(app: Any, hits: list[Hit]):
    model, proxy = ResultsModel(), ResultsProxy()
    proxy.setSourceModel(model)
    proxy.sort(COL_LEVEL, Qt.SortOrder.DescendingOrder)
    model.set_rows(hits[:40])
    model.set_rows(hits)
    levels = [proxy.index(r, 0).data(HitRole).item.diploma_level or 0 for r in range(len(hits))]
    assert levels == sorted(levels, reverse=True)
    for hit in hits[::17]:
        key = marker_key(hit.item.kind, hit.item.id)
        assert model.index(model.row_of_key(key), 0).data(KeyRole) == key
    assert model.row_of_key("formation:absent") == -1


def test_the_selected_row_stays_selected_when_the_list_is_sorted_again(app: Any, hits: list[Hit]):
    model, proxy = ResultsModel(), ResultsProxy()
    proxy.setSourceModel(model)
    table = ResultsTable(proxy)
    model.set_rows(hits)
    table.selectRow(5)
    chosen = table.selectionModel().selectedRows()[0].data(KeyRole)
    for col, order in (
        (COL_LEVEL, Qt.SortOrder.AscendingOrder),
        (COL_DATE, Qt.SortOrder.DescendingOrder),
        (1, Qt.SortOrder.AscendingOrder),
        (COL_DISTANCE, Qt.SortOrder.AscendingOrder),
    ):
        table.sortByColumn(col, order)
        assert [i.data(KeyRole) for i in table.selectionModel().selectedRows()] == [chosen]


def test_fitted_columns_are_as_wide_as_qt_would_fit_them(app: Any, hits: list[Hit]):
    model, proxy = ResultsModel(), ResultsProxy()
    proxy.setSourceModel(model)
    table = ResultsTable(proxy)
    table.resize(1100, 500)
    table.show()
    header = table.horizontalHeader()
    for shown, kinds in ((hits, ALL_KINDS), (hits[:3], frozenset({Kind.ENTREPRISE}))):
        model.set_rows(shown)
        proxy.set_visible_kinds(kinds)
        table.fit_columns()
        for col in FITTED:
            want = max(table.sizeHintForColumn(col), header.sectionSizeHint(col))
            assert table.columnWidth(col) == want, col
