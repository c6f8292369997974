"""« À propos des données »: the catalogue's summary and its freshness per source and
département, in a window that fits a laptop screen whatever the number of rows."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from lba_desktop.ui.data_info_dialog import DataInfoDialog

SHOTS = Path(os.environ.get("LBA_UI_SHOTS") or tempfile.gettempdir()) / "lba-ui-shots"


def synced_info(info: Any, rows: int) -> Any:
    freshness = [
        {
            "source": "offres" if n % 2 else "formations",
            "departement": f"{n // 2 + 1:02d}",
            "updated_at": "2026-12-01T08:00:00+00:00",
            "items": 1000 + 37 * n,
        }
        for n in range(rows)
    ]
    freshness[5]["source"] = "<b>injecté</b>"  # upstream text is shown as text
    return replace(info, origin="sync", details={**info.details, "freshness": freshness})


def test_demo_data_are_said_fictitious(qtbot: Any, window: Any) -> None:
    window.show_data_info()
    dialog = window.data_info_dialog
    qtbot.waitExposed(dialog)
    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "fictives" in text
    # Every source and département, not the first forty.
    assert dialog.freshness.rowCount() == len(window.backend.info.details["freshness"]) > 40


def test_two_hundred_freshness_rows_fit_a_laptop_screen_and_sort_by_count(
    qtbot: Any, window: Any
) -> None:
    dialog = DataInfoDialog(synced_info(window.backend.info, 200), window)
    dialog.open()
    qtbot.waitExposed(dialog)
    assert dialog.freshness.rowCount() == 200  # every row, the table scrolls
    assert dialog.frameGeometry().height() <= dialog.screen().availableGeometry().height()
    dialog.freshness.sortItems(3, Qt.SortOrder.DescendingOrder)
    assert dialog.freshness.item(0, 3).text().replace("\u202f", "").replace(" ", "") == "8363"
    shown = [dialog.freshness.item(r, 0).text() for r in range(200)]
    assert "<b>injecté</b>" in shown
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "data-info-200-rows.png"))
