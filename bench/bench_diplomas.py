"""Diploma lookup benchmark: what a counsellor types in the métier field (« cap boulanger »,
« bts mco », « bac pro commerce », a prefix, an RNCP code) looked up in a catalogue's
certifications; CPU time per query p50/p95 beside a naive scan that folds and tests every
certification at each query; prints JSON.

Usage: python bench/bench_diplomas.py [--catalogue FILE] [--scale france] [--rounds 3]
(without --catalogue, the demo catalogue of that scale is built first in a child process).
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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lba_desktop.certifications import CertificationIndex, certifications_of
from lba_desktop.data.catalogue import CatalogueStore
from lba_desktop.models import Certification
from lba_desktop.text import fold, words

SEED = 20261203
# Typed as counsellors type them (the examples first), beside generated ones.
TYPED = (
    "cap boulanger",
    "cap boul",
    "bts mco",
    "bac pro commerce",
    "titre pro secretaire assistant",
    "bts",
    "cap",
    "c",
    "licence pro",
    "bts ndrc",
    "cap cuisine",
    "bac pro mecanique",
    "mention complementaire",
    "bp coiffure",
)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def make_queries(certifications: list[Certification], count: int) -> list[tuple[str, str]]:
    """(kind, text): the typed examples, then titles, prefixes, acronyms and RNCP codes."""
    rng = random.Random(SEED)
    queries = [("typed", text) for text in TYPED]
    sample = [c for c in certifications if c.title]
    while len(queries) < count and sample:
        c = rng.choice(sample)
        title = words(fold(c.title))
        if not title:
            continue
        pick = rng.randrange(4)
        if pick == 0:
            queries.append(("title", " ".join(title[:3])))
        elif pick == 1:
            cut = " ".join(title[:2])
            queries.append(("prefix", cut[: max(2, len(cut) - rng.randrange(3))]))
        elif pick == 2 and len(title) >= 3:
            initials = "".join(w[0] for w in title[1:4])
            queries.append(("acronym", f"{title[0]} {initials}"))
        else:
            queries.append(("rncp", c.rncp.lower()))
    return queries


def naive_lookup(
    certifications: list[tuple[Certification, str]], text: str, limit: int = 10
) -> list[Certification]:
    """Every certification folded and tested at each query: each typed word starts a word of
    its title, label or diploma, or it is the RNCP code; the most taught first."""
    folded = fold(text)
    typed = words(folded)
    if not typed:
        return []
    found = []
    for certification, diploma in certifications:
        if folded.replace(" ", "") == certification.rncp.lower():
            return [certification]
        own = words(fold(f"{certification.title} {certification.label} {diploma}"))
        if all(any(w.startswith(t) for w in own) for t in typed):
            found.append(certification)
    found.sort(key=lambda c: (-c.trainings, c.rncp))
    return found[:limit]


def _shown(index: CertificationIndex, text: str) -> str:
    """The certification a text picks, else the first one listed, else nothing."""
    found = index.resolve(text) or next(iter(index.lookup(text, limit=1)), None)
    return found.title if found else ""


def timed(index: CertificationIndex, queries: list[tuple[str, str]]) -> list[float]:
    """CPU ms of each query's lookup and resolve (what the métier field asks per keystroke)."""
    spent = []
    for _kind, text in queries:
        started = time.process_time()
        index.lookup(text, limit=10)
        index.resolve(text)
        spent.append((time.process_time() - started) * 1000)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, default=None, help="reuse this demo file")
    parser.add_argument("--scale", default="france", help="demo scale built without --catalogue")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3, help="passes, each on a fresh index")
    parser.add_argument("--naive-queries", type=int, default=60, help="naive timings (slow)")
    args = parser.parse_args()

    path = args.catalogue
    if path is None or not path.exists():
        path = path or Path(tempfile.mkdtemp()) / f"{args.scale}.sqlite"
        builder = Path(__file__).with_name("bench_search.py")
        subprocess.run(
            [sys.executable, str(builder), "--build-only", str(path), "--scale", args.scale],
            check=True,
        )
    store = CatalogueStore(path)
    try:
        rows = store.certification_rows()
        trainings = store.counts()
    finally:
        store.close()
    certifications = certifications_of(rows)
    queries = make_queries([c for c, _d in certifications], args.queries)

    builds, per_round = [], []
    for _ in range(args.rounds):
        # A fresh index each round: its prefix memo starts empty, as at a window's start.
        started = time.process_time()
        index = CertificationIndex(certifications)
        builds.append((time.process_time() - started) * 1000)
        per_round.append(timed(index, queries))
    # One query's figure is its median over the rounds (a shared machine has bad moments).
    cpu = [statistics.median(r[i] for r in per_round) for i in range(len(queries))]
    by_kind: dict[str, list[float]] = {}
    for (kind, _text), ms in zip(queries, cpu, strict=True):
        by_kind.setdefault(kind, []).append(ms)

    naive_sample = queries[: args.naive_queries]
    naive = []
    agree = 0
    for _kind, text in naive_sample:
        started = time.process_time()
        slow = naive_lookup(certifications, text)
        naive.append((time.process_time() - started) * 1000)
        fast = index.lookup(text, limit=10)
        agree += bool(slow) == bool(fast)

    out = {
        "catalogue": str(path),
        "items": {k.value: n for k, n in trainings.items()},
        "certifications": len(certifications),
        "spellings": len(rows),
        "queries": len(queries),
        "rounds": args.rounds,
        "index_build_cpu_ms": {
            "p50": round(statistics.median(builds), 1),
            "max": round(max(builds), 1),
        },
        "lookup_cpu_ms": {
            "p50": round(statistics.median(cpu), 3),
            "p95": round(_percentile(cpu, 0.95), 3),
            "max": round(max(cpu), 3),
        },
        "by_kind_cpu_ms": {
            kind: {
                "queries": len(v),
                "p50": round(statistics.median(v), 3),
                "p95": round(_percentile(v, 0.95), 3),
            }
            for kind, v in sorted(by_kind.items())
        },
        "typed_examples_cpu_ms": {
            text: round(ms, 3)
            for (kind, text), ms in zip(queries, cpu, strict=True)
            if kind == "typed"
        },
        # What the métier field would pick (resolve) or list first, to see the figures are real.
        "typed_examples_found": {
            text: _shown(index, text) for kind, text in queries if kind == "typed"
        },
        "naive_scan_cpu_ms": {
            "queries": len(naive),
            "p50": round(statistics.median(naive), 3),
            "p95": round(_percentile(naive, 0.95), 3),
        },
        "naive_and_index_both_find_or_both_miss": f"{agree}/{len(naive_sample)}",
        "ratio_p50": round(statistics.median(naive) / max(statistics.median(cpu), 1e-6), 1),
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
