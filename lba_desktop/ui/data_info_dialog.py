"""« À propos des données »: what the open catalogue holds, where it comes from, and how fresh
each source is per département, in a window that fits a laptop screen however many rows."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.models import CatalogueInfo
from lba_desktop.ui.look import age_text, number

FRESHNESS_HEADERS = ("Source", "Dép.", "Mise à jour", "Éléments")


def summary_html(info: CatalogueInfo) -> str:
    """The catalogue's origin, age, format and counts per kind (texts escaped: a synced
    catalogue's label and sources come from upstream)."""
    rows = "".join(
        f"<tr><td>{k.plural_fr}</td><td align=right>{number(n)}</td></tr>"
        for k, n in info.counts.items()
    )
    text = (
        f"<p><b>{html.escape(info.label_fr)}</b><br>"
        f"Catalogue construit le {html.escape(info.built_at[:10] or 'date inconnue')} "
        f"({age_text(info.built_at) or 'âge inconnu'}), format {info.schema_version}.</p>"
        f"<table cellspacing=4>{rows}</table>"
    )
    if info.details.get("formations_sources_fr"):
        text += f"<p>{html.escape(str(info.details['formations_sources_fr']))}.</p>"
    if info.origin == "demo":
        text += (
            "<p><b>Ces données sont fictives</b> : elles servent à découvrir "
            "l'application, pas à conseiller un jeune.</p>"
        )
    return text


class CountItem(QTableWidgetItem):
    """A count shown with French thousands separators, sorted as a number."""

    def __init__(self, value: int) -> None:
        super().__init__(number(value))
        self.value = value

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return self.value < getattr(other, "value", 0)


class DataInfoDialog(QDialog):
    """The summary above, then one sortable, scrolling row per source and département."""

    def __init__(self, info: CatalogueInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("À propos des données")
        layout = QVBoxLayout(self)
        summary = QLabel(summary_html(info))
        summary.setTextFormat(Qt.TextFormat.RichText)
        summary.setWordWrap(True)
        layout.addWidget(summary)

        fresh = list(info.details.get("freshness") or [])
        self.freshness = QTableWidget(len(fresh), len(FRESHNESS_HEADERS))
        self.freshness.setHorizontalHeaderLabels(FRESHNESS_HEADERS)
        self.freshness.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows = self.freshness.verticalHeader()
        rows.setVisible(False)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)  # dense, like a spreadsheet
        header = self.freshness.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for row, entry in enumerate(fresh):
            self._fill(row, entry)
        self.freshness.setSortingEnabled(True)
        self.freshness.resizeColumnsToContents()
        if fresh:
            title = QLabel(f"Fraîcheur par source et département ({number(len(fresh))} lignes) :")
            layout.addWidget(title)
            layout.addWidget(self.freshness, 1)
        else:
            self.freshness.hide()

        path = QLabel(f"<small>{html.escape(str(info.details.get('path', '')))}</small>")
        path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        path.setWordWrap(True)
        layout.addWidget(path)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(560, self._height(len(fresh)))

    def _fill(self, row: int, entry: Any) -> None:
        cells = (
            str(entry.get("source", "")),
            str(entry.get("departement", "")),
            str(entry.get("updated_at", ""))[:10],
        )
        for column, text in enumerate(cells):
            self.freshness.setItem(row, column, QTableWidgetItem(text))
        count = QTableWidgetItem()
        count.setData(
            Qt.ItemDataRole.DisplayRole, int(entry.get("items") or 0)
        )  # sorts as a number
        count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.freshness.setItem(row, 3, count)

    def _height(self, rows: int) -> int:
        """Tall enough for the rows, never taller than most of the screen (a laptop's 768 px
        minus the task bar): beyond that the table scrolls."""
        screen = self.screen().availableGeometry() if self.screen() else None
        ceiling = int((screen.height() if screen else 768) * 0.8)
        wanted = self.sizeHint().height() + min(rows, 30) * (self.fontMetrics().height() + 8)
        return min(wanted, ceiling)
