"""Benchmark of the InserJeunes join (rates onto every training by UAI and CFD, with the région's
and France's figure) against the whole catalogue write it is part of, and against a naive join.

Usage: python bench/bench_insertion.py [--scale france|demo] [--rounds 5]
Prints one JSON document: the join's p50/p95 CPU time over `rounds` runs on a copy of a demo
catalogue of that scale (the demo writes fictitious rates for its CFAs); the catalogue build's
CPU time (what a sync spends writing the same catalogue, its network time aside) and the join's
share of it (the budget: ≤ 5 %); a naive join — three primary-key queries per training instead
of the tables read once — and the ratio; the peak memory of the process.

Since catalogue schema 10 a write no longer runs that join: the rates stay in their table and
a training's block is computed when its details are read. So the document also gives what a
sync now spends on them (writing the rates table: its share of the build) and the read side:
the CPU time to complete the details of 500 trainings (a results page sorted on « Emploi 6
mois »), p50/p95, beside the same 500 decoded without rates.
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
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402

from lba_desktop.data.catalogue import CatalogueStore  # noqa: E402
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


def rewrite_rates(conn: sqlite3.Connection) -> None:
    """What a sync with the source writes now: the rates table, emptied and filled again."""
    rows = conn.execute(f"SELECT * FROM {TABLE}").fetchall()
    conn.execute(f"DELETE FROM {TABLE}")
    marks = ", ".join("?" for _ in rows[0]) if rows else ""
    if rows:
        conn.executemany(f"INSERT INTO {TABLE} VALUES ({marks})", rows)


def read_side(path: Path, rounds: int) -> dict[str, object]:
    """500 trainings' details decoded with their rates, and without (the store's own reader)."""
    store = CatalogueStore(path)
    with store.lock:
        rows = store.conn.execute(
            "SELECT details, diploma_level, departement FROM items "
            "WHERE kind = 'formation' AND details IS NOT NULL LIMIT 500"
        ).fetchall()
    reader = store.insertion
    with_rates, without = [], []
    for _ in range(rounds):
        started = time.process_time()
        for raw, level, dep in rows:
            reader.complete(orjson.loads(raw), level, dep or "")
        with_rates.append((time.process_time() - started) * 1000)
        started = time.process_time()
        for raw, _level, _dep in rows:
            orjson.loads(raw)
        without.append((time.process_time() - started) * 1000)
    store.close()
    return {
        "trainings": len(rows),
        "complete_with_rates_cpu": percentiles(with_rates),
        "decode_without_rates_cpu": percentiles(without),
    }


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
        rewrites = []
        for _ in range(args.rounds):
            conn = sqlite3.connect(built)
            conn.execute("BEGIN")
            rewrites.append(cpu_ms(rewrite_rates, conn))
            conn.execute("ROLLBACK")
            conn.close()
        rewrite_p = percentiles(rewrites)
        reads = read_side(built, args.rounds)
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
                    "schema_10_sync_writes_rates_table_cpu": rewrite_p,
                    "rates_table_share_of_build_pct": round(
                        100 * rewrite_p["p50_ms"] / build_ms, 2
                    ),
                    "schema_10_read_side": reads,
                    "load_average": [round(x, 1) for x in os.getloadavg()],
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
