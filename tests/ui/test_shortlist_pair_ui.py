"""A parcours from the « Parcours complets » panel into the shortlist, as one row with a
status for each side, edited in place and removed as one."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from PySide6.QtWidgets import QComboBox, QFileDialog

from lba_desktop.models import Hit
from lba_desktop.people import PeopleService, ShortlistStatus
from lba_desktop.ui.parcours_view import ItemRole
from lba_desktop.ui.shortlist_model import COL_KIND, COL_POS, COL_STATUS, COL_TITLE, LineRole
from tests.ui.test_parcours_ui import _profile_ready
from tests.ui.test_people_ui import SHOTS

# The tooltips of the lines drawn on the window's map (the parcours layer).
LINK_TIPS_JS = (
    "JSON.stringify(Object.values(window.lbaMap._layers).filter(function (l) {"
    " return l instanceof L.Polyline && l.options.dashArray && l.getTooltip(); })"
    ".map(function (l) { return l.getTooltip().getContent(); }))"
)


def _js(qtbot: Any, window: Any, js: str) -> Any:
    got: list[Any] = []
    window.map.run_js(js, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    return got[0]


def _pairs_shown(qtbot: Any, window: Any) -> Any:
    parcours = _profile_ready(qtbot, window, "Inès", home_insee="Aurillac")
    box = parcours.panel.profile_box
    box.metier_edit.setText("boulanger")
    box._complete()
    box.metier_edit.returnPressed.emit()
    with qtbot.waitSignal(parcours.resultShown, timeout=30_000):
        box.pairs_button.click()
    return parcours


def test_a_pair_goes_into_the_shortlist_as_one_row(
    qtbot: Any, window: Any, monkeypatch: Any, tmp_path: Path
) -> None:
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

    # Exported from the window: the pair as a pair, with both addresses and the distances.
    files: list[Path] = []
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(files[-1]), ""))
    )
    texts = {}
    for fmt in ("pdf", "html", "csv"):
        files.append(tmp_path / f"selection.{fmt}")
        with qtbot.waitSignal(shortlist.exported, timeout=30_000):
            shortlist.export(fmt)
        if fmt == "pdf":
            pages = PdfReader(files[-1]).pages
            texts[fmt] = " ".join(" ".join(page.extract_text().split()) for page in pages)
        else:
            texts[fmt] = files[-1].read_text("utf-8-sig")
    training, employer = pair.training, pair.employer
    for fmt in ("pdf", "html"):
        text = texts[fmt]
        assert "1 parcours (formation + employeur)" in text
        assert f"Parcours avec n° 2 « {html.escape(employer.title, quote=False)}" in text or (
            f"Parcours avec n° 2 « {employer.title}" in text
        )
        assert f"Parcours avec n° 1 « {training.title} »" in text
        assert training.address in text and employer.address in text
        assert "trajets depuis le domicile" in text
    assert "formation de n° 2" in texts["csv"] and "employeur de n° 1" in texts["csv"]

    # Removed as one: both sides go.
    shortlist.remove_button.click()
    assert table.rowCount() == 0
    with PeopleService() as people:
        assert people.shortlist(line.entry.person_id) == []


def test_the_shortlist_map_draws_each_saved_pair_as_a_line(qtbot: Any, window: Any) -> None:
    parcours = _pairs_shown(qtbot, window)
    panel = parcours.panel
    model = panel.pairs_model
    # Two parcours with two different employers (an employer goes in one parcours only).
    rows: list[int] = []
    for r in range(model.rowCount()):
        p = model.index(r, 0).data(ItemRole)
        taken = {model.index(x, 0).data(ItemRole).employer.id for x in rows}
        placed = p.training and p.training.has_position and p.employer.has_position
        if placed and p.employer.id not in taken:
            rows.append(r)
    assert len(rows) >= 2
    chosen = [model.index(r, 0).data(ItemRole) for r in rows[:2]]
    for r in rows[:2]:
        panel.pairs.selectRow(r)
        panel.add_button.click()
    shortlist = window.followup.shortlist
    assert shortlist.model.rowCount() == 2
    # A single training or employer added on its own: a marker, no line.
    paired = {p.training.id for p in chosen}
    lone = next(t.item for t in parcours.result.trainings if t.item.id not in paired)
    assert window.followup.picking.add_hit(Hit(lone, None))
    assert shortlist.model.rowCount() == 3

    # The panel's own lines (of the training chosen above) may still be on their way: the
    # selection's come after them.
    with qtbot.waitSignal(window.map.linksShown, timeout=60_000, check_params_cb=lambda n: n == 2):
        shortlist.map_button.click()
    assert _js(qtbot, window, "window.lbaLinkCount()") == 2
    tips = json.loads(_js(qtbot, window, LINK_TIPS_JS))
    for pair in chosen:
        name = pair.employer.organisation or pair.employer.title
        shown = f"Parcours : {pair.training.title} + {name}"
        assert html.escape(shown, quote=False) in " | ".join(tips)  # as text, never markup

    # One parcours removed: its line goes with it.
    shortlist.table.selectRow(0)
    with qtbot.waitSignal(window.map.linksShown, timeout=30_000) as lines:
        shortlist.remove_button.click()
    assert lines.args[0] == 1
    assert len(json.loads(_js(qtbot, window, LINK_TIPS_JS))) == 1
    assert shortlist.map_button.isChecked()  # still the selection on the map
    window.followup.dock.show()
    window.followup.dock.raise_()
    window.resize(1366, 768)
    qtbot.wait(600)
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "shortlist_pair_map.png"))

    # Back to the search's results: no line stays.
    with qtbot.waitSignal(window.map.resultsShown, timeout=30_000):
        shortlist.map_button.click()
    assert _js(qtbot, window, "window.lbaLinkCount()") == 0
