"""Benchmark of the « what's new for my young people » pass after a sync, at `france` scale.

Usage: python bench/bench_news.py [--catalogue FILE] [--people 2000] [--new 10000] [--rounds 3]
Prints one JSON document: wall and CPU time of `News.refresh` for `--people` young people
(profiles drawn across France as in bench_parcours) when `--new` items of the catalogue were not
in the previous one (the record of the previous catalogue is the current one minus a random
sample), median over `--rounds` passes that each start from the same record, the peak of the
Python heap during one more pass (tracemalloc) beside that of the naive comparison (the two
catalogues' keys as Python sets, as the pass did before), and the pass when the catalogue is
the one already seen (a start without a sync); and a naive pass (one search per young person,
its results checked against the new items) timed on `--baseline-people` people and scaled to
all, with the ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_parcours import make_profiles  # noqa: E402
from lba_desktop.data.catalogue import CatalogueStore  # noqa: E402
from lba_desktop.data.catalogue_keys import SeenCatalogue  # noqa: E402
from lba_desktop.people import PeopleService  # noqa: E402
from lba_desktop.people.news import News  # noqa: E402
from lba_desktop.people.profiles import Profiles  # noqa: E402
from lba_desktop.search import SearchService  # noqa: E402


def fill_people(people: PeopleService, n: int) -> list[dict]:
    """`n` young people with a home and a profile, written straight into the store (the
    person form geocodes typed text; an INSEE code that is also a postcode is ambiguous)."""
    profiles = make_profiles(n, seed=23)
    now = "2026-12-03T00:00:00+00:00"
    with people.store.transaction() as conn:
        for i, p in enumerate(profiles):
            home = p["home"]
            conn.execute(
                "INSERT INTO people (first_name, home_insee, home_label, home_lat, home_lon, "
                "home_departement, created_at, last_activity_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    f"Jeune {i}",
                    home.code,
                    home.label,
                    home.lat,
                    home.lon,
                    home.departement,
                    now,
                    now,
                ),
            )
    store = Profiles(people.store)
    ids = [r["id"] for r in people.store.read("SELECT id FROM people ORDER BY id")]
    for person_id, p in zip(ids, profiles, strict=True):
        p["person_id"] = person_id
    for p in profiles:
        store.save(
            p["person_id"], mobility_km=p["mobilite"], diploma_level=p["niveau"], romes=p["romes"]
        )
    return profiles


def naive_pass(search: SearchService, profiles: list[dict], fresh: set) -> int:
    found = 0
    for p in profiles:
        criteria = search.build_criteria(
            lieu=p["home"], romes=p["romes"], rayon=p["mobilite"], niveau=p["niveau"]
        )
        result = search.search(criteria)
        found += sum(1 for h in result.hits if (h.item.kind.value, h.item.id) in fresh)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--catalogue", type=Path, default=None, help="reuse this france file")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--new", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline-people", type=int, default=100)
    args = parser.parse_args()
    path = args.catalogue
    if path is None or not path.exists():
        path = path or Path(tempfile.mkdtemp()) / "france.sqlite"
        bench_search = ROOT / "bench" / "bench_search.py"
        subprocess.run([sys.executable, str(bench_search), "--build-only", str(path)], check=True)

    work = Path(tempfile.mkdtemp())
    catalogue = CatalogueStore(path)
    with catalogue.lock:
        keys = catalogue.conn.execute("SELECT kind, id FROM items ORDER BY kind, id").fetchall()
    rng = random.Random(5)
    fresh = set(rng.sample(keys, args.new))
    previous = [key for key in keys if key not in fresh]
    seen = SeenCatalogue(work / "seen.sqlite")
    with PeopleService(work / "user.sqlite") as people:
        started = time.perf_counter()
        profiles = fill_people(people, args.people)
        fill_s = time.perf_counter() - started
        walls, cpus, reports = [], [], []
        news = News(people.store, seen_path=seen.path)
        for _ in range(args.rounds + 1):
            seen.write(previous, identity="previous")
            with people.store.transaction() as conn:
                conn.execute("DELETE FROM person_news")
            traced = len(walls) == args.rounds  # an extra pass, not timed: tracing slows it
            if traced:
                tracemalloc.start()
            wall, cpu = time.perf_counter(), time.process_time()
            reports.append(news.refresh(catalogue))
            if traced:
                python_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
                tracemalloc.stop()
            else:
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
        # The next start with the same catalogue: recognised by its identity, no key read.
        same = []
        for _ in range(args.rounds):
            wall = time.perf_counter()
            unchanged = news.refresh(catalogue)
            same.append((time.perf_counter() - wall) * 1000)
            assert unchanged.new_items == 0 and not unchanged.first_pass
        tracemalloc.start()
        with catalogue.lock:
            now_keys = set(catalogue.conn.execute("SELECT kind, id FROM items"))
        before_keys = set(previous)
        naive_fresh = now_keys - before_keys
        sets_peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        assert len(naive_fresh) == reports[-1].new_items
        del now_keys, before_keys, naive_fresh
        search = SearchService(catalogue)
        subset = profiles[: args.baseline_people]
        wall = time.perf_counter()
        naive_found = naive_pass(search, subset, fresh)
        naive_s = (time.perf_counter() - wall) * len(profiles) / len(subset)
    report = reports[-1]
    print(
        json.dumps(
            {
                "catalogue": str(path),
                "catalogue_items": len(keys),
                "new_items": report.new_items,
                "people": args.people,
                "people_with_leads": report.people,
                "leads": report.leads,
                "rounds": args.rounds,
                "refresh_wall_s": {
                    "median": round(statistics.median(walls), 3),
                    "max": round(max(walls), 3),
                },
                "refresh_cpu_s_median": round(statistics.median(cpus), 3),
                "refresh_python_heap_peak_mb": round(python_peak_mb, 1),
                "naive_python_sets_peak_mb": round(sets_peak_mb, 1),
                "same_catalogue_again_ms_median": round(statistics.median(same), 2),
                "naive_wall_s_scaled": round(naive_s, 2),
                "naive_measured_people": len(subset),
                "naive_leads_in_subset": naive_found,
                "ratio_naive_over_ours": round(naive_s / statistics.median(walls), 1),
                "setup_people_s": round(fill_s, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
