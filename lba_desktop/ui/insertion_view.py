"""The details panel's « Devenir des apprentis » box: a training's InserJeunes rates beside its
région's and France's for the same diploma, each column with its cohort, or why there is none."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from lba_desktop.insertion import SOURCE_FR, insertion_table
from lba_desktop.models import Item, Kind


def _table_html(columns: list[str], rows: list[tuple[str, tuple[str, ...]]]) -> str:
    head = "".join(f"<th align='right'>&nbsp;{c}</th>" for c in columns)
    body = "".join(
        f"<tr><td>{html.escape(label)}</td>"
        + "".join(f"<td align='right'>&nbsp;{html.escape(cell)}</td>" for cell in cells)
        + "</tr>"
        for label, cells in rows
    )
    return f"<table cellspacing='0' cellpadding='2'><tr><th></th>{head}</tr>{body}</table>"


def insertion_box(item: Item) -> QWidget | None:
    """The box for a training (None for other kinds)."""
    if item.kind is not Kind.FORMATION:
        return None
    table = insertion_table(item)
    box = QFrame()
    box.setObjectName("insertionBox")
    box.setFrameShape(QFrame.Shape.StyledPanel)
    box.setAccessibleName("Devenir des apprentis (InserJeunes)")
    layout = QVBoxLayout(box)
    layout.setContentsMargins(8, 6, 8, 6)
    layout.setSpacing(4)
    title = QLabel("<b>Devenir des apprentis</b> — " + html.escape(SOURCE_FR))
    title.setWordWrap(True)
    layout.addWidget(title)
    if not table.empty:
        # A rate is never read without its cohort: once above the table when the columns
        # share it, else under each column's title.
        if table.cohort:
            cohort = QLabel("Cohorte : " + table.cohort)
            cohort.setObjectName("insertionCohort")
            cohort.setWordWrap(True)
            layout.addWidget(cohort)
        columns = [
            html.escape(c.title)
            + ("" if table.cohort else f"<br><small>{html.escape(c.cohort)}</small>")
            for c in table.columns
        ]
        figures = QLabel(_table_html(columns, list(table.rows)))
        figures.setObjectName("insertionFigures")
        figures.setTextFormat(Qt.TextFormat.RichText)
        figures.setWordWrap(True)
        figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        figures.setAccessibleName("Taux d'insertion")
        layout.addWidget(figures)
    for note in table.notes:
        label = QLabel(note)
        label.setObjectName("insertionNote")
        label.setWordWrap(True)
        if table.fictitious and note == table.notes[-1]:
            label.setStyleSheet("color:#c0392b; font-weight:bold;")
        layout.addWidget(label)
    return box
