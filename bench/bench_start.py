"""Benchmark of the window's cold start: a fresh process from its first line to a shown window
whose catalogue is open and searchable (`backendReady`), CPU time of the process (all its
threads; QtWebEngine's own processes apart) and wall time, then the moment the pickers and
autocomplete are filled too (`backendWarm`). Ours: folium, openpyxl and psycopg imported when
used, the place index read from the data folder, the autocomplete tables, OPCOs and diplomas
built after the window answers. Naive baseline, in the same run: those three imported at
start and every index built before the window is ready (what the window did before).

Run: python bench/bench_start.py [--runs 5] [--catalogue france.sqlite]
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


def _naive_load_backend() -> Any:
    """Everything built before the window answers, as before: the in-memory geocoder, the
    OPCO values and the diplomas index."""
    from lba_desktop.catalogue_facets import opco_values
    from lba_desktop.certifications import certification_index
    from lba_desktop.geocoding import default_geocoder
    from lba_desktop.local_catalogue import describe, open_catalogue
    from lba_desktop.metiers import default_metier_index
    from lba_desktop.search import SearchService
    from lba_desktop.ui.backend import Backend

    store = open_catalogue()
    geocoder = default_geocoder()
    metiers = default_metier_index()
    certification_index(store)
    return Backend(
        store=store,
        info=describe(store),
        geocoder=geocoder,
        metiers=metiers,
        search=SearchService(store, geocoder=geocoder, metiers=metiers),
        opcos=opco_values(store),
    )


def child(naive: bool) -> None:
    started = time.perf_counter()
    if naive:
        # What the window's modules imported at start.
        import folium
        import folium.plugins  # noqa: F401
        import openpyxl  # noqa: F401
        import psycopg  # noqa: F401
    import PySide6.QtWebEngineWidgets  # noqa: F401 - before the QApplication, as the app does
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from lba_desktop.ui import main_window
    from lba_desktop.ui.app import setup_application

    if naive:
        main_window.load_backend = _naive_load_backend  # type: ignore[assignment]
    app = QApplication([])
    setup_application(app)
    window = main_window.MainWindow(remember_geometry=False, watch_network=False)
    loop = QEventLoop()
    window.backendReady.connect(loop.quit)
    window.show()
    loop.exec()
    ready_wall = time.perf_counter() - started
    ready_cpu = time.process_time()
    warm = Waiter(window.backendWarm, loop, QTimer)
    warm.wait()
    print(
        json.dumps(
            {
                "ready_s": ready_wall,
                "ready_cpu_s": ready_cpu,
                "warm_s": time.perf_counter() - started,
                "warm_cpu_s": time.process_time(),
            }
        )
    )
    window.close()


class Waiter:
    """Waits for a signal that may already have been emitted."""

    def __init__(self, signal: Any, loop: Any, timer: Any) -> None:
        self.seen = False
        self.loop = loop
        self.timer = timer
        signal.connect(self._seen)

    def _seen(self) -> None:
        self.seen = True
        self.loop.quit()

    def wait(self) -> None:
        if not self.seen:
            self.timer.singleShot(60_000, self.loop.quit)
            self.loop.exec()


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 3),
        "min": round(ordered[0], 3),
        "max": round(ordered[-1], 3),
        "n": len(ordered),
    }


def run(naive: bool, home: Path) -> dict[str, float]:
    env = {**os.environ, "LBA_DESKTOP_HOME": str(home)}
    args = [sys.executable, __file__, "--child"] + (["--naive"] if naive else [])
    out = subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=300, check=True
    ).stdout
    return json.loads(next(x for x in out.splitlines() if x.startswith("{")))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--catalogue", type=Path, default=None, help="catalogue file to use")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.naive)
        return

    home = Path(tempfile.mkdtemp(prefix="lba-bench-start-"))
    if args.catalogue:
        (home / "catalogue.sqlite").symlink_to(args.catalogue.resolve())
    # A first start of each kind writes what later starts read (the demo catalogue when none
    # is given, the map page, the place index): a counsellor's second and later starts.
    run(False, home)
    run(True, home)
    samples: dict[str, dict[str, list[float]]] = {"ours": {}, "naive": {}}
    for _ in range(args.runs):  # interleaved, so that the machine's load weighs on both
        for name in samples:
            for key, value in run(name == "naive", home).items():
                samples[name].setdefault(key, []).append(value)
    result: dict[str, Any] = {
        "catalogue": str(args.catalogue or "demo"),
        **{name: {k: summary(v) for k, v in s.items()} for name, s in samples.items()},
    }
    result["ratio_naive_over_ours_ready_cpu_p50"] = round(
        result["naive"]["ready_cpu_s"]["p50"] / result["ours"]["ready_cpu_s"]["p50"], 2
    )
    result["budget"] = "cold start to an interactive window ≤ 2.5 s with the france catalogue"
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
