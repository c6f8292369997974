"""Benchmark of the window: cold start to an interactive window, search-to-rows latency (ours:
rows prepared once, number columns sorted by the model, fitted columns sized from the widest
text; naive baseline: the list model computing every cell at each call, Qt's proxy sorting and
ResizeToContents columns), map update with 2,000 markers (ours: one JavaScript call on a page
built once; naive baseline: a whole folium page rebuilt and loaded per search), and resident
memory. Prints JSON. At demo scale by default; `--catalogue FILE` runs on another catalogue
(the france one: `python bench/bench_search.py` builds it, or `lba_desktop.data.demo`).

Run: python bench/bench_gui.py [--repeat 30] [--cold 3] [--catalogue france.sqlite]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lba_desktop.ui.chromium_flags import prepare_chromium

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")
prepare_chromium()  # the flags the window starts with (lba_desktop.ui.app)

MARKERS = 2000
QUERIES = [
    ("boulanger", "Aurillac"),
    ("aide-soignant", "Lyon"),
    ("coiffure", "Clermont-Ferrand"),
    ("maçon", "Rennes"),
    ("cuisinier", "Paris"),
    ("vendeur", "Marseille"),
    ("mécanicien automobile", "Lille"),
    ("comptable", "Toulouse"),
]


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}  # nothing measured (`--cold 0`)
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(p95, 2),
        "max": round(ordered[-1], 2),
        "n": len(ordered),
    }


# --- cold start (a fresh process each time) ----------------------------------------------


def cold_start_child() -> None:
    """Time from process start to a shown window whose catalogue is open (interactive), then
    to the map page loaded."""
    started = time.perf_counter()
    import PySide6.QtWebEngineWidgets  # noqa: F401 - before the QApplication, as the app does
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from lba_desktop.ui.app import setup_application
    from lba_desktop.ui.main_window import MainWindow

    app = QApplication([])
    setup_application(app)
    window = MainWindow(remember_geometry=False, watch_network=False)
    loop = QEventLoop()
    window.backendReady.connect(loop.quit)
    window.show()
    loop.exec()
    interactive = time.perf_counter() - started
    interactive_cpu = time.process_time()
    if not window.map.ready and window.map.available:
        window.map.pageReady.connect(loop.quit)
        QTimer.singleShot(30_000, loop.quit)
        loop.exec()
    map_ready = time.perf_counter() - started
    print(
        json.dumps(
            {
                "interactive_s": interactive,
                "interactive_cpu_s": interactive_cpu,
                "map_ready_s": map_ready,
            }
        )
    )
    window.close()


def cold_starts(n: int, home: Path) -> dict[str, Any]:
    interactive, interactive_cpu, map_ready = [], [], []
    env = {**os.environ, "LBA_DESKTOP_HOME": str(home)}
    for _ in range(n):
        out = subprocess.run(
            [sys.executable, __file__, "--child-cold-start"],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            check=True,
        ).stdout
        line = next(x for x in out.splitlines() if x.startswith("{"))
        data = json.loads(line)
        interactive.append(data["interactive_s"])
        interactive_cpu.append(data["interactive_cpu_s"])
        map_ready.append(data["map_ready_s"])
    return {
        "interactive_s": summary(interactive),
        "interactive_cpu_s": summary(interactive_cpu),
        "map_ready_s": summary(map_ready),
    }


# --- in-process measurements -------------------------------------------------------------


class Waiter:
    """Blocks the benchmark (not the app) until a signal or a JS callback arrives."""

    def __init__(self) -> None:
        from PySide6.QtCore import QEventLoop

        self.loop = QEventLoop()
        self.value: Any = None

    def done(self, value: Any = None) -> None:
        self.value = value
        self.loop.quit()

    def wait(self, timeout_ms: int = 60_000) -> Any:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(timeout_ms, self.loop.quit)
        self.loop.exec()
        return self.value


def naive_results_model(window: Any) -> Any:
    """The baseline list: every cell computed from its hit at each of Qt's calls, the proxy
    sorting through the model's sort role, the fitted columns left to ResizeToContents."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QHeaderView

    from lba_desktop.map_page import marker_key
    from lba_desktop.ui import results_model as rm
    from lba_desktop.ui.look import kind_icon
    from lba_desktop.ui.results_table import FITTED
    from lba_desktop.ui.table_model import ListTableModel

    class NaiveModel(ListTableModel):
        HEADERS = rm.HEADERS
        HEADER_TIPS = rm.HEADER_TIPS

        def set_rows(self, hits: Any) -> None:
            self.beginResetModel()
            self._rows = list(hits)
            self._keys = {marker_key(h.item.kind, h.item.id): r for r, h in enumerate(self._rows)}
            self.endResetModel()

        def hits(self) -> Any:
            return tuple(self._rows)

        def row_of_key(self, key: str) -> int:
            return self._keys.get(key, -1)

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if not index.isValid() or index.row() >= len(self._rows):
                return None
            hit, col = self._rows[index.row()], index.column()
            if role == rm.ItemRole:
                return hit.item
            if role == rm.HitRole:
                return hit
            if role == rm.KeyRole:
                return marker_key(hit.item.kind, hit.item.id)
            if role == Qt.ItemDataRole.DisplayRole:
                return rm._display(hit, col)
            if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
                return rm._display(hit, col, full=True)
            if role == rm.SortRole:
                return rm._sort_key(hit, col)
            if role == Qt.ItemDataRole.DecorationRole and col == rm.COL_KIND:
                return kind_icon(hit.item.kind)
            if role == Qt.ItemDataRole.TextAlignmentRole and col == rm.COL_DISTANCE:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None

    naive = NaiveModel(window)
    window.model = naive
    window.proxy.setSourceModel(naive)
    header = window.table.horizontalHeader()
    for col in FITTED:
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    # The proxy sorts a model it does not know itself, through the sort role.
    window.proxy.sort(rm.COL_DISTANCE, Qt.SortOrder.AscendingOrder)
    return naive


