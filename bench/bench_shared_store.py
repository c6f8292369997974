"""Benchmark of the user-data store on a structure's scale (2,000 young people, 20,000
shortlist lines), on user.sqlite and on PostgreSQL side by side, against naive baselines
(the people list as the window reads it, a page, beside the whole list in one read);
prints JSON. PostgreSQL: --postgresql URL, else a throwaway server of its own (Debian's
postgresql package, as the tests)."""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# Run from a checkout without installing the package.
from lba_desktop.data import user_schema
from lba_desktop.data.userstore import Change
from lba_desktop.people import PeopleService, Person
from lba_desktop.people.conflicts import EditConflict
from lba_desktop.people.records import PEOPLE_PAGE, PEOPLE_SQL, person_from_row

SEED = 20261203
PEOPLE = 2000
ENTRIES_PER_PERSON = 10
COUNSELLORS = 20
EDITS_EACH = 25


def _p95(laps: list[float]) -> float:
    return sorted(laps)[min(len(laps) - 1, int(len(laps) * 0.95))]


def timed(action: Callable[[], Any], runs: int) -> dict[str, float]:
    """Wall time, and this process's CPU time (the wall is noisy on a shared machine; the
    server's own work is in `server_ms` where it matters)."""
    laps, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        laps.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return {
        "p50_ms": round(statistics.median(laps), 2),
        "p95_ms": round(_p95(laps), 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(_p95(cpu), 2),
        "runs": runs,
    }


def server_ms(people: PeopleService, sql: str, runs: int) -> dict[str, float] | None:
    """The server's execution time of `sql` (EXPLAIN ANALYZE), PostgreSQL only."""
    if people.store.dialect != user_schema.POSTGRESQL:
        return None
    laps = []
    for _ in range(runs):
        plan = people.store.read("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
        laps.append(float(plan[0][0][0]["Execution Time"]))
    return {"p50_ms": round(statistics.median(laps), 2), "p95_ms": round(_p95(laps), 2)}


def server_cpu(people: PeopleService, action: Callable[[], Any], runs: int) -> float | None:
    """The server process's own CPU time per run (ms), read from /proc: a throwaway server
    runs on this machine; None for a remote one. Ticks are 10 ms: averaged over the runs."""
    if people.store.dialect != user_schema.POSTGRESQL:
        return None
    pid = people.store.read("SELECT pg_backend_pid()")[0][0]
    stat = Path(f"/proc/{pid}/stat")
    if not stat.exists():
        return None

    def used() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    before = used()
    for _ in range(runs):
        action()
    return round((used() - before) / runs, 2)


def fill(people: PeopleService) -> list[int]:
    """2,000 people and 20,000 lines, written in bulk (the figures are about reading)."""
    now = "2026-12-01T09:00:00+00:00"
    with people.store.transaction() as conn:
        conn.executemany(
            "INSERT INTO people (first_name, last_name, search_key, created_at, "
            "last_activity_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(f"Jeune{n}", "Martin", f"jeune{n} martin", now, now, now) for n in range(PEOPLE)],
        )
    ids = [r[0] for r in people.store.read("SELECT id FROM people ORDER BY id")]
    with people.store.transaction() as conn:
        conn.executemany(
            "INSERT INTO shortlist_items (person_id, kind, item_id, position, status, "
            "added_at, updated_at, title) VALUES (?, 'formation', ?, ?, 'a_etudier', ?, ?, ?)",
            [
                (pid, f"F{k}", k, now, now, f"Formation {k}")
                for pid in ids
                for k in range(ENTRIES_PER_PERSON)
            ],
        )
    return ids


LIST_SQL = PEOPLE_SQL + " ORDER BY p.last_activity_at DESC, p.id DESC"
PAGE_SQL = f"{LIST_SQL} LIMIT {PEOPLE_PAGE + 1}"


def rows_by_name(people: PeopleService) -> list[Person]:
    """The list as before: the same query, each field of each row read by its name."""
    return [person_from_row(r) for r in people.store.read(LIST_SQL)]


def naive_people_list(people: PeopleService) -> list[Person]:
    """One query for the people, then one per person for their count (N + 1)."""
    found = []
    for row in people.store.read("SELECT * FROM people ORDER BY last_activity_at DESC"):
        (count,) = people.store.read(
            "SELECT count(*) AS item_count FROM shortlist_items WHERE person_id = ?", (row[0],)
        )
        found.append(
            replace(person_from_row({**_as_dict(row), "item_count": 0}), item_count=count[0])
        )
    return found


def _as_dict(row: Any) -> dict[str, Any]:
    return dict(zip(row.keys(), row, strict=True))


def naive_shortlist(people: PeopleService, person_id: int) -> None:
    """Every line read, the person's kept in Python."""
    rows = people.store.read("SELECT * FROM shortlist_items")
    sorted((r for r in rows if r["person_id"] == person_id), key=lambda r: r["position"])


def reads(target: Any, rng: random.Random) -> dict[str, Any]:
    with PeopleService(target, counsellor="Banc d'essai") as people:
        ids = fill(people)
        sample = [rng.choice(ids) for _ in range(200)]
        picks = iter(sample * 10)
        return {
            # What the window reads: the first page, the rest as the list scrolls.
            "people_list": timed(people.people_page, 40),
            "people_list_server": server_ms(people, PAGE_SQL, 20),
            "people_list_server_cpu_ms": server_cpu(people, people.people_page, 40),
            "people_list_next_page": timed(
                lambda: people.people_page(after=people.people_page().next_key), 20
            ),
            # The whole structure in one read, as the window read it before pages.
            "people_list_whole": timed(people.search_people, 20),
            "people_list_whole_server": server_ms(people, LIST_SQL, 20),
            "people_list_whole_server_cpu_ms": server_cpu(people, people.search_people, 20),
            "people_list_rows_by_name": timed(lambda: rows_by_name(people), 20),
            "people_list_naive_n_plus_1": timed(lambda: naive_people_list(people), 3),
            "shortlist_one_person": timed(lambda: people.shortlist(next(picks)), 200),
            "shortlist_naive_full_scan": timed(lambda: naive_shortlist(people, sample[0]), 5),
            "people": len(ids),
            "entries": len(ids) * ENTRIES_PER_PERSON,
        }


def editing_at_once(target: Any) -> dict[str, Any]:
    """20 counsellors, each on their own connection, saving notes from the version they
    read (a conflict is read again and saved again) and recording steps."""
    with PeopleService(target, counsellor="Préparation") as people:
        ids = [p.id for p in people.search_people()][:200]
    errors: list[str] = []
    conflicts = [0]
    lock = threading.Lock()

    def counsellor(n: int) -> None:
        rng = random.Random(SEED + n)
        try:
            with PeopleService(target, counsellor=f"Conseiller {n}") as mine:
                for k in range(EDITS_EACH):
                    pid = rng.choice(ids)
                    while True:
                        base = mine.get_person(pid)
                        try:
                            mine.update_person(pid, base=base, notes=f"note {n}-{k}")
                            break
                        except EditConflict:
                            with lock:
                                conflicts[0] += 1
                    mine.record_step(pid, "entretien", on="2026-12-01", note=f"{n}-{k}")
        except Exception as exc:
            errors.append(type(exc).__name__)

    start = time.perf_counter()
    threads = [threading.Thread(target=counsellor, args=(n,)) for n in range(COUNSELLORS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    with PeopleService(target, counsellor="Contrôle") as people:
        steps = people.store.read("SELECT count(*) FROM journal_events WHERE kind = 'entretien'")[
            0
        ][0]
    return {
        "counsellors": COUNSELLORS,
        "saves_and_steps": COUNSELLORS * EDITS_EACH * 2,
        "errors": len(errors),
        "conflicts_told_and_saved_again": conflicts[0],
        "steps_lost": COUNSELLORS * EDITS_EACH - steps,
        "ops_per_s": round(COUNSELLORS * EDITS_EACH * 2 / elapsed, 1),
    }


def change_seen(url: str, rng: random.Random) -> dict[str, Any]:
    """From a commit on one machine to the other machine hearing it: LISTEN/NOTIFY, and a
    naive machine reading the record again every second."""
    with PeopleService(url, counsellor="A") as first, PeopleService(url, counsellor="B") as other:
        pid = first.search_people()[0].id
        heard = threading.Event()
        watch = other.watch_changes(
            lambda c: heard.set() if c == Change("people", "update", pid) else None
        )
        assert watch is not None and watch.listening.wait(10)
        notify, polling = [], []
        try:
            for k in range(30):
                heard.clear()
                start = time.perf_counter()
                first.update_person(pid, notes=f"n{k}")
                heard.wait(10)
                notify.append((time.perf_counter() - start) * 1000)
            # The naive machine reads the record again every second, whenever the change.
            noticed: dict[int, float] = {}
            stop = threading.Event()

            def poll() -> None:
                seen = other.get_person(pid).version
                while not stop.wait(1.0):
                    now = other.get_person(pid).version
                    if now != seen:
                        noticed[now] = time.perf_counter()
                        seen = now

            poller = threading.Thread(target=poll, daemon=True)
            poller.start()
            for k in range(8):
                time.sleep(rng.random() * 1.5)
                start = time.perf_counter()
                version = first.update_person(pid, notes=f"p{k}").version
                while version not in noticed:
                    time.sleep(0.01)
                polling.append((noticed[version] - start) * 1000)
            stop.set()
            poller.join()
        finally:
            watch.stop()
    notify.sort()
    polling.sort()
    return {
        "notify_p50_ms": round(statistics.median(notify), 2),
        "notify_p95_ms": round(notify[int(len(notify) * 0.95)], 2),
        "polling_1s_p50_ms": round(statistics.median(polling), 1),
        "polling_1s_max_ms": round(polling[-1], 1),
    }


def local_copy(url: str, folder: Path) -> dict[str, Any]:
    """The copy kept for when the server is away: one counsellor's 200 people (2,000 lines)
    out of the structure's 2,000, against copying the whole structure; then 100 notes typed
    while away, sent back when the server answers."""
    from lba_desktop.people.offline import LocalCopy

    me = "Banc d'essai"
    with PeopleService(url, counsellor=me) as people:
        ids = [r[0] for r in people.store.read("SELECT id FROM people ORDER BY id")][:200]
        with people.store.transaction() as conn:
            conn.executemany(
                "UPDATE people SET created_by = ? WHERE id = ?", [(me, i) for i in ids]
            )
        copy = LocalCopy(folder / "copie.sqlite")
        mine = timed(lambda: copy.refresh(people), 5)
        everyone = LocalCopy(folder / "copie-tout.sqlite")
        with people.store.transaction() as conn:
            conn.execute("UPDATE people SET created_by = ?", (me,))
        naive = timed(lambda: everyone.refresh(people), 3)
        with people.store.transaction() as conn:
            conn.execute(
                f"UPDATE people SET created_by = '' WHERE id NOT IN ({', '.join(map(str, ids))})"
            )
        copy.refresh(people)
        offline = copy.people_service(counsellor=me, where="banc")
        lines = [e.id for pid in ids[:100] for e in offline.shortlist(pid)[:1]]
        for n, line in enumerate(lines):
            offline.set_note(line, f"hors connexion {n}")
        start = time.process_time()
        report = copy.replay(people)
        cpu_ms = (time.process_time() - start) * 1000
        offline.close()
        copy.close()
        everyone.close()
    return {
        "copy_my_200_people": mine,
        "copy_whole_structure_naive": naive,
        "copy_ratio_to_naive": round(naive["p50_ms"] / mine["p50_ms"], 1),
        "offline_notes_sent_back": report.applied,
        "offline_notes_lost": len(lines) - report.applied,
        "replay_cpu_ms_per_note": round(cpu_ms / max(1, len(lines)), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgresql", default="", help="an empty database's address")
    parser.add_argument(
        "--reads-only", action="store_true", help="only the lists (no editing, no changes)"
    )
    args = parser.parse_args()
    rng = random.Random(SEED)
    cluster = None
    url = args.postgresql
    if not url:
        from tests.postgres import PgCluster

        cluster = PgCluster()
        url = cluster.new_database()
    try:
        with tempfile.TemporaryDirectory() as folder:
            lite = Path(folder) / "user.sqlite"
            report: dict[str, dict[str, Any]] = {
                "sqlite": reads(lite, rng),
                "postgresql": reads(url, rng),
            }
            if not args.reads_only:
                report["sqlite"]["editing"] = editing_at_once(lite)
                report["postgresql"].update(
                    editing=editing_at_once(url),
                    change_seen=change_seen(url, rng),
                    local_copy=local_copy(url, Path(folder)),
                )
        for name in ("sqlite", "postgresql"):
            r = report[name]
            naive = r["people_list_naive_n_plus_1"]["p50_ms"]
            r["people_list_ratio_to_naive"] = round(naive / r["people_list"]["p50_ms"], 1)
            r["people_list_whole_ratio_to_naive"] = round(
                naive / r["people_list_whole"]["p50_ms"], 1
            )
            r["shortlist_ratio_to_naive"] = round(
                r["shortlist_naive_full_scan"]["p50_ms"] / r["shortlist_one_person"]["p50_ms"], 1
            )
        print(json.dumps(report, ensure_ascii=False, indent=2))
    finally:
        if cluster is not None:
            cluster.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
