"""Benchmark of the local API: /api/V1/jobsEtFormations around French cities, at `france` scale.

Starts `lba-desktop serve` on 127.0.0.1 (a separate process, as in use), loads it from this
machine only, and prints JSON: server-side p50/p95 (the `Server-Timing` header set by the
middleware), client-side latencies, requests per second, and a naive baseline measured in the
same run (re-open the catalogue and scan every row in Python, per request). Three server
configurations: no cache at all (every request reads and shapes its items), the default item
caches without the answer cache (every request still runs its search), and every cache.

    .venv/bin/python bench/bench_api.py [--catalogue PATH] [--workers 2] [--duration 10]

Without --catalogue, a `france`-scale demo catalogue is built in a temporary folder (~25 s);
a --catalogue that does not exist yet is built there and kept.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import multiprocessing
import os
import re
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

# (INSEE, latitude, longitude): big and small towns, so answers range from few to capped.
CITIES = [
    ("75056", 48.8566, 2.3522),
    ("69123", 45.7640, 4.8357),
    ("31555", 43.6045, 1.4440),
    ("35238", 48.1173, -1.6778),
    ("59350", 50.6292, 3.0573),
    ("15014", 44.9300, 2.4400),
    ("21231", 47.3220, 5.0415),
    ("64445", 43.2951, -0.3708),
]
ROMES = ["D1102", "D1106,D1101", "J1501", "F1703", "M1607", "H2909,H2913", "G1602", "K2204"]
RADIUS = 30
# (name, answer cache MB, items kept per process: None is the app's default). Every request
# runs a search unless the answer cache is on; the item caches only spare reading and shaping
# items already served.
CONFIGS: tuple[tuple[str, float, int | None], ...] = (
    ("no_cache_at_all", 0, 0),
    ("item_caches_no_answer_cache", 0, None),
    ("all_caches", 64, None),
)


def queries() -> list[str]:
    paths = []
    for insee, lat, lon in CITIES:
        for romes in ROMES:
            query = {
                "romes": romes,
                "latitude": lat,
                "longitude": lon,
                "radius": RADIUS,
                "insee": insee,
                "caller": "bench",
            }
            paths.append("/api/V1/jobsEtFormations?" + urlencode(query))
    return paths


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(
    catalogue: Path, port: int, workers: int, cache_mb: float, item_cache: int | None
) -> subprocess.Popen[bytes]:
    items = "" if item_cache is None else f"'--item-cache', '{item_cache}', "
    code = (
        "import sys; from lba_desktop.cli import main; "
        f"sys.exit(main(['serve', '--port', '{port}', '--workers', '{workers}', "
        f"'--rate-limits', 'off', '--cache-mb', '{cache_mb}', {items}"
        f"'--catalogue', {str(catalogue)!r}]))"
    )
    env = {**os.environ, "LBA_SERVE_TOKEN": ""}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/local/info")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("le serveur n'a pas démarré")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()


_TIMING = re.compile(r"app;dur=([0-9.]+)")
_CPU = re.compile(r"cpu;dur=([0-9.]+)")


def _client_thread(
    port: int, paths: list[str], offset: int, deadline: float, budget: int, out: list[Any]
) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = offset
    while time.monotonic() < deadline and len(out) < budget:
        path = paths[i % len(paths)]
        i += 1
        started = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        header = response.getheader("server-timing") or ""
        timing, cpu = _TIMING.search(header), _CPU.search(header)
        out.append((elapsed, float(timing.group(1)) if timing else math.nan, response.status,
                    len(body), float(cpu.group(1)) if cpu else math.nan))  # fmt: skip
    conn.close()


def _client_process(args: tuple[int, list[str], int, int, float, int]) -> list[Any]:
    port, paths, threads, first, duration, budget = args
    deadline = time.monotonic() + duration
    results: list[list[Any]] = [[] for _ in range(threads)]
    pool = [
        threading.Thread(
            target=_client_thread,
            args=(port, paths, first + k * 7, deadline, budget // threads, results[k]),
        )
        for k in range(threads)
    ]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return [r for part in results for r in part]


def load(
    port: int, paths: list[str], *, processes: int, threads: int, duration: float, budget: int
) -> dict[str, Any]:
    started = time.perf_counter()
    jobs = [(port, paths, threads, p * 13, duration, budget // processes) for p in range(processes)]
    if processes == 1:
        samples = _client_process(jobs[0])
    else:
        with multiprocessing.get_context("spawn").Pool(processes) as pool:
            samples = [s for part in pool.map(_client_process, jobs) for s in part]
    wall = time.perf_counter() - started
    ok = [s for s in samples if s[2] == 200]
    client = sorted(s[0] for s in ok)
    server = sorted(s[1] for s in ok if not math.isnan(s[1]))
    return {
        "clients": processes * threads,
        "requests": len(samples),
        "errors": len(samples) - len(ok),
        "seconds": round(wall, 2),
        "requests_per_s": round(len(ok) / wall, 1),
        "server_ms": _quantiles(server),
        # Server CPU per request: exact with one client at a time, shared beyond.
        "server_cpu_ms": _quantiles(sorted(s[4] for s in ok if not math.isnan(s[4]))),
        "client_ms": _quantiles(client),
        "mean_body_kb": round(statistics.fmean(s[3] for s in ok) / 1024, 1) if ok else 0,
    }


def _quantiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}

    def q(p: float) -> float:
        return round(values[min(len(values) - 1, int(p * len(values)))], 2)

    return {"p50": q(0.50), "p95": q(0.95), "p99": q(0.99), "max": round(values[-1], 2)}


def run_wrk(port: int, paths: list[str], *, duration: int, connections: int) -> dict[str, Any]:
    """Throughput with wrk (C client: leaves the CPU to the server) when it is installed."""
    if not shutil.which("wrk"):
        return {"skipped": "wrk absent (apt-get install wrk)"}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(
            "local paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
            "local i = 0\n"
            "request = function()\n"
            "  i = i + 1\n"
            "  return wrk.format('GET', paths[(i % #paths) + 1])\n"
            "end\n"
        )
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{duration}s",
                "--latency",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            timeout=duration + 30,
        ).stdout
    finally:
        os.unlink(script.name)
    rps = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {
        "connections": connections,
        "requests_per_s": float(rps.group(1)) if rps else None,
        "latency": {f"p{k}": v for k, v in latency.items()},
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def naive_baseline(catalogue: Path, paths: list[str], repeat: int) -> dict[str, Any]:
    """Per request: open the catalogue, read every row, filter and measure in Python."""
    from urllib.parse import parse_qs, urlsplit

    from lba_desktop.data.catalogue import _SELECT_ITEM, row_to_item
    from lba_desktop.geo import distance_km
    from lba_desktop.models import DEFAULT_LIMITS
    from lba_desktop.partner_api.v1_shapes import v1_item

    times = []
    for path in paths[:repeat]:
        q = {k: v[0] for k, v in parse_qs(urlsplit(path).query).items()}
        romes = set(q["romes"].split(","))
        lat, lon, radius = float(q["latitude"]), float(q["longitude"]), float(q["radius"])
        started = time.perf_counter()
        conn = sqlite3.connect(catalogue)
        found: dict[str, list[tuple[float, Any]]] = {}
        for row in conn.execute(f"{_SELECT_ITEM} FROM items i"):
            if row[10] is None or not romes.intersection(row[11].split()):
                continue
            d = distance_km(lat, lon, row[9], row[10])
            if d <= radius:
                found.setdefault(row[0], []).append((d, row))
        conn.close()
        body = {}
        for kind, hits in found.items():
            hits.sort(key=lambda h: h[0])
            body[kind] = [
                v1_item(row_to_item(r), round(d, 1), lambda c: None)
                for d, r in hits[: DEFAULT_LIMITS[kind]]
            ]
        json.dumps(body)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"requests": len(times), "ms": _quantiles(times)}


def run_config(
    catalogue: Path,
    paths: list[str],
    args: argparse.Namespace,
    cache_mb: float,
    item_cache: int | None,
) -> dict[str, Any]:
    port = free_port()
    server = start_server(catalogue, port, args.workers, cache_mb, item_cache)
    figures: dict[str, Any] = {
        "workers": args.workers,
        "answer_cache_mb": cache_mb,
        "item_cache": "default" if item_cache is None else item_cache,
    }
    try:
        # Warm every worker (referentials, SQLite pages; the cache when it is on).
        load(port, paths, processes=1, threads=4, duration=2, budget=len(paths) * 4)
        figures["sequential_1_client"] = load(
            port, paths, processes=1, threads=1, duration=args.duration / 2, budget=args.budget
        )
        figures["concurrent_python_clients"] = load(
            port, paths, processes=2, threads=8, duration=args.duration, budget=args.budget
        )
        figures["wrk"] = run_wrk(port, paths, duration=int(args.duration), connections=16)
    finally:
        stop_server(server)
    return figures


def budgets(figures: dict[str, Any]) -> dict[str, Any]:
    """The issue's two budgets beside the cached figure: server CPU per answer with nothing
    cached, and requests per second when every request runs its search (no answer cache)."""
    cold = figures["no_cache_at_all"]["summary"]
    search = figures["item_caches_no_answer_cache"]["summary"]
    cached = figures["all_caches"]["summary"]
    return {
        "cpu_p50_ms": {
            "no_cache_at_all": cold["server_cpu_p50_ms_sequential"],
            "search_each_request": search["server_cpu_p50_ms_sequential"],
            "all_caches": cached["server_cpu_p50_ms_sequential"],
            "budget": 5,
        },
        "requests_per_s": {
            "no_cache_at_all": cold["best_requests_per_s"],
            "search_each_request": search["best_requests_per_s"],
            "all_caches": cached["best_requests_per_s"],
            "budget": 500,
        },
        "naive_p50_ms": figures["naive_baseline"]["ms"].get("p50"),
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }


def budget_line(b: dict[str, Any]) -> str:
    cpu, rps = b["cpu_p50_ms"], b["requests_per_s"]
    return (
        "CPU serveur p50 (ms) : sans cache {} | recherche à chaque requête {} | tout en cache {} "
        "(budget ≤ {})\nrequêtes/s : sans cache {} | recherche à chaque requête {} | "
        "tout en cache {} (budget ≥ {}) ; naïf p50 {} ms ; charge {}"
    ).format(
        cpu["no_cache_at_all"], cpu["search_each_request"], cpu["all_caches"], cpu["budget"],
        rps["no_cache_at_all"], rps["search_each_request"], rps["all_caches"], rps["budget"],
        b["naive_p50_ms"], b["load_average"],
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--budget", type=int, default=20_000, help="at most this many requests")
    parser.add_argument("--naive", type=int, default=3, help="naive baseline requests")
    args = parser.parse_args()

    tmp = None
    catalogue = args.catalogue
    if catalogue is None or not catalogue.exists():
        from lba_desktop.data.demo import build_demo_catalogue

        if catalogue is None:
            tmp = Path(tempfile.mkdtemp(prefix="lba-bench-"))
            catalogue = tmp / "catalogue.sqlite"
        t0 = time.perf_counter()
        build_demo_catalogue(catalogue, scale="france")
        print(f"catalogue france construit en {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    paths = queries()
    figures: dict[str, Any] = {
        "route": "/api/V1/jobsEtFormations",
        "radius_km": RADIUS,
        "distinct_queries": len(paths),
        "cpus": os.cpu_count(),
        "targets": {"server_p95_ms": 30, "server_cpu_p50_ms": 5, "requests_per_s": 500},
    }
    try:
        for name, cache_mb, item_cache in CONFIGS:
            figures[name] = run_config(catalogue, paths, args, cache_mb, item_cache)
        figures["naive_baseline"] = naive_baseline(catalogue, paths, args.naive)
        cold = figures["no_cache_at_all"]
        server_p50 = cold["sequential_1_client"]["server_ms"].get("p50")
        naive_p50 = figures["naive_baseline"]["ms"].get("p50")
        if server_p50 and naive_p50:
            figures["naive_over_server_p50"] = round(naive_p50 / server_p50, 1)
        for name, _, _ in CONFIGS:
            run = figures[name]
            best = max(
                run["concurrent_python_clients"]["requests_per_s"],
                run["wrk"].get("requests_per_s") or 0,
            )
            seq = run["sequential_1_client"]["requests_per_s"]
            run["summary"] = {
                "best_requests_per_s": best,
                "over_sequential_client": round(best / seq, 2) if seq else None,
                "server_p95_ms_sequential": run["sequential_1_client"]["server_ms"].get("p95"),
                "server_cpu_p50_ms_sequential": run["sequential_1_client"]["server_cpu_ms"].get(
                    "p50"
                ),
                "server_p95_ms_concurrent": run["concurrent_python_clients"]["server_ms"].get(
                    "p95"
                ),
                "target_p95_30ms_sequential": run["sequential_1_client"]["server_ms"].get(
                    "p95", 1e9
                )
                <= 30,
                "target_cpu_p50_5ms": run["sequential_1_client"]["server_cpu_ms"].get("p50", 1e9)
                <= 5,
                "target_500_rps": best >= 500,
            }
        figures["budgets"] = budgets(figures)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(figures, indent=2, ensure_ascii=False))
    if "budgets" in figures:
        print(budget_line(figures["budgets"]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
