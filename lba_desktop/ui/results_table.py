"""The results list's view: sorted by distance, one compact line per result, the kind shown
by its coloured letter, and the columns that give way when the list is narrow (a laptop) or
hidden by the presentation mode."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyleOptionViewItem, QTableView

from lba_desktop.ui.results_model import (
    COL_COMMUNE,
    COL_DATE,
    COL_DISTANCE,
    COL_INSERTION,
    COL_KIND,
    COL_LEVEL,
    COL_ORG,
    COL_TITLE,
    ResultsModel,
    ResultsProxy,
)

# Below these widths the date, then the insertion rate, give their room to the title (both
# are in the details).
NARROW_WIDTH = 760
VERY_NARROW_WIDTH = 560
# Columns as wide as their widest cell.
FITTED = (COL_KIND, COL_DISTANCE, COL_LEVEL, COL_DATE, COL_INSERTION)


class ResultsTable(QTableView):
    """The view over the results proxy."""

    def __init__(self, proxy: ResultsProxy) -> None:
        super().__init__()
        self._forced: frozenset[int] = frozenset()
        self.setModel(proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(COL_DISTANCE, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.verticalHeader().setVisible(False)
        self.setShowGrid(False)
        self.setTabKeyNavigation(False)  # Tab leaves the list; arrows move inside it
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)  # « Organisme / entr… », not cut
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        # The fitted columns are sized by `fit_columns` once per result, to what Qt's
        # ResizeToContents finds; left to Qt, every layout change (a banner shown, the window
        # resized) asked each row's size again, thousands of model calls per search.
        for col in FITTED:
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
        header.setMinimumSectionSize(28)
        self._refit = QTimer(self, singleShot=True, interval=0)
        self._refit.timeout.connect(self.fit_columns)
        proxy.modelReset.connect(self.fit_columns)
        # A kind ticked or unticked: rows come and go in several batches; fitted once after.
        proxy.rowsInserted.connect(self._refit.start)
        proxy.rowsRemoved.connect(self._refit.start)
        self.apply_row_height()
        self.setAccessibleName("Liste des résultats")
        self.setToolTip("Résultats : flèches pour parcourir, clic sur un en-tête pour trier")

    def apply_row_height(self, scale: float = 1.0) -> None:
        """One line of text and a little air: the style's default (about 30 px) showed five
        rows on a laptop screen."""
        height = self.fontMetrics().height() + 8
        self.verticalHeader().setDefaultSectionSize(round(height * scale))

    def fit_columns(self) -> None:
        """Each fitted column as wide as its widest shown cell or its header, as Qt's
        ResizeToContents makes it: the cell is found by measuring the texts, and only that
        one is asked its size."""
        proxy = self.model()
        source = proxy.sourceModel() if isinstance(proxy, ResultsProxy) else None
        if not isinstance(source, ResultsModel):
            return
        header = self.horizontalHeader()
        metrics = self.fontMetrics()
        kinds = proxy.visible_kinds()
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        for col in FITTED:
            width = header.sectionSizeHint(col)
            row = source.widest_row(col, kinds, metrics.horizontalAdvance)
            if row >= 0:
                index = proxy.mapFromSource(source.index(row, col))
                cell = self.itemDelegateForIndex(index).sizeHint(option, index).width()
                width = max(width, cell + (1 if self.showGrid() else 0))
            if header.sectionSize(col) != width:
                header.resizeSection(col, width)
        self._update_columns()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self.fit_columns()

    def set_forced_hidden(self, columns: Iterable[int]) -> None:
        """Columns hidden whatever the width (the presentation mode's)."""
        self._forced = frozenset(columns)
        self._update_columns()

    def _update_columns(self) -> None:
        narrow = self.width() < NARROW_WIDTH
        very_narrow = self.width() < VERY_NARROW_WIDTH
        for col in range(self.model().columnCount()):
            hide = (
                col in self._forced
                or (col == COL_DATE and narrow)
                or (col == COL_INSERTION and very_narrow)
            )
            if self.isColumnHidden(col) != hide:
                self.setColumnHidden(col, hide)
        # What the fitted columns leave is shared: the title (stretched) keeps about half,
        # organisation and commune the rest, so no column is squeezed to a few letters.
        header = self.horizontalHeader()
        fitted = sum(header.sectionSize(c) for c in FITTED if not self.isColumnHidden(c))
        free = self.viewport().width() - fitted
        if free > 0:
            # Without the organisation (presentation mode) the commune takes part of its share.
            commune_share = 22 if not self.isColumnHidden(COL_ORG) else 38
            header.resizeSection(COL_ORG, max(90, free * 30 // 100))
            header.resizeSection(COL_COMMUNE, max(80, free * commune_share // 100))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_columns()
