"""`lba-desktop search`: criteria from the options, results as a table or JSON."""

from __future__ import annotations

import argparse
from typing import Any

from lba_desktop.cli.output import print_json
from lba_desktop.errors import InvalidInput
from lba_desktop.models import HANDI_LABEL, Item, Kind, SearchResult
from lba_desktop.safe_text import terminal_text

KIND_OPTIONS = {
    "formations": Kind.FORMATION,
    "offres": Kind.OFFRE,
    "entreprises": Kind.ENTREPRISE,
    "partenariats": Kind.PARTENARIAT,
}


def add_commands(sub: Any) -> dict[str, Any]:
    search = sub.add_parser("search", help="chercher autour d'un lieu")
    search.add_argument(
        "--metier",
        default="",
        help="métier, début de mot, code ROME ou diplôme (« cap boulanger »)",
    )
    search.add_argument(
        "--rncp",
        default="",
        help="code RNCP d'un diplôme : ses formations, et les offres des métiers qu'il prépare",
    )
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
    search.add_argument(
        "--handi",
        action="store_true",
        help=f"« {HANDI_LABEL.lower()} » seulement (les formations restent)",
    )
    search.add_argument("--limit", type=int, default=20, help="lignes affichées (20)")
    search.add_argument("--json", action="store_true", help="sortie JSON")
    search.add_argument(
        "--details",
        action="store_true",
        help="avec --json : tout ce que la synchronisation a apporté pour chaque résultat",
    )
    return {"search": cmd_search}


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
    from lba_desktop.geocoding import kept_geocoder
    from lba_desktop.local_catalogue import describe, open_catalogue
    from lba_desktop.search import SearchService

    if args.limit < 0:
        raise InvalidInput("--limit doit être positif.")
    store = open_catalogue()
    # A command resolves one place: from the index kept in the data folder, not rebuilt.
    service = SearchService(store, geocoder=kept_geocoder())
    criteria = service.build_criteria(
        lieu=args.lieu,
        metier=args.metier,
        texte=args.texte,
        rayon=args.rayon,
        niveau=args.niveau,
        types=_kinds(args.types),
        opco=args.opco,
        handi=args.handi,
        rncp=args.rncp,
    )
    result = service.search(criteria)
    info = describe(store)
    if args.details and not args.json:
        raise InvalidInput("--details va avec --json.", hint="Ajoutez --json.")
    if args.json:
        print_json(result_to_json(result, args.limit, info.label_fr, details=args.details))
    else:
        print(render_table(result, args.limit, info.label_fr))
    return 0


def item_details(item: Item) -> dict[str, Any]:
    """Everything an item holds beyond the summary line: contacts, dates and the upstream's
    own fields (description, skills, access conditions, sessions, is_delegated…)."""
    own = dict(item.details or {})
    if item.kind in (Kind.OFFRE, Kind.PARTENARIAT) and "delegated" in own:
        # Also under the upstream's own name, for a script written against the v3 model.
        own.setdefault("is_delegated", own["delegated"])
    if item.kind is Kind.FORMATION:
        # API Apprentissage publishes no RDV eligibility: null says unknown, not refused.
        own.setdefault("rdv_eligible", None)
    return {
        "adresse": item.address,
        "telephone": item.phone,
        "email": item.email,
        "url": item.url,
        "siret": item.siret,
        "opco": item.opco,
        "source": item.source,
        "cree_le": item.created.isoformat() if item.created else None,
        "mis_a_jour_le": item.updated.isoformat() if item.updated else None,
        **own,
    }


def result_to_json(
    result: SearchResult, limit: int, source_label: str, *, details: bool = False
) -> dict[str, Any]:
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
            "rncp": c.rncp or None,
            "texte": c.text,
            "rayon_km": c.radius_km,
            "niveau": c.diploma_level,
            "types": sorted(k.value for k in c.kinds),
        },
        "compteurs": {k.value: n for k, n in result.counts.items()},
        "duree_ms": round(result.elapsed_ms, 2),
        "au_plus_proche_hors_rayon": result.nearest_anywhere,
        "elargir_la_recherche": result.widen_hint,
        "rayon_propose_km": result.widen_to_km,
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
                "employeur_handi_engage": h.item.handi_friendly
                if h.item.kind is not Kind.FORMATION
                else None,
                **({"details": item_details(h.item)} if details else {}),
            }
            for h in result.hits[:limit]
        ],
    }


def _cut(text: str, width: int) -> str:
    """Upstream text in a column: no escape sequence reaches the terminal."""
    return terminal_text(text, width)


def render_table(result: SearchResult, limit: int, source_label: str) -> str:
    c = result.criteria
    lines = [
        f"{terminal_text(source_label)} — {c.place.label}, {c.radius_km} km"
        + (f", {c.rncp}" if c.rncp else "")
        + (f", ROME {' '.join(c.romes)}" if c.romes else "")
        + (f", « {terminal_text(c.text)} »" if c.text else ""),
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
        engaged = item.handi_friendly and item.kind is not Kind.FORMATION
        lines.append(
            f"{item.kind.label_fr:<15} {dist:>8}  {_cut(item.title, 44):<44} "
            f"{_cut(item.organisation, 30):<30} {_cut(item.commune, 22):<22} {level}"
            + ("  handi-engagé" if engaged else "")
        )
    if len(result.hits) > limit:
        lines.append(f"… {len(result.hits) - limit} autres résultats (--limit pour en voir plus).")
    if result.widen_to_km is not None:
        lines.append(
            ("Aucun résultat dans le rayon" if result.nearest_anywhere else "Peu de résultats")
            + f" : élargissez la recherche (--rayon {result.widen_to_km})."
        )
    return "\n".join(lines)
