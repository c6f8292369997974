"""Benchmark of the map with its background: a map update with 2,000 markers while the label
layer and the cached tiles are on (ours: one lbaSetResults call, the place names re-placed
without overlap), beside the same update with markers alone and with a naive label layer
(every candidate name of the view added as its own Leaflet marker, no collision test), and
what the tile cache and the place names add to the running application's memory (the
Python/Qt process and its QtWebEngine children, with and without them, in fresh processes).
Prints JSON.

Run: python bench/bench_map.py [--repeat 15] [--memory-runs 3]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

# The same wait for a signal or a JS callback as the window benchmark.
from bench.bench_gui import Waiter

MARKERS = 2000
AURILLAC = (44.9264, 2.4397)

# The naive label layer: each name of the view (zoom and bounds as ours) as an L.marker with
# a DivIcon, all of them, rebuilt on every update.
NAIVE_LABELS_JS = """
(function () {
  var map = window.lbaMap, rows = window.LBA_PLACES || [];
  if (window.naiveLabels) { map.removeLayer(window.naiveLabels); }
  var z = Math.floor(map.getZoom() + 1e-6), b = map.getBounds().pad(0.05);
  var group = L.layerGroup();
  for (var i = 0; i < rows.length; i++) {
    var r = rows[i];
    if (r[3] > z || !b.contains([r[1], r[2]])) { continue; }
    var el = document.createElement('span');
    el.textContent = r[0];
    group.addLayer(L.marker([r[1], r[2]], {icon: L.divIcon({html: el, className: 'naive'}),
                                           interactive: false}));
  }
  window.naiveLabels = group.addTo(map);
  return group.getLayers().length;
})()
"""


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1),
            "max": round(ordered[-1], 1), "n": len(ordered)}  # fmt: skip


def js(panel: Any, code: str) -> Any:
    waiter = Waiter()
    panel.run_js(code, waiter.done)
    return waiter.wait()


def settle(ms: int) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def payloads() -> list[dict[str, Any]]:
    """Two results of 2,000 positioned items around Aurillac (an update always changes)."""
    from lba_desktop.map_page import markers_payload
    from lba_desktop.models import Hit, SearchResult
    from lba_desktop.ui.backend import load_backend

    backend = load_backend()
    place = backend.geocoder.resolve("Aurillac")
    criteria = backend.search.build_criteria(lieu=place, texte="a", rayon=100)
    items = [it for it in backend.store.iter_items() if it.has_position]
    items.sort(key=lambda it: math.hypot(it.lat - AURILLAC[0], it.lon - AURILLAC[1]))
    out = []
    for chosen in (items[:MARKERS], items[MARKERS // 2 : MARKERS // 2 + MARKERS]):
        hits = tuple(Hit(item=it, distance_km=None) for it in chosen)
        result = SearchResult(criteria=criteria, hits=hits, counts={}, elapsed_ms=0.0)
        out.append(markers_payload(result))
    backend.store.close()
    return out


def open_panel(*, tiles: bool) -> Any:
    from lba_desktop.ui.map_view import MapPanel

    panel = MapPanel(online_tiles=tiles)
    panel.resize(1366, 768)
    panel.show()
    if not panel.ready:
        waiter = Waiter()
        panel.pageReady.connect(waiter.done)
        waiter.wait()
    return panel


def tree_cpu_s() -> float:
    """CPU seconds used so far by this process and its children (the page renders in a
    QtWebEngine child): a measure the other programs of a shared machine do not inflate."""
    import psutil

    me = psutil.Process()
    total = 0.0
    for p in [me, *me.children(recursive=True)]:
        try:
            t = p.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system
    return total


def update_times(panel: Any, loads: list[dict[str, Any]], repeat: int, *, naive: bool
                 ) -> tuple[dict[str, Any], int, int]:  # fmt: skip
    """Wall and CPU ms per update until the page answers (markers clustered, bounds fitted,
    names placed)."""
    wall, cpu, markers, names = [], [], 0, 0
    for i in range(repeat):
        waiter = Waiter()
        panel.resultsShown.connect(waiter.done)
        c0, t0 = tree_cpu_s(), time.perf_counter()
        panel.set_results(loads[i % 2])
        markers = waiter.wait()
        names = js(panel, NAIVE_LABELS_JS if naive else "lbaPlaces.shown().length")
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((tree_cpu_s() - c0) * 1000)
        panel.resultsShown.disconnect(waiter.done)
    return {"wall_ms": summary(wall), "cpu_ms": summary(cpu)}, markers, names


def tree_memory_mb() -> dict[str, float]:
    """Resident and unique memory of this process and its children (QtWebEngine's)."""
    import psutil

    me = psutil.Process()
    procs = [me, *me.children(recursive=True)]
    rss = uss = 0
    for p in procs:
        try:
            info = p.memory_full_info()
        except psutil.Error:
            continue
        rss += info.rss
        uss += info.uss
    return {"rss_mb": round(rss / 2**20, 1), "uss_mb": round(uss / 2**20, 1)}


def new_application() -> Any:
    from PySide6.QtWidgets import QApplication

    from lba_desktop.ui.app import setup_application
    from lba_desktop.ui.tile_scheme import register_tile_scheme

    register_tile_scheme()  # before the QApplication, as the application does
    app = QApplication([])
    setup_application(app)
    return app


def memory_child(mode: str) -> None:
    """One fresh application: the map over 2,000 markers around Aurillac, browsed over a few
    zooms; `bare` without tiles and with the names removed, `full` with both."""
    app = new_application()
    loads = payloads()
    if mode == "bare":  # the prepared Cantal would show even with online tiles off
        import lba_desktop.ui.map_view as map_view

        map_view.has_prepared_tiles = lambda _key: False
    panel = open_panel(tiles=mode == "full")
    if mode == "bare":
        js(panel, "lbaPlaces.setRows([]), 1")
    panel.set_results(loads[0])
    for zoom in (9, 10, 11, 10, 9):
        js(panel, f"lbaMap.setView([{AURILLAC[0]}, {AURILLAC[1]}], {zoom}, {{animate: false}}), 1")
        settle(1500)
    print(json.dumps(tree_memory_mb()))
    panel.release()
    del app


def memory(runs: int) -> dict[str, Any]:
    found: dict[str, list[dict[str, float]]] = {"bare": [], "full": []}
    for _ in range(runs):
        for mode in found:
            command = [sys.executable, __file__, "--memory-child", mode]
            out = subprocess.run(command, capture_output=True, text=True, check=True)
            found[mode].append(json.loads(out.stdout.strip().splitlines()[-1]))
    med = {m: {k: round(statistics.median(r[k] for r in rows), 1) for k in ("rss_mb", "uss_mb")}
           for m, rows in found.items()}  # fmt: skip
    return {
        "without_tiles_and_names": med["bare"],
        "with_cached_tiles_and_names": med["full"],
        "added_uss_mb": round(med["full"]["uss_mb"] - med["bare"]["uss_mb"], 1),
        "added_rss_mb": round(med["full"]["rss_mb"] - med["bare"]["rss_mb"], 1),
        "runs": runs,
    }


def prepare_cantal() -> None:
    from lba_desktop.map_territory import plan_territory, prepare_territory
    from lba_desktop.map_tiles import TileSource, provider

    source = TileSource(provider(), online=True)
    prepare_territory(plan_territory(["15"], 11, source))
    source.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--memory-runs", type=int, default=3)
    parser.add_argument("--memory-child", choices=["bare", "full"])
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.memory_child)
        return

    os.environ["LBA_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="lba-bench-map-")
    from tests.tile_server import TileServer

    server = TileServer()
    os.environ["LBA_TILE_URL"] = server.template
    prepare_cantal()  # then served from the cache only: the server stops
    server.stop()
    os.environ["LBA_TILE_URL"] = server.template

    app = new_application()
    loads = payloads()
    panel = open_panel(tiles=True)
    update_times(panel, loads, 2, naive=False)  # warm-up: first clustering, fonts
    ours, markers, names = update_times(panel, loads, args.repeat, naive=False)
    js(panel, "lbaPlaces.setRows([]), 1")  # now markers alone, then the naive names
    alone, _, _ = update_times(panel, loads, args.repeat, naive=False)
    naive, _, naive_names = update_times(panel, loads, args.repeat, naive=True)
    tiles_served = panel.tiles.served if panel.tiles is not None else 0
    panel.release()
    cpu = os.cpu_count()
    print(json.dumps({
        "map_update_2000_markers_with_names_and_tiles": {
            "ours": ours, "markers": markers, "names_placed": names,
            "markers_alone_no_names": alone,
            "naive_every_name_a_marker": naive, "naive_names": naive_names,
            "ratio_naive_over_ours_cpu_p50": round(naive["cpu_ms"]["p50"] /
                                                   ours["cpu_ms"]["p50"], 2),
            "tiles_served_from_cache": tiles_served,
        },
        "memory_added_by_tiles_and_names": memory(args.memory_runs),
        "machine_cpus": cpu,
    }, indent=2, ensure_ascii=False))  # fmt: skip
    del app


if __name__ == "__main__":
    main()
