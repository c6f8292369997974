"""« Préparer la carte d'un territoire »: the count and size shown before anything is fetched,
a progress bar, Annuler keeping what came, « Préparer » again resuming without asking a tile
twice, the prepared tiles then protected in the cache, OpenStreetMap refused; against the
tests' tile server (LBA_TILE_URL)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from lba_desktop.data.tile_cache import TileCache
from lba_desktop.map_territory import outlines_for, territory_tiles
from lba_desktop.map_tiles import cache_path, provider
from lba_desktop.settings import Settings, save_settings
from tests.tile_server import TileServer


@pytest.fixture
def tiles(monkeypatch: pytest.MonkeyPatch) -> Iterator[TileServer]:
    server = TileServer()
    monkeypatch.setenv("LBA_TILE_URL", server.template)
    yield server
    server.stop()


def open_dialog(qtbot: Any, codes: list[str], zoom: int) -> Any:
    from lba_desktop.ui.map_prepare_dialog import MapPrepareDialog

    dialog = MapPrepareDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.estimated, timeout=20_000):
        dialog.zoom.setValue(zoom)
        dialog.set_departements(codes)
    return dialog


def test_counted_before_then_prepared_then_nothing_left(
    qtbot: Any, app: Any, tiles: TileServer
) -> None:
    dialog = open_dialog(qtbot, ["15"], 8)
    expected = list(territory_tiles(outlines_for(["15"]), 8))
    assert not tiles.requests  # counting asks nothing of the server
    assert f"{len(expected)} tuiles jusqu'au zoom 8" in dialog.estimate_label.text()
    assert "Mo" in dialog.estimate_label.text() and dialog.start_button.isEnabled()
    with qtbot.waitSignal(dialog.finishedPreparing, timeout=30_000) as done:
        dialog.start_button.click()
    assert done.args[0].fetched == len(expected) and not done.args[0].cancelled
    assert sorted(tiles.requests) == sorted(expected)
    assert dialog.progress.value() == dialog.progress.maximum() == len(expected)
    assert "Carte prête hors ligne" in dialog.result_label.text()
    qtbot.waitUntil(lambda: "déjà prêtes" in dialog.estimate_label.text(), timeout=20_000)
    assert not dialog.start_button.isEnabled()
    dialog.close()
    cache = TileCache(cache_path(provider()), max_bytes=1)  # a tiny bound drops no prepared tile
    cache.put(12, 1, 1, bytes(10))
    assert all(cache.has(*t) for t in expected)
    assert cache.territories() == [{"departements": ["15"], "zoom_max": 8}]
    cache.close()


def test_cancel_keeps_what_came_and_start_resumes(qtbot: Any, app: Any, tiles: TileServer) -> None:
    save_settings(Settings(tile_provider="osm"))  # its rate (2 tiles a second) over our server
    dialog = open_dialog(qtbot, ["15"], 10)
    expected = list(territory_tiles(outlines_for(["15"]), 10))
    with qtbot.waitSignal(dialog.finishedPreparing, timeout=60_000) as stopped:
        dialog.start_button.click()
        qtbot.waitUntil(lambda: dialog.progress.value() >= 5, timeout=30_000)
        dialog.cancel_button.click()
    assert stopped.args[0].cancelled and 0 < len(tiles.requests) < len(expected)
    assert "reprend" in dialog.result_label.text()
    qtbot.waitUntil(dialog.start_button.isEnabled, timeout=20_000)
    left = len(expected) - len(tiles.requests)
    assert f"dont {left} à télécharger" in dialog.estimate_label.text()
    with qtbot.waitSignal(dialog.finishedPreparing, timeout=60_000):
        dialog.start_button.click()
    assert sorted(tiles.requests) == sorted(expected)  # each tile asked once in all
    dialog.close()


def test_openstreetmap_is_refused_before_anything(qtbot: Any, app: Any) -> None:
    from lba_desktop.ui.map_prepare_dialog import MapPrepareDialog

    save_settings(Settings(tile_provider="osm"))
    dialog = MapPrepareDialog()
    qtbot.addWidget(dialog)
    dialog.set_departements(["15"])
    assert "n'autorise pas" in dialog.estimate_label.text()
    assert not dialog.start_button.isEnabled()
    dialog.close()
    assert not cache_path(provider("osm")).exists()
