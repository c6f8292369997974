"""`lba-desktop info` and `demo`: what the catalogue holds, and rebuilding the demo data."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from lba_desktop import paths
from lba_desktop.cli.output import print_json
from lba_desktop.safe_text import terminal_text


def add_commands(sub: Any) -> dict[str, Any]:
    info = sub.add_parser("info", help="origine et fraîcheur des données")
    info.add_argument("--json", action="store_true", help="sortie JSON")

    demo = sub.add_parser("demo", help="reconstruire le catalogue de démonstration")
    demo.add_argument("--scale", choices=("demo", "france"), default="demo")
    return {"info": cmd_info, "demo": cmd_demo}


def cmd_info(args: argparse.Namespace) -> int:
    from lba_desktop import training_source
    from lba_desktop.datapack_summary import is_fictitious
    from lba_desktop.local_catalogue import describe, open_catalogue

    info = describe(open_catalogue())
    if args.json:
        print_json(
            {
                "donnees": info.label_fr,
                "donnees_fictives": is_fictitious(info.details.get("meta") or {}, info.origin),
                "origine": info.origin,
                "construit_le": info.built_at,
                "compteurs": {k.value: n for k, n in info.counts.items()},
                # {source: trainings}: « api-apprentissage-formations », « lba-formations ».
                "source_formations": (info.details.get("meta") or {}).get(
                    training_source.META_KEY, {}
                ),
                "version_schema": info.schema_version,
                **info.details,
            }
        )
        return 0
    print(terminal_text(info.label_fr))
    print(f"Construit le : {info.built_at or 'inconnu'}")
    print(f"Fichier : {info.details['path']}")
    for kind, n in info.counts.items():
        print(f"  {kind.plural_fr:<16} {n:>9,}".replace(",", " "))
    if info.details.get("formations_sources_fr"):
        print(info.details["formations_sources_fr"])
    print_freshness(info.details["freshness"])
    from lba_desktop.cli.sync import print_last_sync

    print_last_sync()
    return 0


def print_freshness(freshness: list[dict[str, Any]]) -> None:
    """One line per source and date: the départements it covers, oldest data first."""
    if not freshness:
        return
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in freshness:
        groups.setdefault((row["source"], row["updated_at"][:10]), []).append(row)
    print("Fraîcheur par source :")
    for (source, day), rows in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        deps = [r["departement"] for r in rows]
        where = ", ".join(deps) if len(deps) <= 12 else f"{len(deps)} départements"
        items = sum(r["items"] for r in rows)
        print(f"  {source:<16} {_french_date(day)}  {where} ({items:,} éléments)".replace(",", " "))


def _french_date(iso_day: str) -> str:
    year, month, day = iso_day.split("-")
    return f"{day}/{month}/{year}"


def cmd_demo(args: argparse.Namespace) -> int:
    from lba_desktop.data.demo import build_demo_catalogue

    target = paths.catalogue_path()
    staging = target.with_suffix(".building")

    def report(done: int, total: int, label: str) -> None:
        print(f"  {label} ({done}/{total})", file=sys.stderr)

    print(f"Construction du catalogue de démonstration ({args.scale})…", file=sys.stderr)
    counts = build_demo_catalogue(staging, scale=args.scale, report=report)
    staging.replace(target)
    print("Catalogue prêt : " + ", ".join(f"{k.plural_fr} {n}" for k, n in counts.items()))
    return 0
