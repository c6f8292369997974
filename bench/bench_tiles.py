"""Benchmark of the map's offline parts: a cached tile read for the page (p50/p95 over a
prepared Cantal, against a naive read opening the MBTiles file for each tile), preparing
Cantal up to zoom 13 from the tests' local tile server, and computing the place names.
Prints JSON."""

from __future__ import annotations

import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["LBA_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="lba-bench-tiles-")

# Run from a checkout without installing the package.
from lba_desktop import place_names
from lba_desktop.data.tile_cache import TileCache
from lba_desktop.map_territory import outlines_for, prepare, territory_tiles
from lba_desktop.map_tiles import TileSource, provider
from tests.tile_server import TileServer


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100)
    return {"p50_ms": round(cuts[49] * 1000, 3), "p95_ms": round(cuts[94] * 1000, 3)}


def main() -> None:
    server = TileServer()
    os.environ["LBA_TILE_URL"] = server.template
    source = TileSource(provider(), online=True)
    tiles = list(territory_tiles(outlines_for(["15"]), 13))
    start = time.perf_counter()
    fetched, failed = prepare(source, tiles)
    prepare_s = time.perf_counter() - start
    server.stop()
    reads = []
    for tile in tiles * 3:
        t = time.perf_counter()
        source.cached(*tile)
        reads.append(time.perf_counter() - t)
    naive = []
    for tile in tiles:  # baseline: a connection per tile, as a file:// handler would
        t = time.perf_counter()
        with sqlite3.connect(source.cache.path) as db:
            z, x, y = tile
            db.execute(
                "SELECT tile_data FROM tiles WHERE zoom_level=? AND tile_column=? AND tile_row=?",
                (z, x, (1 << z) - 1 - y),
            ).fetchone()
        naive.append(time.perf_counter() - t)
    place_names.place_labels.cache_clear()
    t = time.perf_counter()
    labels = place_names.place_labels()
    labels_s = time.perf_counter() - t
    ours, base = percentiles(reads), percentiles(naive)
    print(json.dumps({
        "cached_tile_read": ours,
        "naive_read_connection_per_tile": base,
        "ratio_p95_naive_over_ours": round(base["p95_ms"] / max(ours["p95_ms"], 1e-6), 1),
        "prepare_cantal_z13": {"tiles": len(tiles), "fetched": fetched, "failed": failed,
                               "seconds": round(prepare_s, 1)},
        "cache_mb": round(source.cache.size_bytes / 1e6, 1),
        "place_names": {"labels": len(labels), "seconds": round(labels_s, 2)},
    }, indent=2))  # fmt: skip
    TileCache.close(source.cache)


if __name__ == "__main__":
    main()
