"""The MBTiles tile cache and the tile source: tiles kept and read back in the MBTiles layout,
the size bound met by dropping the least recently used, a provider that cannot be reached
giving no tile (and no error), LBA_TILE_URL replacing the provider's URL."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lba_desktop.data.tile_cache import TileCache
from lba_desktop.map_tiles import PROVIDERS, TileSource, parse_tile_path, provider
from tests.tile_server import TileServer, tile_png


def test_tiles_are_kept_in_the_mbtiles_layout(tmp_path: Path) -> None:
    cache = TileCache(tmp_path / "t.mbtiles")
    cache.put(9, 259, 184, b"\x89PNG tile")
    assert cache.get(9, 259, 184) == b"\x89PNG tile" and cache.get(9, 259, 185) is None
    cache.close()
    with sqlite3.connect(tmp_path / "t.mbtiles") as db:  # what another MBTiles reader sees
        (row,) = db.execute("SELECT zoom_level, tile_column, tile_row FROM tiles").fetchall()
        assert row == (9, 259, (1 << 9) - 1 - 184)  # TMS rows, as the format says
        assert dict(db.execute("SELECT name, value FROM metadata"))["format"] == "png"


def test_the_size_bound_drops_the_least_recently_used(tmp_path: Path) -> None:
    cache = TileCache(tmp_path / "t.mbtiles", max_bytes=5_000)
    for x in range(5):
        cache.put(10, x, 0, bytes(1_000))
    assert cache.get(10, 0, 0) is not None  # used again: now the most recent
    cache.put(10, 9, 0, bytes(1_000))  # over the bound
    assert cache.size_bytes <= 5_000 * 0.9
    assert cache.has(10, 0, 0) and cache.has(10, 9, 0)
    assert not cache.has(10, 1, 0)  # the oldest unused one went first
    reopened_size = cache.size_bytes
    cache.close()
    assert TileCache(tmp_path / "t.mbtiles", max_bytes=5_000).size_bytes == reopened_size


def test_the_source_fetches_keeps_and_survives_the_server_going_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = TileServer()
    monkeypatch.setenv("LBA_TILE_URL", server.template)
    chosen = provider("osm")
    assert chosen.template == server.template and chosen.attribution == PROVIDERS["osm"].attribution
    source = TileSource(chosen, online=True, cache=TileCache(tmp_path / "t.mbtiles"))
    assert source.cached(9, 259, 184) is None
    assert source.fetch(9, 259, 184) == tile_png(9, 259, 184)
    server.stop()
    assert source.cached(9, 259, 184) == tile_png(9, 259, 184)
    assert source.fetch(9, 259, 185) is None  # refused: no tile, no exception
    assert server.requests == [(9, 259, 184)]
    assert all(agent.startswith("lba-desktop/") for agent in server.user_agents)


def test_only_tile_paths_within_the_world_are_read() -> None:
    assert parse_tile_path("/9/259/184") == (9, 259, 184)
    for bad in ("/9/600/1", "/../../etc", "/9/1", "/99/1/1", "/9/-1/2"):
        assert parse_tile_path(bad) is None
    assert provider().key == "plan-ign" and not PROVIDERS["osm"].bulk_allowed


def test_prepared_tiles_stay_out_of_the_size_bound(tmp_path: Path) -> None:
    cache = TileCache(tmp_path / "t.mbtiles", max_bytes=3_000)
    for x in range(3):
        cache.put(11, x, 0, bytes(1_000), prepared=True)
    cache.put(11, 9, 0, bytes(1_000))  # seen on a map
    assert cache.size_bytes == 1_000 and cache.prepared_bytes() == 3_000
    assert cache.mark_prepared(11, 9, 0) and cache.size_bytes == 0
    for x in range(20, 30):  # far more seen tiles than the bound allows
        cache.put(11, x, 0, bytes(1_000))
    assert cache.size_bytes <= 3_000
    assert all(cache.has(11, x, 0) for x in (0, 1, 2, 9))  # none of the prepared went
    assert not cache.mark_prepared(11, 50, 0)  # no such tile
    cache.close()
    assert TileCache(tmp_path / "t.mbtiles", max_bytes=3_000).size_bytes <= 3_000
