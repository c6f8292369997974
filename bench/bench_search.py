"""Benchmark of the search service against a naive full scan, over every kind of search.

Usage: python bench/bench_search.py [--catalogue FILE] [--scale france|million]
                                    [--queries 300] [--rounds 3] [--baseline-queries 4]
                                    [--check-queries N] [--item-cache N]
Draws its queries from every kind of search a counsellor types (métiers around a commune at
10–100 km, 20 ROME codes, free text, département, région, France entière, a diploma level,
a choice of result kinds, an OPCO, employeurs handi-engagés) and prints one JSON document:
p50/p95/p99 per kind of search and over all of them, in CPU time of the searching thread
(the machine may be shared) and in wall time — each query's figure being its median over
`--rounds` passes that each start from a fresh store — beside the CPU figures of a naive
full scan (every row in memory, a Python haversine each, sorted per kind); then whether the
service's answers equal the naive scan's (same items per kind, same items kept at each cap)
on `--check-queries` queries (all by default).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
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
from lba_desktop.geocoding import default_geocoder  # noqa: E402
from lba_desktop.models import ALL_KINDS, Kind, SearchCriteria  # noqa: E402
from lba_desktop.search import SearchService  # noqa: E402
from tests.naive_search import load_rows, naive_search  # noqa: E402

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
DEPARTEMENTS = ["Cantal", "Gironde", "Nord", "Lozère", "Finistère", "Bas-Rhin", "Paris", "Rhône"]
REGIONS = ["Bretagne", "Île-de-France", "Occitanie", "Auvergne-Rhône-Alpes", "Corse"]
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
# What counsellors type in the free-text box: common and rarer words, a few two-word queries.
WORDS = [
    "coiffure",
    "pâtisserie",
    "boulanger",
    "cuisine",
    "vente",
    "commerce",
    "maçon",
    "électricien",
    "plomberie",
    "comptable",
    "informatique",
    "mécanique",
    "paysagiste",
    "logistique",
    "hôtellerie",
    "esthétique",
    "boucherie",
    "aide-soignant",
    "graphisme",
    "bts",
    "cap coiffure",
    "bac pro commerce",
    "chauffagiste",
    "fleuriste",
]
OPCOS = ["AKTO", "ATLAS", "Constructys", "OPCO EP", "OPCO 2i", "Opcommerce", "OPCO Santé"]
SEARCH_KINDS = (
    "metiers_commune",
    "20_metiers",
    "texte",
    "departement",
    "region",
    "france",
    "niveau",
    "types",
    "opco",
    "handi",
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def figures(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    return {
        "p50_ms": round(statistics.median(values), 2),
        "p95_ms": round(percentile(values, 0.95), 2),
        "p99_ms": round(percentile(values, 0.99), 2),
        "max_ms": round(max(values), 2),
        "n": len(values),
    }


def make_queries(n: int, all_romes: list[str], seed: int = 7) -> list[tuple[str, SearchCriteria]]:
    """`n` queries, the kinds of search in turn, each with its kind's name."""
    geocoder = default_geocoder()
    rng = random.Random(seed)
    communes = [geocoder.resolve(name) for name in CITIES + RURAL]
    departements = [geocoder.resolve(name) for name in DEPARTEMENTS]
    regions = [geocoder.resolve(name) for name in REGIONS]
    france = geocoder.resolve("France")

    def romes(count: int | None = None) -> tuple[str, ...]:
        count = count or rng.choice([1, 1, 2, 3, 5, 10])
        pool = POPULAR if rng.random() < 0.7 else all_romes
        return tuple(dict.fromkeys(rng.choice(pool) for _ in range(count)))

    def what() -> dict:
        # Areas are searched by métier or by a word, as counsellors do.
        return {"text": rng.choice(WORDS)} if rng.random() < 0.4 else {"romes": romes()}

    queries = []
    for i in range(n):
        kind = SEARCH_KINDS[i % len(SEARCH_KINDS)]
        around = {"place": rng.choice(communes), "radius_km": rng.choice(RADII)}
        if kind == "metiers_commune":
            criteria = SearchCriteria(**around, romes=romes())
        elif kind == "20_metiers":
            criteria = SearchCriteria(**around, romes=romes(20))
        elif kind == "texte":
            criteria = SearchCriteria(**around, text=rng.choice(WORDS))
        elif kind == "departement":
            criteria = SearchCriteria(place=rng.choice(departements), **what())
        elif kind == "region":
            criteria = SearchCriteria(place=rng.choice(regions), **what())
        elif kind == "france":
            criteria = SearchCriteria(place=france, **what())
        elif kind == "niveau":
            criteria = SearchCriteria(**around, **what(), diploma_level=rng.choice([3, 4, 5, 6]))
        elif kind == "types":
            chosen = rng.sample(sorted(ALL_KINDS), rng.choice([1, 2, 3]))
            criteria = SearchCriteria(**around, **what(), kinds=frozenset(chosen))
        elif kind == "opco":
            criteria = SearchCriteria(**around, **what(), opco=rng.choice(OPCOS))
        else:
            criteria = SearchCriteria(**around, **what(), handi_friendly_only=True)
        queries.append((kind, criteria))
    return queries