def search_latency(window: Any, repeat: int) -> dict[str, Any]:
    from lba_desktop.ui.backend import SearchRequest

    samples, cpu, rows = [], [], []
    for i in range(repeat):
        metier, lieu = QUERIES[i % len(QUERIES)]
        place = window.backend.geocoder.resolve(lieu)
        request = SearchRequest(lieu=place, metier=metier, rayon=60)
        waiter = Waiter()
        window.searchFinished.connect(waiter.done)
        t0, c0 = time.perf_counter(), time.process_time()
        window._start_search(request)
        waiter.wait()
        samples.append((time.perf_counter() - t0) * 1000)
        # CPU of this process (the search's worker thread and the list): holds on a busy machine.
        cpu.append((time.process_time() - c0) * 1000)
        window.searchFinished.disconnect(waiter.done)
        rows.append(window.model.rowCount())
    return {
        "ms": summary(samples),
        "cpu_ms": summary(cpu),
        "rows_mean": round(statistics.mean(rows), 1),
    }


def big_result(window: Any) -> Any:
    """A result of 2,000 positioned items around Paris, as a France-scale search would bring."""
    from lba_desktop.data.catalogue import _SELECT_ITEM, row_to_item
    from lba_desktop.models import Hit, SearchResult

    store = window.backend.store
    place = window.backend.geocoder.resolve("Paris")
    # Only the 2,000 rows shown: listing the whole catalogue first (500,000 items) left ~180 MB
    # in this process that the memory figure then counted as the window's.
    with store.lock:
        rows = store.conn.execute(
            f"{_SELECT_ITEM} FROM items i WHERE i.lat IS NOT NULL AND i.lon IS NOT NULL "
            "ORDER BY i.kind, i.id LIMIT ?",
            (MARKERS,),
        ).fetchall()
    items = [row_to_item(r, store.insertion) for r in rows]
    criteria = window.backend.search.build_criteria(lieu=place, texte="a", rayon=200)
    hits = tuple(Hit(item=it, distance_km=None) for it in items)
    counts: dict[Any, int] = {}
    for h in hits:
        counts[h.item.kind] = counts.get(h.item.kind, 0) + 1
    return SearchResult(criteria=criteria, hits=hits, counts=counts, elapsed_ms=0.0)


def map_update(window: Any, result: Any, repeat: int) -> dict[str, Any]:
    """Ours: one lbaSetResults call; timed until its JavaScript callback returns (markers in
    the cluster layer, bounds fitted)."""
    from lba_desktop.map_page import markers_payload

    samples = []
    count = 0
    for _ in range(repeat):
        waiter = Waiter()
        window.map.resultsShown.connect(waiter.done)
        t0 = time.perf_counter()
        window.map.set_results(markers_payload(result))
        count = waiter.wait()
        samples.append((time.perf_counter() - t0) * 1000)
        window.map.resultsShown.disconnect(waiter.done)
    return {"ms": summary(samples), "markers": count}


