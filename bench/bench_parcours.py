"""Benchmark of the « parcours complets » pairing at `france` scale against a naive pairing.

Usage: python bench/bench_parcours.py [--catalogue FILE] [--profiles 200] [--rounds 3]
Prints one JSON document: p50/p95/max of `ParcoursService.for_profile` for young people drawn
across France (home communes drawn by population, métiers where apprenticeship is common plus
the long tail, mobility 10–60 km, a level or none), each profile's figure being its median
over `--rounds` passes, in wall and in CPU time; the same profiles paired naively (the same
search, then every (training, employer) pair built, scored and sorted) with the ratios; the
CPU time of both, and the machine's load.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_search import POPULAR, figures  # noqa: E402
from lba_desktop.data.catalogue import CatalogueStore  # noqa: E402
from lba_desktop.data.referentials import load_communes, load_metiers  # noqa: E402
from lba_desktop.geo import distance_km  # noqa: E402
from lba_desktop.models import Kind, Place, PlaceKind  # noqa: E402
from lba_desktop.parcours import (  # noqa: E402
    EMPLOYER_KINDS,
    ParcoursService,
    is_delegated,
    levels_match,
)
from lba_desktop.search import SearchService  # noqa: E402


def make_profiles(n: int, seed: int = 17) -> list[dict]:
    """Young people across France: a home commune (drawn by population, so that cities
    weigh as they do in a counsellor's day), one to three métiers, a mobility, maybe a level."""
    rng = random.Random(seed)
    communes = load_communes()
    weights = [max(c.population, 1) for c in communes]
    all_romes = sorted(m.code for m in load_metiers())
    profiles = []
    for commune in rng.choices(communes, weights=weights, k=n):
        pool = POPULAR if rng.random() < 0.8 else all_romes
        romes = tuple(dict.fromkeys(rng.choice(pool) for _ in range(rng.choice([1, 1, 2, 3]))))
        profiles.append(
            {
                "home": Place(
                    kind=PlaceKind.COMMUNE,
                    code=commune.insee,
                    label=commune.name,
                    lat=commune.lat,
                    lon=commune.lon,
                    departement=commune.departement,
                ),
                "romes": romes,
                "mobilite": rng.choice([10, 30, 30, 30, 60]),
                "niveau": rng.choice([None, None, 3, 4, 5]),
            }
        )
    return profiles


def naive_pairs(search: SearchService, profile: dict) -> int:
    """What one would write first: the same search, then all pairs scored and sorted."""
    criteria = search.build_criteria(
        lieu=profile["home"],
        romes=profile["romes"],
        rayon=profile["mobilite"],
        niveau=profile["niveau"],
    )
    result = search.search(criteria)
    home: Place = profile["home"]
    radius = profile["mobilite"]

    def d(item) -> float:
        return distance_km(home.lat, home.lon, item.lat, item.lon)

    trainings = [
        h.item for h in result.hits if h.item.kind is Kind.FORMATION and d(h.item) <= radius
    ]
    employers = [
        h.item for h in result.hits if h.item.kind in EMPLOYER_KINDS and d(h.item) <= radius
    ]
    pairs = []
    for t in trainings:
        for e in employers:
            if set(t.romes) & set(e.romes) and levels_match(t, e):
                between = distance_km(t.lat, t.lon, e.lat, e.lon)
                pairs.append((not is_delegated(e), d(t) + d(e), between, t.id, e.id))
    pairs.sort()
    return len(pairs)


def timed(fn, profiles: list[dict]) -> tuple[list[float], float, list[float]]:
    """Wall ms per profile, the round's CPU seconds, and CPU ms per profile (this thread's:
    SQLite runs in it), which six developers on two cores do not inflate."""
    timings, cpu = [], []
    cpu_started = time.process_time()
    for profile in profiles:
        started, thread_started = time.perf_counter(), time.thread_time()
        fn(profile)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.thread_time() - thread_started) * 1000)
    return timings, time.process_time() - cpu_started, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--catalogue", type=Path, default=None, help="reuse this france file")
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline-profiles", type=int, default=50)
    args = parser.parse_args()
    path = args.catalogue
    if path is None or not path.exists():
        path = path or Path(tempfile.mkdtemp()) / "france.sqlite"
        bench_search = ROOT / "bench" / "bench_search.py"
        subprocess.run([sys.executable, str(bench_search), "--build-only", str(path)], check=True)

    profiles = make_profiles(args.profiles)
    store = CatalogueStore(path)
    search = SearchService(store)
    service = ParcoursService(search)

    def pairing(profile: dict) -> None:
        service.for_profile(
            domicile=profile["home"],
            romes=profile["romes"],
            mobilite=profile["mobilite"],
            niveau=profile["niveau"],
        )

    for profile in profiles[:20]:  # warm-up: an app that has been open a minute
        pairing(profile)
    rounds = [timed(pairing, profiles) for _ in range(args.rounds)]
    per_profile = [statistics.median(r[0][i] for r in rounds) for i in range(len(profiles))]
    cpu_per_profile = [statistics.median(r[2][i] for r in rounds) for i in range(len(profiles))]
    sizes = [
        service.for_profile(
            domicile=p["home"], romes=p["romes"], mobilite=p["mobilite"], niveau=p["niveau"]
        ).total_pairs
        for p in profiles
    ]
    baseline_set = profiles[: args.baseline_profiles]
    naive_rounds = [
        timed(lambda p: naive_pairs(search, p), baseline_set) for _ in range(args.rounds)
    ]
    naive = [statistics.median(r[0][i] for r in naive_rounds) for i in range(len(baseline_set))]
    naive_cpu = [statistics.median(r[2][i] for r in naive_rounds) for i in range(len(baseline_set))]
    ours_same = per_profile[: len(baseline_set)]
    ours_same_cpu = cpu_per_profile[: len(baseline_set)]
    print(
        json.dumps(
            {
                "catalogue": str(path),
                "profiles": len(profiles),
                "rounds": args.rounds,
                "parcours": figures(per_profile),
                "parcours_cpu": figures(cpu_per_profile),
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "parcours_cpu_s_per_round": round(statistics.median(r[1] for r in rounds), 3),
                "pairs_per_profile": {
                    "p50": statistics.median(sizes),
                    "max": max(sizes),
                    "none": sum(1 for s in sizes if s == 0),
                },
                "naive_same_profiles": figures(naive),
                "parcours_same_profiles": figures(ours_same),
                "ratio_p50_naive_over_ours": round(
                    statistics.median(naive) / statistics.median(ours_same), 2
                ),
                "ratio_p95_naive_over_ours": round(
                    figures(naive)["p95_ms"] / figures(ours_same)["p95_ms"], 2
                ),
                "naive_same_profiles_cpu": figures(naive_cpu),
                "parcours_same_profiles_cpu": figures(ours_same_cpu),
                "ratio_cpu_p95_naive_over_ours": round(
                    figures(naive_cpu)["p95_ms"] / figures(ours_same_cpu)["p95_ms"], 2
                ),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
