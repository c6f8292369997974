"""Benchmark of the search service at `france` scale against a naive full scan.

Usage: python bench/bench_search.py [--catalogue FILE] [--queries 300] [--rounds 3]
                                    [--baseline-queries 25] [--item-cache N]
Prints one JSON document: p50/p95/max of the search service over varied queries (big cities
and rural places, 10–100 km, 1–20 ROME codes, all kinds, upstream caps), each query's figure
being its median over `--rounds` passes that each start from a fresh store; the same without
the item cache; peak memory of the search process; and the same queries through a naive
baseline (every row scanned with a Python haversine) with the ratio.
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
from lba_desktop.data.lru_cache import DEFAULT_CAPACITY, LruCache  # noqa: E402
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


def timed_round(
    path: Path, queries: list[SearchCriteria], cache_capacity: int
) -> tuple[list[float], list[int], int, int]:
    """One pass as a freshly started app: new store (empty caches), 20 warm-up searches."""
    store = CatalogueStore(path)
    store.item_cache = LruCache(cache_capacity)
    service = SearchService(store)
    for criteria in queries[:20]:
        service.search(criteria)
    hits, misses = store.item_cache.hits, store.item_cache.misses
    timings, sizes = [], []
    for criteria in queries:
        started = time.perf_counter()
        result = service.search(criteria)
        timings.append((time.perf_counter() - started) * 1000)
        sizes.append(len(result.hits))
    cache = store.item_cache
    store.close()
    return timings, sizes, cache.hits - hits, cache.misses - misses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--baseline-queries", type=int, default=25)
    parser.add_argument("--catalogue", type=Path, default=None, help="reuse this france file")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the queries")
    parser.add_argument(
        "--item-cache", type=int, default=None, help="items kept in memory (0: none)"
    )
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

    all_romes = sorted(m.code for m in load_metiers())
    queries = make_queries(args.queries, all_romes)
    capacity = DEFAULT_CAPACITY if args.item_cache is None else args.item_cache
    rounds = [timed_round(path, queries, capacity) for _ in range(args.rounds)]
    # This machine is shared: one query's figure is its median over the rounds, so that a
    # moment of contention does not pass for the search's own cost.
    timings = [statistics.median(r[0][i] for r in rounds) for i in range(len(queries))]
    every_sample = [t for r in rounds for t in r[0]]
    result_sizes = rounds[0][1]
    hits = sum(r[2] for r in rounds)
    misses = sum(r[3] for r in rounds)
    cold = None
    if capacity:
        cold_rounds = [timed_round(path, queries, 0) for _ in range(args.rounds)]
        cold = [statistics.median(r[0][i] for r in cold_rounds) for i in range(len(queries))]
    store = CatalogueStore(path)
    store.item_cache = LruCache(capacity)
    service = SearchService(store)
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
                "rounds": args.rounds,
                "every_sample_of_every_round": figures(every_sample),
                "item_cache": {
                    "capacity": capacity,
                    "hit_rate": round(hits / max(1, hits + misses), 3),
                },
                "search_service_without_item_cache": figures(cold) if cold else None,
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
