"""Benchmark of the search service at `france` scale against a naive full scan.

Usage: python bench/bench_search.py [--queries 300] [--baseline-queries 25] [--rebuild]
Prints one JSON document: p50/p95/max of the search service over varied queries (big cities
and rural places, 10–100 km, 1–20 ROME codes, all kinds, upstream caps), peak memory of the
search process, and the same queries through a naive baseline (every row scanned with a
Python haversine) with the ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lba_desktop.data.catalogue import CatalogueStore  # noqa: E402
from lba_desktop.data.demo import build_demo_catalogue  # noqa: E402
from lba_desktop.data.referentials import load_metiers  # noqa: E402
from lba_desktop.geo import distance_km  # noqa: E402
from lba_desktop.geocoding import default_geocoder  # noqa: E402
from lba_desktop.models import DEFAULT_LIMITS, Kind, SearchCriteria  # noqa: E402
from lba_desktop.search import SearchService  # noqa: E402

CITIES = ["Paris", "Lyon", "Marseille", "Lille", "Toulouse", "Bordeaux", "Nantes", "Strasbourg"]
RURAL = [
    "Aurillac",
    "Mende",
    "Guéret",
    "Privas",
    "Millau",
    "Saint-Flour",
    "Tulle",
    "Foix",
    "Bar-le-Duc",
    "Chaumont",
    "Digne-les-Bains",
    "Lannemezan",
    "Ussel",
    "Cayenne",
]
RADII = (10, 30, 60, 100)
# Métiers where apprenticeship is common, plus the long tail drawn from every ROME code.
POPULAR = [
    "D1102",
    "D1104",
    "D1101",
    "D1202",
    "D1106",
    "D1211",
    "D1214",
    "G1602",
    "G1803",
    "I1604",
    "I1606",
    "F1602",
    "F1603",
    "F1703",
    "H2206",
    "J1501",
    "J1304",
    "M1203",
    "M1607",
    "M1805",
    "N1103",
    "A1203",
    "D1402",
    "I1304",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def figures(values: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(values), 3),
        "p95_ms": round(percentile(values, 0.95), 3),
        "max_ms": round(max(values), 3),
        "n": len(values),
    }


def make_queries(n: int, all_romes: list[str], seed: int = 7) -> list[SearchCriteria]:
    geocoder = default_geocoder()
    rng = random.Random(seed)
    places = [geocoder.resolve(name) for name in CITIES + RURAL]
    queries = []
    for i in range(n):
        place = places[i % len(places)]
        count = rng.choice([1, 1, 2, 3, 5, 10, 20])
        pool = POPULAR if rng.random() < 0.7 else all_romes
        romes = tuple(dict.fromkeys(rng.choice(pool) for _ in range(count)))
        queries.append(SearchCriteria(place=place, romes=romes, radius_km=rng.choice(RADII)))
    return queries


def naive_search(rows: list[tuple], criteria: SearchCriteria) -> list[tuple[float, tuple]]:
    """What one would write first: scan everything, haversine each row, sort, cap."""
    lat0, lon0 = criteria.place.lat, criteria.place.lon
    wanted = set(criteria.romes)
    by_kind: dict[str, list[tuple[float, tuple]]] = {k.value: [] for k in Kind}
    for row in rows:
        kind, lat, lon, romes = row
        if lat is None or not wanted.intersection(romes.split()):
            continue
        d = distance_km(lat0, lon0, lat, lon)
        if d <= criteria.radius_km:
            by_kind[kind].append((d, row))
    hits = []
    for kind, found in by_kind.items():
        found.sort(key=lambda pair: pair[0])
        hits.extend(found[: DEFAULT_LIMITS[kind]])
    hits.sort(key=lambda pair: pair[0])
    return hits


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--baseline-queries", type=int, default=25)
    parser.add_argument("--catalogue", type=Path, default=None, help="reuse this france file")
    parser.add_argument("--build-only", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build_demo_catalogue(args.build_only, scale="france", today=date(2026, 11, 23))
        return

    path = args.catalogue
    build_seconds = None
    if path is None or not path.exists():
        # Built in a child process so that its memory does not count as the search process's.
        path = path or Path(tempfile.mkdtemp()) / "france.sqlite"
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--build-only", str(path)], check=True)
        build_seconds = round(time.perf_counter() - started, 2)

    store = CatalogueStore(path)
    service = SearchService(store)
    all_romes = sorted(m.code for m in load_metiers())
    queries = make_queries(args.queries, all_romes)

    for criteria in queries[:20]:  # warm the page cache as a running app would be
        service.search(criteria)
    timings, result_sizes = [], []
    for criteria in queries:
        started = time.perf_counter()
        result = service.search(criteria)
        timings.append((time.perf_counter() - started) * 1000)
        result_sizes.append(len(result.hits))
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT kind, lat, lon, romes FROM items").fetchall()
    conn.close()
    base_queries = queries[: args.baseline_queries]
    base_timings, mismatches, fallbacks = [], 0, 0
    for criteria in base_queries:
        started = time.perf_counter()
        naive = naive_search(rows, criteria)
        base_timings.append((time.perf_counter() - started) * 1000)
        result = service.search(criteria)
        if result.nearest_anywhere:
            fallbacks += 1  # the naive scan has no "nearest anywhere": nothing to compare
        elif len(naive) != len(result.hits):
            mismatches += 1
    same_queries = timings[: len(base_timings)]

    print(
        json.dumps(
            {
                "catalogue": {
                    "items": len(rows),
                    "file_mb": round(path.stat().st_size / 1e6, 1),
                    "build_seconds": build_seconds,
                },
                "search_service": figures(timings),
                "results_per_query": {
                    "p50": statistics.median(result_sizes),
                    "max": max(result_sizes),
                },
                "peak_rss_mb_search_process": round(peak_rss_mb, 1),
                "naive_baseline": figures(base_timings),
                "speedup_p50_same_queries": round(
                    statistics.median(base_timings) / statistics.median(same_queries), 1
                ),
                "baseline_result_count_mismatches": mismatches,
                "baseline_queries_answered_by_nearest_anywhere": fallbacks,
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
