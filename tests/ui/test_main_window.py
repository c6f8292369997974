"""The main window over the demo catalogue: search from the keyboard, kinds shown or hidden,
list and map in step through QWebChannel, errors shown inline, screenshot mode."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from lba_desktop.local_catalogue import open_catalogue
from lba_desktop.map_page import marker_key
from lba_desktop.models import Kind
from lba_desktop.search import SearchService
from lba_desktop.ui.results_model import COL_TITLE, ItemRole, KeyRole
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.server import FakeUpstream
from tests.ui.conftest import run_js, wait_map_ready


def expected(**kwargs: Any) -> Any:
    service = SearchService(open_catalogue())
    return service.search(service.build_criteria(**kwargs))


def search_from_keyboard(qtbot: Any, window: Any, metier: str, lieu: str) -> Any:
    filters = window.filters
    filters.metier_edit.setFocus()
    qtbot.keyClicks(filters.metier_edit, metier)
    filters.place_edit.setFocus()
    qtbot.keyClicks(filters.place_edit, lieu)
    with qtbot.waitSignal(window.searchFinished, timeout=20_000) as blocker:
        qtbot.keyClick(filters.place_edit, Qt.Key.Key_Return)
    return blocker.args[0]


def shown_keys(window: Any) -> list[str]:
    proxy = window.proxy
    return [proxy.index(r, 0).data(KeyRole) for r in range(proxy.rowCount())]


def test_typing_and_enter_fills_the_list_with_the_service_counts(qtbot: Any, window: Any) -> None:
    result = search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    want = expected(lieu="Aurillac", metier="boulanger")
    assert result.hits, "the demo catalogue has bakers around Aurillac"
    assert window.model.rowCount() == len(want.hits) == window.proxy.rowCount()
    assert sorted(shown_keys(window)) == sorted(
        marker_key(h.item.kind, h.item.id) for h in want.hits
    )
    for kind in Kind:
        assert f"{kind.plural_fr} ({want.counts[kind]})" == window.filters.kind_boxes[kind].text()
    # The typed place is replaced by the place it resolved to, so later filter changes reuse it.
    assert window.filters.place().code == "15014"
    assert "ms" in window.time_label.text()


def test_unticking_a_kind_hides_its_rows_but_keeps_its_count(qtbot: Any, window: Any) -> None:
    result = search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    formations = result.counts[Kind.FORMATION]
    assert formations > 0
    box = window.filters.kind_boxes[Kind.FORMATION]
    box.click()
    assert not box.isChecked()
    assert window.proxy.rowCount() == len(result.hits) - formations
    assert all(
        window.proxy.index(r, 0).data(ItemRole).kind is not Kind.FORMATION
        for r in range(window.proxy.rowCount())
    )
    assert box.text() == f"Formations ({formations})"
    assert "affiché" in window.summary.text()
    box.click()
    assert window.proxy.rowCount() == len(result.hits)


def test_widen_reaches_the_nearest_results(qtbot: Any, window: Any) -> None:
    window.filters.set_radius(10)
    result = search_from_keyboard(qtbot, window, "boulanger", "Saint-Flour")  # a small town
    assert result.widen_hint and window.widen_button.isVisible()
    wanted = result.widen_to_km
    assert wanted is not None and wanted > 10
    assert f"à {wanted} km" in window.widen_button.text()
    with qtbot.waitSignal(window.searchFinished, timeout=20_000) as blocker:
        qtbot.mouseClick(window.widen_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].criteria.radius_km == wanted == window.filters.radius()
    assert len(blocker.args[0].hits) > len(result.hits)


def test_row_selection_opens_the_marker_and_marker_click_selects_the_row(
    qtbot: Any, window: Any
) -> None:
    wait_map_ready(qtbot, window)
    with qtbot.waitSignal(window.map.resultsShown, timeout=20_000) as shown:
        result = search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    assert shown.args[0] == len([h for h in result.hits if h.item.has_position])
    assert run_js(qtbot, window, "lbaMarkerCount()") == len(result.hits)

    # List → map: clicking a row asks the page to open that marker.
    index = window.proxy.index(1, COL_TITLE)
    key = index.data(KeyRole)
    rect = window.table.visualRect(index)
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.details.hit().item.id == index.data(ItemRole).id
    qtbot.waitUntil(lambda: run_js(qtbot, window, "window.lbaSelectedId") == key, timeout=10_000)

    # Map → list, through the channel object's slot (what the page calls).
    other = window.proxy.index(0, 0).data(KeyRole)
    window.map.bridge.markerClicked(other)
    assert window.table.selectionModel().selectedRows()[0].data(KeyRole) == other

    # Map → list for real: a click fired on the Leaflet marker crosses QWebChannel.
    target = window.proxy.index(2, 0).data(KeyRole)
    with qtbot.waitSignal(window.map.markerClicked, timeout=10_000) as clicked:
        window.map.run_js(f"window.lbaMarkers[{target!r}].fire('click')", None)
    assert clicked.args == [target]
    assert window.table.selectionModel().selectedRows()[0].data(KeyRole) == target


def test_unticking_a_kind_removes_its_markers(qtbot: Any, window: Any) -> None:
    wait_map_ready(qtbot, window)
    with qtbot.waitSignal(window.map.resultsShown, timeout=20_000):
        result = search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    with qtbot.waitSignal(window.map.resultsShown, timeout=10_000) as shown:
        window.filters.kind_boxes[Kind.FORMATION].click()
    assert shown.args[0] == len(result.hits) - result.counts[Kind.FORMATION]


def test_window_works_without_the_map(qtbot: Any, make_window: Any, monkeypatch: Any) -> None:
    def broken(_parent: Any) -> Any:
        raise RuntimeError("QtWebEngine absent")

    monkeypatch.setattr("lba_desktop.ui.map_view.create_web_view", broken)
    window = make_window()
    assert not window.map.available
    assert "carte ne peut pas s'afficher" in window.map._message.text()
    result = search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    assert window.proxy.rowCount() == len(result.hits) > 0
    qtbot.mouseClick(
        window.table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.table.visualRect(window.proxy.index(0, 1)).center(),
    )
    assert window.details.hit() is not None


def test_an_unknown_place_is_explained_and_greys_the_results(qtbot: Any, window: Any) -> None:
    search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    before = shown_keys(window)
    place = window.filters.place_edit
    place.clear()
    qtbot.keyClicks(place, "Zzyzxville")
    with qtbot.waitSignal(window.searchFailed, timeout=20_000):
        qtbot.keyClick(place, Qt.Key.Key_Return)
    assert window.filters.error_frame.isVisible()
    assert "Lieu introuvable" in window.filters.error_text()
    # The rows of the previous search stay, greyed, under a line saying whose they are.
    assert shown_keys(window) == before and not window.table.isEnabled()
    assert window.banner.isVisible() and "recherche précédente" in window.banner_label.text()
    assert window.details.hit() is None
    place.clear()
    search_from_keyboard(qtbot, window, "", "Aurillac")
    assert window.table.isEnabled()
    assert not (window.banner.isVisible() and "précédente" in window.banner_label.text())


def test_enter_searches_while_stale_suggestions_are_open(qtbot: Any, window: Any) -> None:
    """A slow typist (or a busy machine) sees the suggestions of the first letters still open
    when pressing Enter: the search runs with what was typed."""
    search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    place = window.filters.place_edit
    place.clear()
    qtbot.keyClicks(place, "Z")
    popup = window.filters.place_completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=5_000)  # « Zonza (2A) », « Zillisheim (68) »…
    qtbot.keyClicks(place, "zyzxville")
    with qtbot.waitSignal(window.searchFailed, timeout=20_000):
        qtbot.keyClick(place, Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert "Lieu introuvable" in window.filters.error_text()


def test_an_ambiguous_place_offers_its_candidates(qtbot: Any, window: Any) -> None:
    window.filters.metier_edit.setText("boulanger")
    window.filters.place_edit.setText("Saint-Denis")
    with qtbot.waitSignal(window.searchFailed, timeout=20_000):
        window.search()
    buttons = [
        window.filters.candidates_box.itemAt(i).widget()
        for i in range(window.filters.candidates_box.count())
    ]
    labels = [b.text() for b in buttons if hasattr(b, "clicked")]
    assert any("(93)" in t for t in labels) and any("(974)" in t for t in labels)
    button = next(b for b in buttons if hasattr(b, "clicked") and "(93)" in b.text())
    with qtbot.waitSignal(window.searchFinished, timeout=20_000) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].criteria.place.code == "93066"
    assert not window.filters.error_frame.isVisible()


def test_completions_keep_the_exact_place_and_add_metiers(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    filters = window.filters
    filters.metier_edit.setFocus()
    qtbot.keyClicks(filters.metier_edit, "boulang")
    popup = filters.metier_completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    model = filters.metier_completer.completionModel()
    assert "Boulanger / Boulangère — D1102" in [
        model.index(r, 0).data() for r in range(model.rowCount())
    ]
    popup.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert [m.code for m in filters.chosen_metiers()] == ["D1102"]
    assert filters.metier_edit.text() == ""

    filters.place_edit.setFocus()
    qtbot.keyClicks(filters.place_edit, "saint-denis")
    popup = filters.place_completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=5_000)
    model = filters.place_completer.completionModel()
    labels = [model.index(r, 0).data() for r in range(model.rowCount())]
    row = next(r for r, text in enumerate(labels) if text.startswith("Saint-Denis (974)"))
    popup.setCurrentIndex(model.index(row, 0))
    with qtbot.waitSignal(window.searchFinished, timeout=20_000) as blocker:
        qtbot.keyClick(popup, Qt.Key.Key_Return)
    # The picked homonym is searched as is, not resolved again from its text.
    assert filters.place().code == "97411"
    assert blocker.args[0].criteria.place.code == "97411"


def test_ctrl_f_focuses_the_metier_field(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    window.table.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.filters.metier_edit.hasFocus, timeout=2_000)


def test_every_control_is_named_for_screen_readers(window: Any) -> None:
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QSpinBox

    for kind in (QLineEdit, QComboBox, QSpinBox, QAbstractButton):
        for widget in window.findChildren(kind):
            if widget.objectName().startswith("qt_") or not widget.isVisibleTo(window):
                continue
            name = widget.accessibleName() or (widget.text() if hasattr(widget, "text") else "")
            assert name, f"{type(widget).__name__} sans nom accessible"
            assert widget.toolTip() or isinstance(widget, QAbstractButton), widget


def test_results_model_passes_the_model_tester(qtbot: Any, window: Any, qtmodeltester: Any) -> None:
    search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    qtmodeltester.check(window.model)
    qtmodeltester.check(window.proxy)


def test_screenshot_mode_writes_a_png(demo_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "capture.png"
    env = {**os.environ, "LBA_DESKTOP_HOME": str(demo_home), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from lba_desktop.cli import main; sys.exit(main())",
            "--screenshot",
            str(out),
            "--metier",
            "boulanger",
            "--lieu",
            "Aurillac",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    # Qt's and Chromium's harmless start-up noise stays out of the terminal (--debug shows it).
    for noise in ("GPUInfo", "propagateSizeHints", "RHI", "ERROR:", "Vulkan"):
        assert noise not in done.stderr, done.stderr


def test_the_status_bar_says_offline_when_the_services_do_not_answer(
    qtbot: Any, window: Any
) -> None:
    # The tests' upstream is a closed local port: the check is refused, whatever the machine.
    qtbot.waitUntil(lambda: window.network_label.text() == "Hors ligne", timeout=10_000)
    assert "locale" in window.network_label.toolTip()


def test_the_status_bar_says_online_when_the_services_answer(
    qtbot: Any,
    make_window: Any,
    fake_upstream: FakeUpstream,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LBA_API_URL", fake_upstream.api_url)
    window = make_window()
    qtbot.waitUntil(lambda: window.network_label.text() == "En ligne", timeout=10_000)
