"""`lba-desktop territoire`: a département, a région or France per métier and per ROME
professional domain, as tables or JSON."""

from __future__ import annotations

import argparse
from typing import Any

from lba_desktop.cli.output import print_json
from lba_desktop.safe_text import terminal_text

TABLE_ROWS = 25


def add_commands(sub: Any) -> dict[str, Any]:
    cmd = sub.add_parser("territoire", help="chiffres d'un territoire par métier et domaine")
    where = cmd.add_mutually_exclusive_group()
    where.add_argument("--departement", default="", help="numéro ou nom (15, Cantal)")
    where.add_argument("--region", default="", help="code INSEE ou nom (84)")
    cmd.add_argument("--metier", default="", help="métier, début de mot ou code ROME")
    cmd.add_argument("--json", action="store_true", help="sortie JSON")
    return {"territoire": cmd_territoire}


def cmd_territoire(args: argparse.Namespace) -> int:
    from lba_desktop.local_catalogue import open_catalogue
    from lba_desktop.territory import TerritoryService, view_to_json

    service = TerritoryService(open_catalogue())
    territory = service.territory(departement=args.departement, region=args.region)
    view = service.view(territory, service.romes_of(args.metier))
    if args.json:
        print_json(view_to_json(view))
    else:
        print(render_table(view))
    return 0


def render_table(view: Any) -> str:
    n = len(view.metiers)
    lines = [f"Territoire : {view.territory.label} — {n} métier{'s' if n > 1 else ''}"]
    if not view.metiers:
        lines.append("Aucune formation, offre ni entreprise de ce(s) métier(s) ici.")
        return "\n".join(lines)
    header = (
        f"{'ROME':<6} {'Métier':<40} {'Form.':>6} {'Offres':>6} {'Part.':>6} "
        f"{'Entr.':>6} {'Empl./form.':>11} {'Empl./place':>11}"
    )
    lines += ["", header, "-" * len(header)]
    top = sorted(view.metiers, key=lambda m: (-(m.counts.offres + m.counts.formations), m.rome))
    for m in top[:TABLE_ROWS]:
        c = m.counts
        lines.append(
            f"{c.rome:<6} {terminal_text(m.label, 40):<40} {c.formations:>6} {c.offres:>6} "
            f"{c.partenariats:>6} {c.entreprises:>6} {_ratio(m.employers_per_training):>11} "
            f"{_ratio(m.employers_per_place):>11}"
        )
    if len(top) > TABLE_ROWS:
        lines.append(f"… {len(top) - TABLE_ROWS} autres métiers (--json pour tout voir).")
    lines += ["", *render_domains(view.domains)]
    lines += [
        "",
        f"Formations sans employeur du métier à moins de 30 km : "
        f"{sum(m.counts.formations_sans_employeur for m in view.metiers)}",
    ]
    for g in view.trainings_alone[:10]:
        far = "aucun" if g.nearest_km is None else f"le plus proche à {g.nearest_km:.0f} km"
        lines.append(
            f"  {g.rome}  {terminal_text(g.title, 44)} — {terminal_text(g.commune, 24)} ({far})"
        )
    missing = view.metiers_without_training
    lines += ["", f"Métiers avec des offres sans formation à moins de 60 km : {len(missing)}"]
    for m in missing[:10]:
        lines.append(
            f"  {m.rome}  {terminal_text(m.label, 44)} — {m.counts.offres_sans_formation} "
            f"offre(s) sur {m.counts.offres}"
        )
    return "\n".join(lines)


def render_domains(domains: Any) -> list[str]:
    """The professional domains (ROME « D11 »), each item once however many of the domain's
    métiers it carries."""
    n = len(domains)
    lines = [f"Domaines professionnels (ROME) : {n}"]
    if not domains:
        return lines
    header = (
        f"{'Dom.':<4} {'Métiers du domaine':<46} {'Mét.':>4} {'Form.':>6} {'Offres':>6} "
        f"{'Part.':>6} {'Entr.':>6} {'Empl./form.':>11} {'Empl./place':>11}"
    )
    lines += [header, "-" * len(header)]
    top = sorted(domains, key=lambda d: (-(d.counts.offres + d.counts.formations), d.code))
    for d in top[:TABLE_ROWS]:
        c = d.counts
        lines.append(
            f"{d.code:<4} {terminal_text(d.label, 46):<46} {c.metiers:>4} {c.formations:>6} "
            f"{c.offres:>6} {c.partenariats:>6} {c.entreprises:>6} "
            f"{_ratio(d.employers_per_training):>11} {_ratio(d.employers_per_place):>11}"
        )
    if len(top) > TABLE_ROWS:
        lines.append(f"… {len(top) - TABLE_ROWS} autres domaines (--json pour tout voir).")
    return lines


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
