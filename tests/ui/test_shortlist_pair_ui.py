"""A parcours from the « Parcours complets » panel into the shortlist, as one row with a
status for each side, edited in place and removed as one."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox

from lba_desktop.people import PeopleService, ShortlistStatus
from lba_desktop.ui.parcours_view import ItemRole
from lba_desktop.ui.shortlist_model import COL_KIND, COL_POS, COL_STATUS, COL_TITLE, LineRole
from tests.ui.test_parcours_ui import _profile_ready
from tests.ui.test_people_ui import SHOTS


def _pairs_shown(qtbot: Any, window: Any) -> Any:
    parcours = _profile_ready(qtbot, window, "Inès", home_insee="Aurillac")
    box = parcours.panel.profile_box
    box.metier_edit.setText("boulanger")
    box._complete()
    box.metier_edit.returnPressed.emit()
    with qtbot.waitSignal(parcours.resultShown, timeout=30_000):
        box.pairs_button.click()
    return parcours


def test_a_pair_goes_into_the_shortlist_as_one_row(qtbot: Any, window: Any) -> None:
    parcours = _pairs_shown(qtbot, window)
    panel = parcours.panel
    assert not panel.add_button.isEnabled()  # nothing chosen yet
    model = panel.pairs_model
    row = next(r for r in range(model.rowCount()) if model.index(r, 0).data(ItemRole).training)
    pair = model.index(row, 0).data(ItemRole)
    panel.pairs.selectRow(row)
    assert panel.add_button.isEnabled()
    panel.add_button.click()

    shortlist = window.followup.shortlist
    table = shortlist.model
    assert table.rowCount() == 1
    assert table.index(0, COL_KIND).data() == "Parcours"
    assert table.index(0, COL_POS).data() == "1–2"
    employer_name = pair.employer.title
    assert table.index(0, COL_TITLE).data() == f"{pair.training.title} + {employer_name}"
    assert table.index(0, COL_STATUS).data() == "F : À étudier · E : À étudier"
    assert "dont 1 parcours" in shortlist.title.text()
    assert f"Parcours « {pair.training.title} »" in window.statusBar().currentMessage()

    # The same pair again: said, not doubled.
    panel.add_button.click()
    assert table.rowCount() == 1
    assert "déjà dans la sélection" in window.statusBar().currentMessage()

    # The employer's status changed in place; the training's stays.
    window.followup.dock.show()
    window.followup.dock.raise_()
    index = table.index(0, COL_STATUS)
    shortlist.table.setCurrentIndex(index)
    shortlist.table.edit(index)
    qtbot.waitUntil(lambda: len(shortlist.table.findChildren(QComboBox)) >= 2, timeout=5_000)
    employer_combo = next(
        c for c in shortlist.table.findChildren(QComboBox) if c.objectName() == "statutEmployeur"
    )
    employer_combo.setCurrentIndex(employer_combo.findData(ShortlistStatus.CONTACTE.value))
    employer_combo.activated.emit(employer_combo.currentIndex())
    qtbot.waitUntil(lambda: "E : Contacté" in (table.index(0, COL_STATUS).data() or ""))
    line = table.index(0, 0).data(LineRole)
    with PeopleService() as people:
        (stored,) = people.shortlist_lines(line.entry.person_id)
    assert stored.entry.status is ShortlistStatus.A_ETUDIER
    assert stored.employer.status is ShortlistStatus.CONTACTE

    window.resize(1366, 768)
    shortlist.table.selectRow(0)
    qtbot.wait(200)
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "shortlist_pair.png"))

    # Removed as one: both sides go.
    shortlist.remove_button.click()
    assert table.rowCount() == 0
    with PeopleService() as people:
        assert people.shortlist(line.entry.person_id) == []
