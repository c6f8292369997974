"""Demo catalogue build time (wall and CPU), throughput, file size (and its largest tables,
SQLite's dbstat) and peak memory per scale; prints JSON."""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlite_utils

from lba_desktop.data.catalogue import ITEM_COLUMNS, item_to_row, row_to_item
from lba_desktop.data.catalogue_schema import migrate
from lba_desktop.data.demo import SCALES, build_demo_catalogue
from lba_desktop.models import Kind

TODAY = date(2026, 11, 23)
BUDGET_CPU_S = {"france": 30.0}  # issue #16


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def measure_build(scale: str, workdir: Path) -> dict[str, Any]:
    """One build, in this process (run in a child so that the peak memory is its own)."""
    path = workdir / f"{scale}.sqlite"
    marks: list[tuple[float, int, str]] = []
    start = time.perf_counter()

    def report(done: int, total: int, label: str) -> None:
        marks.append((time.perf_counter() - start, done, label))

    cpu_start = time.process_time()
    counts = build_demo_catalogue(path, scale=scale, today=TODAY, report=report)
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu_start  # the budget's figure: a shared VM inflates wall
    indexing_from = next((t for t, _, label in marks if label == "Index de recherche"), seconds)
    total = sum(counts.values())
    return {
        "scale": scale,
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "budget_cpu_seconds": BUDGET_CPU_S.get(scale),
        "generate_and_insert_seconds": round(indexing_from, 2),
        "finish_indexes_seconds": round(seconds - indexing_from, 2),
        "items": total,
        "items_per_s": round(total / seconds),
        "counts": {kind.value: n for kind, n in counts.items()},
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "largest_tables_mb": _largest_tables(path),
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "path": str(path),
    }


def _largest_tables(path: Path) -> dict[str, float]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 6"
        ).fetchall()
    except sqlite3.OperationalError:  # a SQLite built without dbstat
        return {}
    finally:
        conn.close()
    return {name: round(size / 1e6, 1) for name, size in rows}


def _sample_items(path: Path, size: int) -> list[Any]:
    """`size` items of the built file, each kind in its share of the catalogue."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        counts = dict(conn.execute("SELECT kind, count(*) FROM items GROUP BY kind"))
        total = sum(counts.values())
        rows: list[Any] = []
        for kind in Kind:
            share = round(size * counts.get(kind.value, 0) / total)
            rows += conn.execute(
                f"SELECT {', '.join(ITEM_COLUMNS)} FROM items WHERE kind = ? ORDER BY rowid "
                "LIMIT ?",
                (kind.value, share),
            ).fetchall()
    finally:
        conn.close()
    return [row_to_item(row) for row in rows]


def measure_baseline(built: Path, total_items: int, sample: int, budget_s: float) -> dict:
    """The naive way: one sqlite-utils `insert` (one transaction) per item into the same
    schema. Measured on a sample (stopped early after `budget_s`) and extrapolated."""
    items = _sample_items(built, sample)
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "naive.sqlite")
        migrate(conn)
        db = sqlite_utils.Database(conn)
        table = db["items"]
        start = time.perf_counter()
        done = 0
        for item in items:
            table.insert(dict(zip(ITEM_COLUMNS, item_to_row(item), strict=True)))
            done += 1
            if time.perf_counter() - start > budget_s:
                break
        seconds = time.perf_counter() - start
        conn.close()
    per_item = seconds / done
    return {
        "method": "sqlite-utils Table.insert() per item, default journal and synchronous, "
        "same schema and indexes, items table only (no FTS, place or ROME index built)",
        "sample_items": done,
        "sample_seconds": round(seconds, 2),
        "items_per_s": round(1 / per_item),
        "extrapolated": True,
        "extrapolated_seconds": round(per_item * total_items, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="demo,france")
    parser.add_argument("--baseline-sample", type=int, default=20_000)
    parser.add_argument("--baseline-budget", type=float, default=60.0, help="seconds at most")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(measure_build(args.child, Path(args.workdir))))
        return

    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in args.scales.split(","):
            if scale not in SCALES:
                parser.error(f"unknown scale {scale}")
            # A fresh process per scale: peak RSS is per process and never goes down.
            out = subprocess.run(
                [sys.executable, __file__, "--child", scale, "--workdir", tmp],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            baseline = measure_baseline(
                Path(result.pop("path")),
                result["items"],
                args.baseline_sample,
                args.baseline_budget,
            )
            baseline["ratio_baseline_to_build"] = round(
                baseline["extrapolated_seconds"] / result["seconds"], 1
            )
            result["baseline"] = baseline
            results.append(result)
            print(json.dumps(result, ensure_ascii=False), file=sys.stderr)
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
