"""Parser throughput on ≥ 50,000 generated upstream items, against a naive baseline; prints JSON."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lba_desktop.data import parsers
from lba_desktop.models import Item, Kind
from tests.fake_upstream.data import generate, v1_company, v1_offer


def payloads(scale: float) -> dict[str, Any]:
    data = generate(seed=2026, scale=scale)
    offers = [v1_offer(j) for j in data.jobs]
    return {
        "formations": {"results": data.formations},
        "jobs_search": {"jobs": data.jobs, "recruiters": data.recruiters, "warnings": []},
        "v1_jobs": {
            "peJobs": {"results": [o for o in offers if o["ideaType"] == "peJob"]},
            "matchas": {"results": [o for o in offers if o["ideaType"] == "matcha"]},
            "partnerJobs": {
                "results": [o for o in offers if o["ideaType"] == "offres_emploi_partenaires"]
            },
            "lbaCompanies": {"results": [v1_company(r) for r in data.recruiters]},
        },
    }


# --- The naive baseline: what a first version typically looks like ----------------------
# A defensive deep copy through JSON per item, then try/except around each nested lookup,
# float()/int() conversions inline; same Item fields as the real parser for the main kinds.


def _get(obj: Any, *path: str) -> Any:
    try:
        for key in path:
            obj = obj[key]
        return obj
    except (KeyError, TypeError, IndexError):
        return None


def _float(value: Any) -> float | None:
    try:
        return float(str(value).replace(",", "."))
    except (TypeError, ValueError):
        return None


def naive_formations(payload: Any) -> list[Item]:
    items = []
    for raw in json.loads(json.dumps(payload))["results"]:
        try:
            item = json.loads(json.dumps(raw))
            insee = _get(item, "place", "insee") or ""
            postcode = _get(item, "place", "zipCode") or ""
            level = _get(item, "target_diploma_level")
            try:
                level_int: int | None = int(str(level)[0])
            except (TypeError, ValueError, IndexError):
                level_int = None
            items.append(
                Item(
                    kind=Kind.FORMATION,
                    id=item.get("cleMinistereEducatif") or item.get("id"),
                    title=item.get("title") or "",
                    organisation=_get(item, "company", "name") or "",
                    address=_get(item, "place", "fullAddress") or "",
                    commune=_get(item, "place", "city") or "",
                    insee=insee,
                    postcode=postcode,
                    departement=(insee or postcode)[:2],
                    lat=_float(_get(item, "place", "latitude")),
                    lon=_float(_get(item, "place", "longitude")),
                    romes=tuple(r["code"] for r in item.get("romes") or []),
                    diploma_level=level_int,
                    source="lba-formations",
                    url=item.get("onisepUrl") or "",
                    details={
                        "sessions": _get(item, "training", "sessions") or [],
                        "description": _get(item, "training", "description"),
                        "onisep_url": item.get("onisepUrl"),
                    },
                )
            )
        except Exception:  # the naive version swallows everything
            continue
    return items


def naive_jobs_search(payload: Any) -> list[Item]:
    body = json.loads(json.dumps(payload))
    items = []
    for name in ("jobs", "recruiters"):
        for raw in body.get(name) or []:
            try:
                item = json.loads(json.dumps(raw))
                coords = _get(item, "workplace", "location", "geopoint", "coordinates") or [
                    None,
                    None,
                ]
                address = _get(item, "workplace", "location", "address") or ""
                words = address.split()
                postcode = next((w for w in words if w.isdigit() and len(w) == 5), "")
                is_job = name == "jobs"
                kind = (
                    (Kind.PARTENARIAT if item.get("is_delegated") else Kind.OFFRE)
                    if is_job
                    else Kind.ENTREPRISE
                )
                level = _get(item, "offer", "target_diploma", "european")
                items.append(
                    Item(
                        kind=kind,
                        id=str(_get(item, "identifier", "id")),
                        title=_get(item, "offer", "title") or _get(item, "workplace", "name") or "",
                        organisation=_get(item, "workplace", "name") or "",
                        address=address,
                        postcode=postcode,
                        departement=postcode[:2],
                        lat=_float(coords[1]),
                        lon=_float(coords[0]),
                        romes=tuple(_get(item, "offer", "rome_codes") or []),
                        diploma_level=int(level) if level else None,
                        url=_get(item, "apply", "url") or "",
                        siret=_get(item, "workplace", "siret") or "",
                        opco=_get(item, "workplace", "domain", "opco") or "",
                        details={
                            "description": _get(item, "offer", "description"),
                            "contract": _get(item, "contract"),
                            "naf": _get(item, "workplace", "domain", "naf"),
                        },
                    )
                )
            except Exception:
                continue
    return items


def measure(func: Callable[[Any], Any], payload: Any, repeats: int) -> dict[str, float]:
    timings = []
    count = 0
    for _ in range(repeats):
        started = time.perf_counter()
        result = func(payload)
        timings.append(time.perf_counter() - started)
        count = len(result.items) if hasattr(result, "items") else len(result)
    best = min(timings)
    return {
        "items": count,
        "best_s": round(best, 4),
        "median_s": round(statistics.median(timings), 4),
        "items_per_s": round(count / best),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=16.0, help="16 ≈ 54,000 items")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sync-scale", type=float, default=20.0, help="as bench_sync (67,200)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = payloads(args.scale)
    generated_s = time.perf_counter() - started
    report: dict[str, Any] = {"scale": args.scale, "generate_s": round(generated_s, 2)}
    total_items = 0
    for name, func, naive in (
        ("formations", parsers.parse_formations, naive_formations),
        ("jobs_search", parsers.parse_jobs_search, naive_jobs_search),
        ("v1_jobs", parsers.parse_v1_jobs, None),
    ):
        ours = measure(func, data[name], args.repeats)
        total_items += ours["items"]
        entry: dict[str, Any] = {"parser": ours}
        # Same input as a sync sees it: the JSON text decoded, then parsed.
        text = json.dumps(data[name])
        entry["parser_with_json_decode"] = measure(
            lambda t, f=func: f(orjson.loads(t)), text, args.repeats
        )
        if naive is not None:
            baseline = measure(naive, data[name], args.repeats)
            entry["naive_baseline"] = baseline
            entry["ratio_vs_naive"] = round(ours["items_per_s"] / baseline["items_per_s"], 2)
        report[name] = entry
    # The parse phase of bench_sync.py (same data: trainings + V3 jobs and recruiters, then the
    # deduplication a sync does); the budget of issue #3 is for this plus the insert.
    sync_data = generate(seed=2026, scale=args.sync_scale)
    sync_formations = {"results": sync_data.formations}
    sync_jobs = {"jobs": sync_data.jobs, "recruiters": sync_data.recruiters, "warnings": []}
    report["sync_parse_and_dedupe"] = measure(
        lambda _: parsers.dedupe(
            [
                *parsers.parse_formations(sync_formations).items,
                *parsers.parse_jobs_search(sync_jobs).items,
            ]
        ),
        None,
        args.repeats,
    )
    # A list mixing V1 trainings and V3 jobs: parse_any detects each item's shape.
    mixed = [*data["formations"]["results"], *data["jobs_search"]["jobs"]]
    report["parse_any_mixed_list"] = measure(parsers.parse_any, mixed, args.repeats)
    report["total_items"] = total_items
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
