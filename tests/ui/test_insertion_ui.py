"""InserJeunes rates in the window over the demo catalogue: the details' box beside the région
and France with the cohort, why a rate is missing, and the sortable results column."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel

from lba_desktop.insertion import FICTITIOUS_FR, STATUS_FR, employment_6
from lba_desktop.models import Kind
from lba_desktop.ui.results_model import COL_INSERTION, ItemRole
from tests.ui.test_main_window import search_from_keyboard


def _box_texts(window: Any) -> list[str]:
    box = window.details.widget().findChild(QFrame, "insertionBox")
    assert box is not None
    return [label.text() for label in box.findChildren(QLabel)]


def _select(qtbot: Any, window: Any, row: int) -> Any:
    index = window.proxy.index(row, 0)
    rect = window.table.visualRect(index)
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    return index.data(ItemRole)


def test_a_training_shows_its_rates_beside_its_region_and_france(qtbot: Any, window: Any) -> None:
    search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    rows = range(window.proxy.rowCount())
    rated = [
        r
        for r in rows
        if window.proxy.index(r, 0).data(ItemRole).kind is Kind.FORMATION
        and employment_6(window.proxy.index(r, 0).data(ItemRole))[0] is not None
    ]
    assert rated, "the demo gives Aurillac's bakery trainings rates"
    item = _select(qtbot, window, rated[0])
    texts = _box_texts(window)
    joined = " ".join(texts)
    assert "Cohorte : sortants 2023 et 2024 (cumul 2023-2024)" in texts
    for column in ("Ce CFA", "Auvergne-Rhône-Alpes", "France"):
        assert column in joined
    rate, cell = employment_6(item)
    assert f"{rate:.0f} %" in joined and cell.endswith("(2023-2024)")
    assert FICTITIOUS_FR in texts  # demo figures say they are invented
    assert "Pas encore publié pour cette cohorte" in joined
    # The generic list of details does not dump the block a second time.
    assert not any("status" in t for t in texts)


def test_missing_rates_say_why(qtbot: Any, window: Any) -> None:
    search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    cells = {window.proxy.index(r, COL_INSERTION).data(): r for r in range(window.proxy.rowCount())}
    assert "< 20 jeunes" in cells
    _select(qtbot, window, cells["< 20 jeunes"])
    assert "moins de 20 jeunes" in " ".join(_box_texts(window))


def test_a_diploma_above_bts_says_inserjeunes_stops_at_bts(qtbot: Any, window: Any) -> None:
    search_from_keyboard(qtbot, window, "comptable", "Clermont-Ferrand")
    cells = [window.proxy.index(r, COL_INSERTION).data() for r in range(window.proxy.rowCount())]
    row = cells.index("après BTS")
    _select(qtbot, window, row)
    assert STATUS_FR["above_bts"] in _box_texts(window)


def test_the_insertion_column_sorts_trainings_by_their_rate(qtbot: Any, window: Any) -> None:
    search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    assert not window.table.isColumnHidden(COL_INSERTION)
    window.table.sortByColumn(COL_INSERTION, Qt.SortOrder.DescendingOrder)
    values = [
        employment_6(window.proxy.index(r, 0).data(ItemRole))[0]
        for r in range(window.proxy.rowCount())
    ]
    rated = [v for v in values if v is not None]
    assert len(rated) >= 2
    assert values[: len(rated)] == sorted(rated, reverse=True)  # rates first, highest first


def test_the_sync_dialog_offers_the_rates_unticked(window: Any) -> None:
    from tests.ui.test_sync_ui import open_dialog

    dialog = open_dialog(window)
    assert "inserjeunes" not in dialog.sources()  # published once a year: asked for knowingly
    dialog.insertion_box.setChecked(True)
    assert dialog.sources() == ("formations", "offres", "inserjeunes")
    dialog.close()
