"""`lba-desktop parcours`: pairs (training, employer) within a young person's reach, as a table
or JSON."""

from __future__ import annotations

import argparse
from typing import Any

from lba_desktop.cli.output import print_json
from lba_desktop.models import Item, Kind
from lba_desktop.parcours import (
    DEFAULT_PAIR_LIMIT,
    NO_EMPLOYER_WARNING,
    Pair,
    ParcoursResult,
    ReachableTraining,
    what_to_do,
)
from lba_desktop.safe_text import terminal_text


def add_commands(sub: Any) -> dict[str, Any]:
    parcours = sub.add_parser(
        "parcours", help="formation + employeur à portée du domicile d'un jeune"
    )
    parcours.add_argument("--metier", default="", help="métier, début de mot ou code ROME")
    parcours.add_argument("--domicile", default="", help="commune du jeune (nom, code postal…)")
    parcours.add_argument(
        "--mobilite", type=int, default=None, help="rayon de mobilité en km (30 par défaut)"
    )
    parcours.add_argument("--niveau", type=int, default=None, help="niveau visé 3 à 7")
    parcours.add_argument(
        "--formation",
        default="",
        metavar="ID",
        help="partir d'une formation (place en CFA, pas d'employeur) : ses employeurs à portée",
    )
    parcours.add_argument(
        "--limit",
        type=int,
        default=DEFAULT_PAIR_LIMIT,
        help=f"parcours affichés ({DEFAULT_PAIR_LIMIT})",
    )
    parcours.add_argument("--json", action="store_true", help="sortie JSON")
    return {"parcours": cmd_parcours}


def cmd_parcours(args: argparse.Namespace) -> int:
    from lba_desktop.local_catalogue import describe, open_catalogue
    from lba_desktop.parcours import ParcoursService
    from lba_desktop.search import SearchService

    store = open_catalogue()
    service = ParcoursService(SearchService(store))
    if args.formation.strip():
        result = service.from_training(
            args.formation, domicile=args.domicile, mobilite=args.mobilite, limit=args.limit
        )
    else:
        result = service.for_profile(
            domicile=args.domicile,
            metier=args.metier,
            mobilite=args.mobilite,
            niveau=args.niveau,
            limit=args.limit,
        )
    label = describe(store).label_fr
    if args.json:
        print_json(result_to_json(result, label))
    else:
        print(render_text(result, label))
    return 0


def _km(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def training_json(training: Item | None, from_home_km: float | None) -> dict[str, Any]:
    if training is None:
        return {"id": None, "intitule": "Formation incluse", "distance_domicile_km": None}
    return {
        "id": training.id,
        "intitule": training.title,
        "organisme": training.organisation,
        "adresse": training.address,
        "commune": training.commune,
        "code_postal": training.postcode,
        "niveau": training.diploma_level,
        "romes": list(training.romes),
        "latitude": training.lat,
        "longitude": training.lon,
        "distance_domicile_km": _km(from_home_km),
        "fictif": training.fictitious,
    }


def pair_json(pair: Pair) -> dict[str, Any]:
    e = pair.employer
    training = training_json(pair.training, pair.training_from_home_km)
    if pair.training is None:
        training["organisme"] = pair.included_cfa
    return {
        "formation": training,
        "employeur": {
            "type": e.kind.value,
            "libelle_type": pair.employer_label,
            "id": e.id,
            "intitule": e.title,
            "organisme": e.organisation,
            "adresse": e.address,
            "commune": e.commune,
            "code_postal": e.postcode,
            "niveau": e.diploma_level if e.kind is not Kind.ENTREPRISE else None,
            "latitude": e.lat,
            "longitude": e.lon,
            "distance_domicile_km": pair.employer_from_home_km,
            "distance_formation_km": pair.employer_to_training_km,
            "que_faire": what_to_do(e),
            "telephone": e.phone,
            "email": e.email,
            "url": e.url,
            "fictif": e.fictitious,
        },
        "formation_incluse": pair.included,
        "trajet_km": round(pair.travel_km, 1),
    }


def reach_json(reach: ReachableTraining) -> dict[str, Any]:
    return {
        **training_json(reach.item, reach.from_home_km),
        "employeurs_a_portee": reach.employers,
        "alerte": NO_EMPLOYER_WARNING if reach.employers == 0 else None,
    }


def result_to_json(result: ParcoursResult, source_label: str) -> dict[str, Any]:
    home = result.home
    return {
        "donnees": source_label,
        "criteres": {
            "domicile": None
            if home is None
            else {
                "insee": home.code,
                "libelle": home.label,
                "latitude": home.lat,
                "longitude": home.lon,
            },
            "mobilite_km": result.radius_km,
            "romes": list(result.romes),
            "niveau": result.diploma_level,
            "formation": result.chosen_training.id if result.chosen_training else None,
        },
        "nombre_de_parcours": result.total_pairs,
        # The search stopped at its cap for these kinds: counts are « au moins ».
        "plafonnes": sorted(k.value for k in result.capped),
        "duree_ms": round(result.elapsed_ms, 2),
        "parcours": [pair_json(p) for p in result.pairs],
        "formations": [reach_json(t) for t in result.trainings],
    }


def render_text(result: ParcoursResult, source_label: str) -> str:
    where = result.home.label if result.home else "domicile inconnu"
    lines = [
        f"{terminal_text(source_label)} — {where}, mobilité {result.radius_km} km"
        + (f", ROME {' '.join(result.romes)}" if result.romes else ""),
    ]
    if result.chosen_training is not None:
        t = result.chosen_training
        lines.append(
            f"À partir de : {terminal_text(t.title, 60)} — {terminal_text(t.organisation, 40)}"
        )
    lines.append(
        f"{result.total_pairs} parcours, {len(result.trainings)} formation(s) à portée"
        f"   ({result.elapsed_ms:.1f} ms)"
    )
    alone = result.trainings_without_employer
    if alone:
        lines.append(f"{len(alone)} formation(s) sans aucun employeur à portée :")
        lines += [
            f"  - {terminal_text(r.item.title, 60)} ({r.from_home_km} km)" for r in alone[:10]
        ]
    if not result.pairs:
        lines.append("Aucun parcours complet à portée : élargissez la mobilité ou le métier.")
        return "\n".join(lines)
    header = f"{'Trajet':>8}  {'Formation':<40} {'km':>5}  {'Employeur':<40} {'km':>5} {'CFA↔':>6}"
    lines += ["", header, "-" * len(header)]
    for pair in result.pairs:
        training = (
            pair.training.title if pair.training else f"Formation incluse {pair.included_cfa}"
        )
        employer = f"{pair.employer.organisation} ({pair.employer_label})"
        lines.append(
            f"{pair.travel_km:>5.1f} km  {terminal_text(training, 40):<40} "
            f"{_blank(pair.training_from_home_km):>5}  {terminal_text(employer, 40):<40} "
            f"{_blank(pair.employer_from_home_km):>5} {_blank(pair.employer_to_training_km):>6}"
        )
    if result.total_pairs > len(result.pairs):
        lines.append(
            f"… {result.total_pairs - len(result.pairs)} autres (--limit pour en voir plus)."
        )
    return "\n".join(lines)


def _blank(km: float | None) -> str:
    return "" if km is None else f"{km:.1f}"
