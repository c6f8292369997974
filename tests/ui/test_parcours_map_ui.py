"""« Parcours complets » on the window map: home, the trainings, their employers, and a line
from the chosen training to each of its employers."""

from __future__ import annotations

import json
from typing import Any

from lba_desktop.map_page import marker_key
from lba_desktop.ui.parcours_view import ItemRole
from tests.ui.test_main_window import search_from_keyboard
from tests.ui.test_people_ui import SHOTS
from tests.ui.test_shortlist_pair_ui import _pairs_shown

MARKERS_JS = "JSON.stringify(Object.keys(window.lbaMarkers))"


def _js(qtbot: Any, window: Any, js: str) -> Any:
    got: list[Any] = []
    window.map.run_js(js, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    return got[0]


def test_the_map_shows_the_pairs_and_the_lines_of_the_chosen_training(
    qtbot: Any, window: Any
) -> None:
    with qtbot.waitSignal(window.map.resultsShown, timeout=60_000) as drawn:
        parcours = _pairs_shown(qtbot, window)
    result = parcours.result
    panel = parcours.panel
    keys = set(json.loads(_js(qtbot, window, MARKERS_JS)))
    trainings = {marker_key(t.item.kind, t.item.id) for t in result.trainings}
    employers = {marker_key(p.employer.kind, p.employer.id) for p in result.pairs}
    assert trainings <= keys and employers <= keys
    assert drawn.args[0] == len(keys)
    assert _js(qtbot, window, "window.lbaPlaces ? 1 : 0") == 1
    assert _js(qtbot, window, "window.lbaLinkCount()") == 0  # no training chosen yet

    # A training with employers: one line to each of them.
    model = panel.trainings_model
    row = max(range(model.rowCount()), key=lambda r: model.index(r, 0).data(ItemRole).employers)
    chosen = model.index(row, 0).data(ItemRole).item
    expected = sum(
        1
        for p in result.pairs
        if p.training is not None
        and p.training.id == chosen.id
        and p.training.has_position
        and p.employer.has_position
    )
    assert expected > 0
    with qtbot.waitSignal(window.map.linksShown, timeout=10_000) as lines:
        panel.trainings.selectRow(row)
    assert lines.args[0] == expected

    # A training without any employer draws none (the warning is in its popup).
    alone = [r for r in range(model.rowCount()) if model.index(r, 0).data(ItemRole).employers == 0]
    if alone:
        with qtbot.waitSignal(window.map.linksShown, timeout=10_000) as lines:
            panel.trainings.selectRow(alone[0])
        assert lines.args[0] == 0
        with qtbot.waitSignal(window.map.linksShown, timeout=10_000):
            panel.trainings.selectRow(row)

    # A click on a training's marker chooses it in the list.
    other = next(r for r in range(model.rowCount()) if r != row)
    other_item = model.index(other, 0).data(ItemRole).item
    window.map.markerClicked.emit(marker_key(other_item.kind, other_item.id))
    assert panel.trainings.selectionModel().selectedRows()[0].row() == other

    with qtbot.waitSignal(window.map.linksShown, timeout=10_000):
        panel.trainings.selectRow(row)
    window.resize(1366, 768)
    qtbot.wait(600)
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "parcours_map.png"))

    # A new search gives the map back to the results: no parcours line stays.
    with qtbot.waitSignal(window.map.resultsShown, timeout=30_000):
        search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    assert _js(qtbot, window, "window.lbaLinkCount()") == 0
