"""Benchmark of `lba-desktop search` as a whole process (start, imports, place index, search,
printing), against a naive baseline run side by side: the same command in a process that
imports every command's module and builds the place index from the referentials in memory,
as the command line did before the index was kept in the data folder. Prints JSON: wall and
CPU time (user + system) per process.

Run: python bench/bench_cli.py [--runs 15]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SEARCHES = [
    ["search", "--metier", "boulanger", "--lieu", "Aurillac"],
    ["search", "--metier", "coiffure", "--lieu", "Lyon", "--rayon", "50"],
    ["search", "--texte", "pâtisserie", "--lieu", "Bretagne", "--json"],
    ["search", "--metier", "maçon", "--lieu", "15000"],
]

OURS = "import sys; from lba_desktop.cli import main; sys.exit(main())"
NAIVE = """
import importlib, sys
cli_main = importlib.import_module("lba_desktop.cli.main")
for name in sorted(set(cli_main.COMMAND_MODULES.values())):
    importlib.import_module(name)
import lba_desktop.data.demo, sqlite_utils  # noqa: what every command used to import
from lba_desktop import geocoding
# The place index built from the referentials in every process, not read from the data folder.
geocoding.kept_geocoder = lambda folder=None: geocoding.Geocoder()
sys.exit(cli_main.main(sys.argv[1:]))
"""


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, timeout=120)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(p95 * 1000, 1),
        "n": len(ordered),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15, help="processes per variant")
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="lba-bench-cli-"))
    env = {**os.environ, "LBA_DESKTOP_HOME": str(home)}
    # What the `lba-desktop` script runs.
    ours_cmd = [sys.executable, "-c", OURS]
    naive_cmd = [sys.executable, "-c", NAIVE]
    # The first run builds the demo catalogue (and whatever is kept between runs).
    subprocess.run([*ours_cmd, *SEARCHES[0]], env=env, check=True, stdout=subprocess.DEVNULL)
    results: dict[str, dict[str, list[float]]] = {
        name: {"wall": [], "cpu": []} for name in ("ours", "naive")
    }
    for i in range(args.runs):
        search = SEARCHES[i % len(SEARCHES)]
        # Alternated, so that the machine's load falls on both alike.
        for name, cmd in (("ours", ours_cmd), ("naive", naive_cmd)):
            wall, cpu = timed([*cmd, *search], env)
            results[name]["wall"].append(wall)
            results[name]["cpu"].append(cpu)
    report = {
        name: {"wall": summary(r["wall"]), "cpu": summary(r["cpu"])} for name, r in results.items()
    }
    report["ratio_naive_over_ours_cpu_p50"] = round(
        report["naive"]["cpu"]["p50_ms"] / report["ours"]["cpu"]["p50_ms"], 2
    )
    report["budget"] = "whole process ≤ 300 ms median"
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
