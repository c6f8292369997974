"""The map's settings: the tile provider and the cache size chosen in the settings dialog are
what the window's map uses; a prepared territory shows with online tiles off and no server."""

from __future__ import annotations

from typing import Any

import pytest

from lba_desktop.cli import main
from lba_desktop.settings import Settings, load_settings, save_settings
from tests.tile_server import TileServer
from tests.ui.test_map_tiles import LOADED, js, open_panel


def test_provider_and_cache_size_are_saved_and_checked(app: Any, qtbot: Any) -> None:
    from lba_desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(load_settings())
    qtbot.addWidget(dialog)
    dialog.tile_provider.setCurrentIndex(dialog.tile_provider.findData("osm"))
    dialog.tile_cache.setValue(800)
    dialog.accept()
    saved = load_settings()
    assert (saved.tile_provider, saved.tile_cache_mb) == ("osm", 800)


def test_a_prepared_territory_shows_with_online_tiles_off(
    app: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = TileServer()
    monkeypatch.setenv("LBA_TILE_URL", server.template)
    assert main(["carte", "preparer", "--departements", "15", "--zoom-max", "9", "--oui"]) == 0
    server.stop()
    save_settings(Settings(online_tiles=False, tile_cache_mb=300))
    panel = open_panel(qtbot, online_tiles=False)
    assert panel.tiles is not None and not panel.tiles.source.online
    assert panel.tiles.source.cache.max_bytes == 300 * 1024 * 1024
    qtbot.waitUntil(lambda: (js(qtbot, panel, LOADED) or 0) >= 4, timeout=20_000)
