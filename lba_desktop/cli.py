"""The `lba-desktop` command: the window with no sub-command, scripting sub-commands otherwise."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from lba_desktop import __version__, paths
from lba_desktop.errors import InvalidInput, LbaError
from lba_desktop.models import MAX_RADIUS_KM, RADIUS_CHOICES_KM, Kind, SearchResult

# Modules that add their own sub-commands: each has `add_commands(subparsers) -> {name: handler}`
# where a handler takes the parsed arguments and returns the exit code.
EXTRA_COMMAND_MODULES: tuple[str, ...] = (
    "lba_desktop.cli_shortlist",
    "lba_desktop.cli_serve",
    "lba_desktop.cli_sync",
    "lba_desktop.cli_rdv",
)

KIND_OPTIONS = {
    "formations": Kind.FORMATION,
    "offres": Kind.OFFRE,
    "entreprises": Kind.ENTREPRISE,
    "partenariats": Kind.PARTENARIAT,
}


# argparse's own messages, in French (it reads them through gettext, which has no French
# catalogue for it): the CLI speaks one language.
ARGPARSE_FR = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide",
    "argument %(argument_name)s: %(message)s": "option %(argument_name)s : %(message)s",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s attendu) : %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (choisir parmi %(choices)s)"
    ),
    "expected one argument": "une valeur est attendue",
    "not allowed with argument %s": "incompatible avec l'option %s",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
}
argparse._ = lambda text: ARGPARSE_FR.get(text, text)  # type: ignore[attr-defined]


class FrenchArgumentParser(argparse.ArgumentParser):
    """argparse exits with code 2 on bad input; we only make its last line French."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"Erreur : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="lba-desktop",
        description="Formations en apprentissage et entreprises qui recrutent, hors ligne.",
    )
    parser.add_argument("--version", action="version", version=f"lba-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")

    search = sub.add_parser("search", help="chercher autour d'un lieu")
    search.add_argument("--metier", default="", help="métier, début de mot ou code ROME")
    search.add_argument("--texte", default="", help="mots-clés libres (si pas de métier)")
    search.add_argument("--lieu", required=True, help="commune, code postal, département…")
    search.add_argument(
        "--rayon", type=int, default=None, help="rayon en km (1–200, 30 par défaut)"
    )
    search.add_argument("--niveau", type=int, default=None, help="niveau de diplôme 3 à 7")
    search.add_argument(
        "--types",
        default=",".join(KIND_OPTIONS),
        help="formations,offres,entreprises,partenariats",
    )
    search.add_argument("--opco", default="", help="limiter les entreprises à un OPCO")
    search.add_argument("--handi", action="store_true", help="entreprises handi-accueillantes")
    search.add_argument("--limit", type=int, default=20, help="lignes affichées (20)")
    search.add_argument("--json", action="store_true", help="sortie JSON")

    info = sub.add_parser("info", help="origine et fraîcheur des données")
    info.add_argument("--json", action="store_true", help="sortie JSON")

    demo = sub.add_parser("demo", help="reconstruire le catalogue de démonstration")
    demo.add_argument("--scale", choices=("demo", "france"), default="demo")

    for module_name in EXTRA_COMMAND_MODULES:
        COMMANDS.update(importlib.import_module(module_name).add_commands(sub))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or args_list[0].startswith("--screenshot") or args_list[0] == "--gui":
        return _run_gui(args_list)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # bad options (2) or --help (0): a code, not an exception
        return int(exc.code or 0)
    if args.command is None:
        return _run_gui(args_list)
    try:
        return COMMANDS[args.command](args)
    except LbaError as exc:
        print(f"Erreur : {exc.message}", file=sys.stderr)
        if exc.hint:
            print(exc.hint, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


def _run_gui(argv: list[str]) -> int:
    from lba_desktop.ui.app import run  # Qt is only loaded for the window

    return run(argv)


# --- search ------------------------------------------------------------------------------


def _kinds(text: str) -> frozenset[Kind]:
    kinds = set()
    for part in filter(None, (p.strip().lower() for p in text.split(","))):
        if part not in KIND_OPTIONS:
            raise InvalidInput(
                f"Type inconnu : « {part} ».",
                hint="Types possibles : " + ", ".join(KIND_OPTIONS) + ".",
            )
        kinds.add(KIND_OPTIONS[part])
    return frozenset(kinds)


def cmd_search(args: argparse.Namespace) -> int:
    from lba_desktop.local_catalogue import describe, open_catalogue
    from lba_desktop.search import SearchService

    if args.limit < 0:
        raise InvalidInput("--limit doit être positif.")
    store = open_catalogue()
    service = SearchService(store)
    criteria = service.build_criteria(
        lieu=args.lieu,
        metier=args.metier,
        texte=args.texte,
        rayon=args.rayon,
        niveau=args.niveau,
        types=_kinds(args.types),
        opco=args.opco,
        handi=args.handi,
    )
    result = service.search(criteria)
    info = describe(store)
    if args.json:
        print(
            json.dumps(
                result_to_json(result, args.limit, info.label_fr), ensure_ascii=False, indent=2
            )
        )
    else:
        print(render_table(result, args.limit, info.label_fr))
    return 0


def result_to_json(result: SearchResult, limit: int, source_label: str) -> dict[str, Any]:
    c = result.criteria
    return {
        "donnees": source_label,
        "criteres": {
            "lieu": {
                "type": c.place.kind.value,
                "code": c.place.code,
                "libelle": c.place.label,
                "latitude": c.place.lat,
                "longitude": c.place.lon,
            },
            "romes": list(c.romes),
            "texte": c.text,
            "rayon_km": c.radius_km,
            "niveau": c.diploma_level,
            "types": sorted(k.value for k in c.kinds),
        },
        "compteurs": {k.value: n for k, n in result.counts.items()},
        "duree_ms": round(result.elapsed_ms, 2),
        "au_plus_proche_hors_rayon": result.nearest_anywhere,
        "elargir_la_recherche": result.widen_hint,
        "resultats": [
            {
                "type": h.item.kind.value,
                "id": h.item.id,
                "intitule": h.item.title,
                "organisme": h.item.organisation,
                "commune": h.item.commune,
                "code_postal": h.item.postcode,
                "insee": h.item.insee,
                "distance_km": h.distance_km,
                "niveau": h.item.diploma_level,
                "romes": list(h.item.romes),
                "latitude": h.item.lat,
                "longitude": h.item.lon,
                "fictif": h.item.fictitious,
            }
            for h in result.hits[:limit]
        ],
    }


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(result: SearchResult, limit: int, source_label: str) -> str:
    c = result.criteria
    lines = [
        f"{source_label} — {c.place.label}, {c.radius_km} km"
        + (f", ROME {' '.join(c.romes)}" if c.romes else "")
        + (f", « {c.text} »" if c.text else ""),
        "  ".join(f"{k.plural_fr} : {result.counts[k]}" for k in Kind if k in c.kinds)
        + f"   ({result.elapsed_ms:.1f} ms)",
    ]
    if result.nearest_anywhere:
        lines.append("Aucun résultat dans ce rayon : voici les plus proches, plus loin.")
    if not result.hits:
        lines.append("Aucun résultat. Essayez un rayon plus grand ou un métier voisin.")
        return "\n".join(lines)
    header = (
        f"{'Type':<15} {'Distance':>8}  {'Intitulé':<44} {'Organisme':<30} {'Commune':<22} Niv."
    )
    lines += ["", header, "-" * len(header)]
    for hit in result.hits[:limit]:
        item = hit.item
        dist = f"{hit.distance_km:.1f} km" if hit.distance_km is not None else ""
        level = str(item.diploma_level) if item.diploma_level else "—"
        lines.append(
            f"{item.kind.label_fr:<15} {dist:>8}  {_cut(item.title, 44):<44} "
            f"{_cut(item.organisation, 30):<30} {_cut(item.commune, 22):<22} {level}"
        )
    if len(result.hits) > limit:
        lines.append(f"… {len(result.hits) - limit} autres résultats (--limit pour en voir plus).")
    wider = [r for r in (*RADIUS_CHOICES_KM, MAX_RADIUS_KM) if r > c.radius_km]
    if result.widen_hint and wider and not c.place.is_area:
        lines.append(f"Peu de résultats : élargissez la recherche (--rayon {wider[0]}).")
    return "\n".join(lines)


# --- info and demo -----------------------------------------------------------------------


def cmd_info(args: argparse.Namespace) -> int:
    from lba_desktop.local_catalogue import describe, open_catalogue

    info = describe(open_catalogue())
    if args.json:
        print(
            json.dumps(
                {
                    "donnees": info.label_fr,
                    "origine": info.origin,
                    "construit_le": info.built_at,
                    "compteurs": {k.value: n for k, n in info.counts.items()},
                    "version_schema": info.schema_version,
                    **info.details,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    print(info.label_fr)
    print(f"Construit le : {info.built_at or 'inconnu'}")
    print(f"Fichier : {info.details['path']}")
    for kind, n in info.counts.items():
        print(f"  {kind.plural_fr:<16} {n:>9,}".replace(",", " "))
    print_freshness(info.details["freshness"])
    from lba_desktop.cli_sync import print_last_sync

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


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "search": cmd_search,
    "info": cmd_info,
    "demo": cmd_demo,
}