def timed_round(
    path: Path, queries: list[SearchCriteria], cache_capacity: int
) -> tuple[list[float], list[float], int, int]:
    """One pass as a freshly started app: new store (empty caches), 20 warm-up searches."""
    store = CatalogueStore(path)
    store.item_cache = LruCache(cache_capacity)
    service = SearchService(store)
    for criteria in queries[:20]:
        service.search(criteria)
    hits, misses = store.item_cache.hits, store.item_cache.misses
    timings, cpu = [], []
    for criteria in queries:
        started, started_cpu = time.perf_counter(), time.thread_time()
        service.search(criteria)
        cpu.append((time.thread_time() - started_cpu) * 1000)
        timings.append((time.perf_counter() - started) * 1000)
    cache = store.item_cache
    store.close()
    return timings, cpu, cache.hits - hits, cache.misses - misses


def by_kind(labels: list[str], values: list[float]) -> dict[str, list[float]]:
    grouped: dict[str, list[float]] = {kind: [] for kind in SEARCH_KINDS}
    for label, value in zip(labels, values, strict=True):
        grouped[label].append(value)
    return grouped


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--baseline-queries", type=int, default=4, help="naive timings per kind")
    parser.add_argument("--check-queries", type=int, default=None, help="equality checks")
    parser.add_argument("--catalogue", type=Path, default=None, help="reuse this demo file")
    parser.add_argument("--scale", default="france", help="demo scale built without --catalogue")
    parser.add_argument("--rounds", type=int, default=3, help="passes over the queries")
    parser.add_argument(
        "--item-cache", type=int, default=None, help="items kept in memory (0: none)"
    )
    parser.add_argument("--build-only", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_only:
        build_demo_catalogue(args.build_only, scale=args.scale, today=date(2026, 11, 23))
        return

    path = args.catalogue
    build_seconds = None
    if path is None or not path.exists():
        # Built in a child process so that its memory does not count as the search process's.
        path = path or Path(tempfile.mkdtemp()) / f"{args.scale}.sqlite"
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, __file__, "--build-only", str(path), "--scale", args.scale],
            check=True,
        )
        build_seconds = round(time.perf_counter() - started, 2)

    all_romes = sorted(m.code for m in load_metiers())
    labelled = make_queries(args.queries, all_romes)
    labels = [label for label, _c in labelled]
    queries = [criteria for _l, criteria in labelled]
    capacity = DEFAULT_CAPACITY if args.item_cache is None else args.item_cache
    rounds = [timed_round(path, queries, capacity) for _ in range(args.rounds)]
    # This machine is shared: one query's figure is its median over the rounds, so that a
    # moment of contention does not pass for the search's own cost.
    timings = [statistics.median(r[0][i] for r in rounds) for i in range(len(queries))]
    cpu = [statistics.median(r[1][i] for r in rounds) for i in range(len(queries))]
    hits = sum(r[2] for r in rounds)
    misses = sum(r[3] for r in rounds)
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    store = CatalogueStore(path)
    service = SearchService(store)
    geocoder = default_geocoder()
    rows = load_rows(path)
    today = date.today().isoformat()
    naive_timings: dict[str, list[float]] = {kind: [] for kind in SEARCH_KINDS}
    checked, different = 0, []
    limit = len(queries) if args.check_queries is None else args.check_queries
    for i, (label, criteria) in enumerate(labelled):
        timed = len(naive_timings[label]) < args.baseline_queries
        if not timed and i >= limit:
            continue
        started = time.thread_time()
        expected, fallback = naive_search(rows, criteria, geocoder, today)
        if timed:
            naive_timings[label].append((time.thread_time() - started) * 1000)
        if i >= limit:
            continue
        result = service.search(criteria)
        got = {kind: [h.item.id for h in result.of_kind(kind)] for kind in Kind}
        checked += 1
        same = result.nearest_anywhere == fallback and all(
            sorted(got[kind]) == sorted(expected[kind]) for kind in Kind
        )
        if not same:
            different.append(
                {
                    "query": i,
                    "kind": label,
                    "service": {k.value: len(v) for k, v in got.items()},
                    "naive": {k.value: len(v) for k, v in expected.items()},
                    "same_counts": all(len(got[k]) == len(expected[k]) for k in Kind),
                }
            )
    store.close()

    grouped, grouped_cpu = by_kind(labels, timings), by_kind(labels, cpu)
    per_kind = {}
    for kind in SEARCH_KINDS:
        service_cpu = figures(grouped_cpu[kind])
        naive_figures = figures(naive_timings[kind])
        per_kind[kind] = {
            "service_cpu": service_cpu,
            "service_wall": figures(grouped[kind]),
            "naive_cpu": naive_figures,
            "speedup_p50_cpu": round(naive_figures["p50_ms"] / max(service_cpu["p50_ms"], 0.01))
            if naive_figures.get("n")
            else None,
        }
    every_naive = [t for values in naive_timings.values() for t in values]
    print(
        json.dumps(
            {
                "catalogue": {
                    "items": len(rows),
                    "file_mb": round(path.stat().st_size / 1e6, 1),
                    "build_seconds": build_seconds,
                },
                "rounds": args.rounds,
                "all_kinds": {
                    "service_cpu": figures(cpu),
                    "service_wall": figures(timings),
                    "naive_cpu": figures(every_naive),
                },
                "per_kind": per_kind,
                "item_cache": {
                    "capacity": capacity,
                    "hit_rate": round(hits / max(1, hits + misses), 3),
                },
                "peak_rss_mb_search_process": round(peak_rss_mb, 1),
                "equal_to_naive_scan": {
                    "queries_checked": checked,
                    "different": len(different),
                    "first_differences": different[:10],
                },
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
