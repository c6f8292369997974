"""Benchmark of the InserJeunes join (rates onto every training by UAI and CFD, with the région's
and France's figure) against the whole catalogue write it is part of, and against a naive join.

Usage: python bench/bench_insertion.py [--scale france|demo] [--rounds 5]
Prints one JSON document: the join's p50/p95 CPU time over `rounds` runs on a copy of a demo
catalogue of that scale (the demo writes fictitious rates for its CFAs); the catalogue build's
CPU time (what a sync spends writing the same catalogue, its network time aside) and the join's
share of it (the budget: ≤ 5 %); a naive join — three primary-key queries per training instead
of the tables read once — and the ratio; the peak memory of the process.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from lba_desktop.data.demo import build_demo_catalogue  # noqa: E402
from lba_desktop.data.insertion_store import TABLE, join_insertion  # noqa: E402
from lba_desktop.data.referentials import load_departements  # noqa: E402


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": round(statistics.median(ordered), 1), "p95_ms": round(p95, 1)}


def cpu_ms(call, *args) -> float:  # type: ignore[no-untyped-def]
    started = time.process_time()
    call(*args)
    return (time.process_time() - started) * 1000


def naive_join(conn: sqlite3.Connection) -> int:
    """The join as a first version would write it: one query per training and level."""
    region_of = {code: dep.region for code, dep in load_departements().items()}
    own = 0
    updates = []
    for rowid, dep, raw in conn.execute(
        "SELECT rowid, departement, details FROM items WHERE kind = 'formation'"
    ).fetchall():
        details = orjson.loads(raw) if raw else {}
        uai, cfd = details.get("uai") or "", details.get("cfd") or ""
        found = {}
        for level, uai_key, region in (
            ("etablissement", uai, ""),
            ("region", "", region_of.get(dep or "", "")),
            ("national", "", ""),
        ):
            row = conn.execute(
                f"SELECT * FROM {TABLE} WHERE level = ? AND uai = ? AND region = ? AND cfd = ?",
                (level, uai_key, region, cfd),
            ).fetchone()
            if row:
                found[level] = list(row)
        own += "etablissement" in found
        details["insertion"] = found
        updates.append((orjson.dumps(details).decode(), rowid))
    conn.executemany("UPDATE items SET details = ? WHERE rowid = ?", updates)
    return own


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="france")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-insertion-"))
    try:
        built = folder / "catalogue.sqlite"
        build_ms = cpu_ms(
            lambda: build_demo_catalogue(built, scale=args.scale, today=date(2026, 12, 3))
        )
        conn = sqlite3.connect(built)
        trainings = conn.execute("SELECT count(*) FROM items WHERE kind = 'formation'").fetchone()
        rates = conn.execute(f"SELECT count(*) FROM {TABLE}").fetchone()
        conn.close()
        joins, naive = [], []
        for _ in range(args.rounds):
            for samples, join in ((joins, join_insertion), (naive, naive_join)):
                copy = folder / "copy.sqlite"
                shutil.copyfile(built, copy)
                conn = sqlite3.connect(copy)
                conn.execute("BEGIN")
                samples.append(cpu_ms(join, conn))
                conn.execute("ROLLBACK")
                conn.close()
                copy.unlink()
        join_p = percentiles(joins)
        naive_p = percentiles(naive)
        print(
            json.dumps(
                {
                    "scale": args.scale,
                    "trainings": trainings[0],
                    "rate_rows": rates[0],
                    "rounds": args.rounds,
                    "join_cpu": join_p,
                    "catalogue_build_cpu_ms": round(build_ms, 1),
                    "join_share_of_build_pct": round(100 * join_p["p50_ms"] / build_ms, 2),
                    "naive_join_cpu": naive_p,
                    "naive_over_join": round(naive_p["p50_ms"] / join_p["p50_ms"], 2),
                    "peak_rss_mb": round(
                        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
                    ),
                },
                indent=2,
            )
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
