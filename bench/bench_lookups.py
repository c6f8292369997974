"""Benchmark of the place and métier lookups against a naive linear scan; prints JSON."""

from __future__ import annotations

import contextlib
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Run from a checkout without installing the package.
from lba_desktop.data import referentials
from lba_desktop.errors import LbaError
from lba_desktop.geocoding import Geocoder
from lba_desktop.metiers import MetierIndex
from lba_desktop.models import Commune, Metier
from lba_desktop.text import fold, place_key, words

SEED = 20261123
NAIVE_SAMPLE = 80  # the naive scan costs tens of ms per query: time a subset only


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text + "x"
    i = rng.randrange(1, len(text) - 1)
    edit = rng.choice(("drop", "swap", "double"))
    if edit == "drop":
        return text[:i] + text[i + 1 :]
    if edit == "swap":
        return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


def place_queries(rng: random.Random, communes: Sequence[Commune]) -> list[str]:
    big = sorted(communes, key=lambda c: -c.population)[:2000]
    sample = rng.sample(list(communes), 120) + rng.sample(big, 60)
    queries = [c.name for c in sample[:100]]
    queries += [c.name.lower()[: rng.randint(2, 8)] for c in sample[100:180]]
    queries += [rng.choice(c.postcodes) for c in rng.sample(big, 50) if c.postcodes]
    queries += [c.postcodes[0][: rng.randint(2, 4)] for c in rng.sample(big, 20) if c.postcodes]
    queries += [_typo(rng, c.name) for c in rng.sample(big, 40)]
    queries += ["15", "2A", "974", "Cantal", "bretagne", "France", "st etienne", "Saint-Denis"]
    queries += ["le puy en velay", "l'isle sur la sorgue", "Saint-Denis 93", "s", "sa", "saint"]
    return queries


def metier_queries(rng: random.Random, metiers: Sequence[Metier]) -> list[str]:
    sample = rng.sample(list(metiers), 200)
    queries = [m.label for m in sample[:60]]
    queries += [fold(m.label)[: rng.randint(2, 8)] for m in sample[60:140]]
    queries += [" ".join(fold(m.label).split()[:2]) for m in sample[140:170]]
    queries += [m.code for m in sample[170:190]] + [m.code[:3] for m in sample[190:200]]
    queries += [_typo(rng, fold(m.label)) for m in rng.sample(list(metiers), 30)]
    queries += ["boulang", "aide soignant", "mecanicien auto", "commerce de detail", "sante"]
    return queries


def timed(function: Callable[[str], object], queries: Sequence[str]) -> dict[str, float]:
    durations = []
    for query in queries:
        started = time.perf_counter()
        with contextlib.suppress(LbaError):
            function(query)
        durations.append((time.perf_counter() - started) * 1000)
    durations.sort()
    return {
        "n": len(durations),
        "p50_ms": round(statistics.median(durations), 4),
        "p95_ms": round(durations[int(0.95 * (len(durations) - 1))], 4),
        "max_ms": round(durations[-1], 4),
    }


def naive_candidates(communes: Sequence[Commune]) -> Callable[[str], object]:
    """What one would write first: fold every name on every keystroke, filter, sort."""

    def run(text: str) -> list[Commune]:
        key = place_key(text)
        found = [
            c
            for c in communes
            if place_key(c.name).startswith(key) or any(p.startswith(text) for p in c.postcodes)
        ]
        return sorted(found, key=lambda c: -c.population)[:10]

    return run


def naive_lookup(metiers: Sequence[Metier]) -> Callable[[str], object]:
    def run(text: str) -> list[Metier]:
        query = words(fold(text))
        found = []
        for m in metiers:
            tokens = fold(m.label).split()
            if all(any(t.startswith(w) for t in tokens) for w in query):
                found.append(m)
        return sorted(found, key=lambda m: len(m.label))[:20]

    return run


def main() -> None:
    loaders = {
        "communes": referentials.load_communes,
        "departements": referentials.load_departements,
        "regions": referentials.load_regions,
        "metiers": referentials.load_metiers,
        "sectors": referentials.load_sectors,
    }
    load_ms = {}
    for name, loader in loaders.items():
        loader.cache_clear()
        started = time.perf_counter()
        loader()
        load_ms[name] = round((time.perf_counter() - started) * 1000, 2)

    started = time.perf_counter()
    geocoder = Geocoder()
    geocoder_build_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    index = MetierIndex()
    index_build_ms = (time.perf_counter() - started) * 1000

    rng = random.Random(SEED)
    communes = referentials.load_communes()
    metiers = referentials.load_metiers()
    places = place_queries(rng, communes)
    jobs = metier_queries(rng, metiers)
    naive_places = rng.sample(places, min(NAIVE_SAMPLE, len(places)))
    naive_jobs = rng.sample(jobs, min(NAIVE_SAMPLE, len(jobs)))

    def candidates(q: str) -> object:
        return geocoder.candidates(q)

    def lookup(q: str) -> object:
        return index.lookup(q)

    # One warm-up pass: the first calls pay for memoised prefixes and bytecode caches.
    timed(candidates, places)
    timed(lookup, jobs)
    results = {
        "load_ms": load_ms,
        "geocoder_build_ms": round(geocoder_build_ms, 1),
        "metier_index_build_ms": round(index_build_ms, 1),
        "geocoder_candidates": timed(candidates, places),
        "geocoder_resolve": timed(geocoder.resolve, places),
        "metier_lookup": timed(lookup, jobs),
        "naive_candidates": timed(naive_candidates(communes), naive_places),
        "naive_lookup": timed(naive_lookup(metiers), naive_jobs),
        "indexed_on_naive_sample": {
            "candidates": timed(candidates, naive_places),
            "lookup": timed(lookup, naive_jobs),
        },
    }
    same = results["indexed_on_naive_sample"]
    results["speedup_p50"] = {
        "candidates": round(
            results["naive_candidates"]["p50_ms"] / same["candidates"]["p50_ms"], 1
        ),
        "lookup": round(results["naive_lookup"]["p50_ms"] / same["lookup"]["p50_ms"], 1),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
