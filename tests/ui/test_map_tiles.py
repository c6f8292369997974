"""Real map tiles behind the place names, from a tile server of the tests' own (LBA_TILE_URL):
fetched once with the application's User-Agent, kept in the MBTiles cache, served from it
with the server stopped; with no tile at all the names are still there."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from lba_desktop.data.tile_cache import TileCache
from lba_desktop.map_tiles import cache_path, provider
from tests.tile_server import TileServer


@pytest.fixture
def tiles(monkeypatch: pytest.MonkeyPatch) -> Iterator[TileServer]:
    server = TileServer()
    monkeypatch.setenv("LBA_TILE_URL", server.template)
    yield server
    server.stop()


def js(qtbot: Any, panel: Any, code: str) -> Any:
    with qtbot.waitCallback(timeout=10_000) as callback:
        panel.run_js(code, callback)
    return callback.args[0] if callback.args else None


def open_panel(qtbot: Any, *, online_tiles: bool = True) -> Any:
    from lba_desktop.ui.map_view import MapPanel

    panel = MapPanel(online_tiles=online_tiles)
    qtbot.addWidget(panel)
    panel.resize(800, 500)
    panel.show()
    qtbot.waitUntil(lambda: panel.ready, timeout=30_000)
    js(
        qtbot,
        panel,
        "lbaMap.invalidateSize(), lbaMap.setView([44.93, 2.44], 9, {animate: false}), 1",
    )
    return panel


# Tiles whose image arrived (Leaflet marks failed ones « loaded » too).
LOADED = (
    "[].filter.call(document.querySelectorAll('img.leaflet-tile'), "
    "function (t) { return t.complete && t.naturalWidth > 0; }).length"
)


def test_tiles_are_fetched_once_then_served_from_the_cache_offline(
    qtbot: Any, app: Any, tiles: TileServer
) -> None:
    panel = open_panel(qtbot)
    qtbot.waitUntil(lambda: (js(qtbot, panel, LOADED) or 0) >= 4, timeout=20_000)
    assert tiles.requests and {z for z, _x, _y in tiles.requests} <= {6, 9}  # opening, then ours
    assert all(ua.startswith("lba-desktop/") for ua in tiles.user_agents)
    names = json.loads(js(qtbot, panel, "JSON.stringify(lbaPlaces.shown())"))
    assert len(names) >= 5  # the names stay over the tiles
    cache = TileCache(cache_path(provider()))
    qtbot.waitUntil(lambda: cache.count() >= len(set(tiles.requests)), timeout=10_000)
    cache.close()
    panel.release()
    tiles.stop()  # offline from now on: what was seen must still show
    fetched = set(tiles.requests)
    again = open_panel(qtbot)
    qtbot.waitUntil(lambda: (js(qtbot, again, LOADED) or 0) >= 4, timeout=20_000)
    assert set(tiles.requests) == fetched  # nothing more was asked
    again.release()


def test_without_any_tile_the_names_remain_and_no_image_is_broken(
    qtbot: Any, app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LBA_TILE_URL", "http://127.0.0.1:9/{z}/{x}/{y}.png")  # nobody there
    panel = open_panel(qtbot)
    qtbot.waitUntil(
        lambda: len(json.loads(js(qtbot, panel, "JSON.stringify(lbaPlaces.shown())"))) >= 5,
        timeout=20_000,
    )
    assert js(qtbot, panel, LOADED) == 0
    # A failed tile is an empty image without alt text: nothing drawn, no broken icon.
    alts = js(qtbot, panel, "[].map.call(document.querySelectorAll('.leaflet-tile'), "
                            "function (t) { return t.alt; }).join('')")  # fmt: skip
    assert alts == ""
    panel.release()
