"""Benchmark of the territory view at `france` scale against a naive per-view recount.

Usage: python bench/bench_territory.py [--catalogue FILE] [--rounds 3]
Prints one JSON document: p50/p95 (CPU time, and wall time beside it) of the territory view of
a département (every département, all its métiers, its professional domains and both action
lists) and of « all départements for one métier » (the map,
over the 40 commonest ROME codes), read from the aggregates; the same answers recounted from
`items` at each view (the naive baseline: what the view would cost without the aggregates —
counts only, not even the action lists); the ratio; the time the aggregates take to build
once over the whole catalogue; the peak memory of the process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lba_desktop.data.catalogue import CatalogueStore  # noqa: E402
from lba_desktop.data.demo import build_demo_catalogue  # noqa: E402
from lba_desktop.data.territory import build_territory  # noqa: E402
from lba_desktop.territory import TerritoryService  # noqa: E402


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(p95, 2)}


def timed(call, *args) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    call(*args)
    return (time.perf_counter() - started) * 1000


def cpu_and_wall(call, *args) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """CPU milliseconds (the machine is shared: wall time is noisy) and wall milliseconds."""
    cpu, wall = time.process_time(), time.perf_counter()
    call(*args)
    return (time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def naive_departement(conn: sqlite3.Connection, dep: str) -> dict[str, Counter[str]]:
    """Every item of the département read and counted per ROME and kind, at each view."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    employers: dict[str, set[str]] = defaultdict(set)
    rows = conn.execute(
        "SELECT kind, id, siret, romes FROM items WHERE departement = ? AND lat IS NOT NULL",
        (dep,),
    )
    for kind, item_id, siret, romes in rows:
        for rome in set(romes.split()):
            counts[rome][kind] += 1
            if kind != "formation":
                employers[rome].add(siret or f"{kind}:{item_id}")
    return counts


def naive_metier(conn: sqlite3.Connection, rome: str) -> dict[str, Counter[str]]:
    """One métier recounted in every département from the ROME index joined to `items`."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    rows = conn.execute(
        "SELECT i.departement, r.kind FROM item_romes r JOIN items i ON i.rowid = r.item "
        "WHERE r.rome = ?",
        (rome,),
    )
    for dep, kind in rows:
        counts[dep][kind] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--catalogue", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-territory-"))
    path = args.catalogue
    if path is None:
        path = work / "catalogue.sqlite"
        build_demo_catalogue(path, scale="france", today=date(2026, 11, 23))

    # The build, once, on a copy (the aggregates are rebuilt from `items` and the ROME index).
    copy = work / "build.sqlite"
    shutil.copyfile(path, copy)
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute("BEGIN")
    build_cpu, build_wall = cpu_and_wall(build_territory, conn)
    conn.execute("ROLLBACK")
    conn.close()

    store = CatalogueStore(path)
    service = TerritoryService(store)
    deps = list(service.departements)
    with store.lock:
        romes = [
            r
            for (r,) in store.conn.execute(
                "SELECT rome FROM territory_metiers WHERE scope = 'france' "
                "ORDER BY offres + formations DESC LIMIT 40"
            )
        ]
    view_ms: list[tuple[float, float]] = []
    map_ms: list[tuple[float, float]] = []
    for _ in range(args.rounds):
        view_ms += [cpu_and_wall(service.view, service.territory(departement=d)) for d in deps]
        map_ms += [cpu_and_wall(service.by_departement, r) for r in romes]
    naive = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    naive_view = [cpu_and_wall(naive_departement, naive, d) for d in deps]
    naive_map = [cpu_and_wall(naive_metier, naive, r) for r in romes]
    view, base_view = percentiles([c for c, _ in view_ms]), percentiles([c for c, _ in naive_view])
    one, base_one = percentiles([c for c, _ in map_ms]), percentiles([c for c, _ in naive_map])
    wall = {
        "view_of_a_departement": percentiles([w for _, w in view_ms]),
        "view_of_a_departement_naive_recount": percentiles([w for _, w in naive_view]),
        "all_departements_one_metier": percentiles([w for _, w in map_ms]),
        "all_departements_one_metier_naive_recount": percentiles([w for _, w in naive_map]),
    }
    print(
        json.dumps(
            {
                "catalogue": str(path),
                "items": {k.value: n for k, n in store.counts().items()},
                "build_aggregates_cpu_s": round(build_cpu / 1000, 2),
                "build_aggregates_wall_s": round(build_wall / 1000, 2),
                "cpu": "the figures below are CPU time; `wall` has the same in wall time",
                "view_of_a_departement": view,
                "view_of_a_departement_naive_recount": base_view,
                "view_ratio_p50": round(base_view["p50_ms"] / max(view["p50_ms"], 1e-3), 1),
                "all_departements_one_metier": one,
                "all_departements_one_metier_naive_recount": base_one,
                "metier_ratio_p50": round(base_one["p50_ms"] / max(one["p50_ms"], 1e-3), 1),
                "budgets_ms": {"view_of_a_departement": 200, "all_departements_one_metier": 1000},
                "wall": wall,
                "load_average": [round(x, 1) for x in os.getloadavg()],
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            },
            indent=2,
        )
    )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