def naive_map_update(window: Any, result: Any, repeat: int, folder: Path) -> dict[str, Any]:
    """Baseline: build a folium page with 2,000 CircleMarkers in a MarkerCluster (offline
    assets, same outlines), save it, load it fresh, and wait until JavaScript can count them."""
    import folium
    from folium.plugins import MarkerCluster

    from lba_desktop import map_page

    map_js, map_css, cluster_js, cluster_css = map_page._offline_assets()
    view = window.map.view
    # The naive pages have no lba* functions: the panel must not talk to them.
    view.loadFinished.disconnect(window.map._on_load_finished)
    samples, build = [], []
    count = 0
    for i in range(repeat):
        t0 = time.perf_counter()
        fmap = folium.Map(location=map_page.FRANCE_CENTRE, zoom_start=6, tiles=None)
        fmap.options["maxZoom"] = 14
        fmap.default_js, fmap.default_css = map_js, map_css
        for _name, outline in map_page._outline_files():
            folium.GeoJson(json.loads(outline.read_text(encoding="utf-8"))).add_to(fmap)
        cluster = MarkerCluster()
        cluster.default_js, cluster.default_css = cluster_js, cluster_css
        cluster.add_to(fmap)
        for hit in result.hits:
            item = hit.item
            folium.CircleMarker(
                [item.lat, item.lon],
                radius=7,
                color="#ffffff",
                fill=True,
                fill_color=map_page.KIND_COLOURS[item.kind],
                popup=folium.Popup(f"<b>{item.title}</b><br>{item.organisation}"),
            ).add_to(cluster)
        path = folder / f"naive-{i}.html"
        fmap.save(str(path))
        build.append((time.perf_counter() - t0) * 1000)
        loaded = Waiter()
        view.loadFinished.connect(loaded.done)
        from PySide6.QtCore import QUrl

        view.load(QUrl.fromLocalFile(str(path)))
        loaded.wait()
        view.loadFinished.disconnect(loaded.done)
        counted = Waiter()
        name = cluster.get_name()
        view.page().runJavaScript(f"{name}.getLayers().length", 0, counted.done)
        count = counted.wait()
        samples.append((time.perf_counter() - t0) * 1000)
    page_kb = round(path.stat().st_size / 1024)
    return {
        "ms": summary(samples),
        "python_build_ms": summary(build),
        "page_kb": page_kb,
        "markers": count,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--map-repeat", type=int, default=10)
    parser.add_argument("--cold", type=int, default=3)
    parser.add_argument("--catalogue", type=Path, default=None, help="catalogue file to use")
    parser.add_argument("--child-cold-start", action="store_true")
    args = parser.parse_args()
    if args.child_cold_start:
        cold_start_child()
        return

    home = Path(tempfile.mkdtemp(prefix="lba-bench-gui-"))
    os.environ["LBA_DESKTOP_HOME"] = str(home)
    if args.catalogue:
        (home / "catalogue.sqlite").symlink_to(args.catalogue.resolve())
    # The first run builds the demo catalogue; cold starts are measured after it exists.
    from lba_desktop.local_catalogue import open_catalogue

    t0 = time.perf_counter()
    open_catalogue().close()
    demo_build_s = time.perf_counter() - t0

    cold = cold_starts(args.cold, home)

    import psutil
    import PySide6.QtWebEngineWidgets  # noqa: F401
    from PySide6.QtWidgets import QApplication

    from lba_desktop.ui.app import setup_application
    from lba_desktop.ui.main_window import MainWindow

    app = QApplication([])
    setup_application(app)
    window = MainWindow(remember_geometry=False, watch_network=False)
    waiter = Waiter()
    window.backendReady.connect(waiter.done)
    window.show()
    waiter.wait()
    if not window.map.ready:
        waiter = Waiter()
        window.map.pageReady.connect(waiter.done)
        waiter.wait()

    search_latency(window, len(QUERIES))  # each query once: first reads of the file
    search = search_latency(window, args.repeat)
    result = big_result(window)
    ours = map_update(window, result, args.map_repeat)
    process = psutil.Process()
    rss_mb = process.memory_info().rss / 2**20
    children = [(c.name(), c.memory_info().rss / 2**20) for c in process.children(True)]
    tree_mb = rss_mb + sum(mb for _, mb in children)
    naive_model = naive_results_model(window)
    naive_search = search_latency(window, args.repeat)
    assert naive_model.rowCount() == window.proxy.rowCount()
    naive = naive_map_update(window, result, max(3, args.map_repeat // 3), home)
    window.close()

    print(
        json.dumps(
            {
                "scale": "demo" if args.catalogue is None else str(args.catalogue),
                "demo_catalogue_build_s": round(demo_build_s, 2),
                "cold_start": {
                    k: {kk: round(vv, 3) if isinstance(vv, float) else vv for kk, vv in v.items()}
                    for k, v in cold.items()
                },
                "search_to_rows": {
                    "ours": search,
                    "naive_model": naive_search,
                    "ratio_naive_over_ours_p95": round(
                        naive_search["ms"]["p95"] / search["ms"]["p95"], 1
                    ),
                    "ratio_naive_over_ours_cpu_p50": round(
                        naive_search["cpu_ms"]["p50"] / search["cpu_ms"]["p50"], 1
                    ),
                    "budget": "p95 ≤ 50 ms at france scale",
                },
                "map_update_2000_markers": {
                    "ours_runjavascript": ours,
                    "naive_rebuild_and_reload": naive,
                    "ratio_naive_over_ours_p50": round(naive["ms"]["p50"] / ours["ms"]["p50"], 1),
                },
                "rss_mb_gui_process": round(rss_mb, 1),
                "rss_mb_process_tree": round(tree_mb, 1),
                "rss_mb_child_processes": [[name, round(mb, 1)] for name, mb in children],
                "note": "RSS of the Python/Qt process, and summed with its QtWebEngine child "
                "processes (after the searches and the map updates); budget ≤ 600 MB summed.",
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
