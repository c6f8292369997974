"""The territory view's building blocks: bar charts of the top rows, sortable read-only
tables and their cells (with the roles a click reads)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

SERIES = (("formations", "Formations", "#1f77b4"), ("offres", "Offres", "#ff7f0e"))
SERIES += (("partenariats", "Partenariats", "#2ca02c"),)
RomeRole = Qt.ItemDataRole.UserRole + 1
SortRole = Qt.ItemDataRole.UserRole + 2
GapRole = Qt.ItemDataRole.UserRole + 3
DomainRole = Qt.ItemDataRole.UserRole + 4


def bar_chart(view: QChartView, title: str, rows: list[tuple[str, Any]], clicked: Any) -> QChart:
    """Horizontal bars of formations, offers and partenariats, the first row on top; a new
    chart each time, so that the previous one's axes and labels never linger."""
    old, chart = view.chart(), new_chart()
    view.setChart(chart)
    old.deleteLater()
    chart.setTitle(title)
    series = QHorizontalBarSeries()
    for key, label, colour in SERIES:
        bars = QBarSet(label)
        bars.setColor(QColor(colour))
        for _, counts in reversed(rows):
            bars.append(getattr(counts, key))
        series.append(bars)
    series.clicked.connect(clicked)
    chart.addSeries(series)
    categories = QBarCategoryAxis()
    categories.append([cut(label, 30) for label, _ in reversed(rows)] or [""])
    values = QValueAxis()
    values.setLabelFormat("%d")
    highest = max((getattr(c, k) for _, c in rows for k, _, _ in SERIES), default=0)
    values.setRange(0, max(highest, 1))
    values.applyNiceNumbers()
    chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
    chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(categories)
    series.attachAxis(values)
    return chart


def new_chart() -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def table_cell(value: Any, rome: str) -> QStandardItem:
    item = QStandardItem(
        "—"
        if value is None
        else (f"{value:.2f}".replace(".", ",") if isinstance(value, float) else str(value))
    )
    item.setEditable(False)
    item.setData(rome, RomeRole)
    item.setData(value if value is not None else -1, SortRole)
    if isinstance(value, (int, float)):
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def table_view(model: QStandardItemModel, widths: dict[int, int]) -> QTableView:
    """A sortable read-only table; `widths` for its text columns, the rest fit their header."""
    table = QTableView()
    table.setModel(model)
    table.setSortingEnabled(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    table.horizontalHeader().setStretchLastSection(True)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    for column in range(model.columnCount()):
        header.resizeSection(column, widths.get(column, 64 if column else 58))
    return table
