"""`lba-desktop shortlist …`: list people, export a shortlist, personal-data rights."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lba_desktop.cli.output import chosen_action, print_json
from lba_desktop.errors import InvalidInput
from lba_desktop.exports import FORMATS
from lba_desktop.safe_text import terminal_text

Handler = Callable[[argparse.Namespace], int]


def add_commands(subparsers: Any) -> dict[str, Handler]:
    shortlist = subparsers.add_parser(
        "shortlist", help="sélections des jeunes : liste, exports, données personnelles"
    )
    actions = shortlist.add_subparsers(dest="shortlist_command", metavar="ACTION")

    listing = actions.add_parser("list", help="les personnes, leur numéro et leurs pistes")
    listing.add_argument("--texte", default="", help="filtrer sur le nom, le téléphone…")
    listing.add_argument("--json", action="store_true", help="sortie JSON")

    export = actions.add_parser("export", help="exporter la sélection d'une personne")
    export.add_argument("person", metavar="PERSONNE", help="numéro ou nom sans ambiguïté")
    export.add_argument("--format", choices=FORMATS, default=None, help="pdf, csv, xlsx ou html")
    export.add_argument("--output", required=True, type=Path, help="fichier à écrire")
    export.add_argument("--structure", default="", help="nom de la structure (paramètres)")

    data = actions.add_parser("export-data", help="toutes les données d'une personne (JSON + PDF)")
    data.add_argument("person", metavar="PERSONNE")
    data.add_argument("--output", required=True, type=Path, help="dossier à remplir")
    data.add_argument("--structure", default="")

    erase = actions.add_parser("erase", help="supprimer définitivement une personne")
    erase.add_argument("person", metavar="PERSONNE")
    erase.add_argument("--oui", action="store_true", help="confirmer la suppression")

    inactive = actions.add_parser("inactive", help="personnes sans activité depuis N mois")
    inactive.add_argument("--mois", type=int, default=12)
    return {"shortlist": cmd_shortlist}


def cmd_shortlist(args: argparse.Namespace) -> int:
    from lba_desktop.people import PeopleService

    handlers: dict[str, Callable[[PeopleService, argparse.Namespace], int]] = {
        "list": _list,
        "export": _export,
        "export-data": _export_data,
        "erase": _erase,
        "inactive": _inactive,
    }
    handler = chosen_action(handlers, args.shortlist_command)
    with PeopleService() as service:
        return handler(service, args)


def _list(service: Any, args: argparse.Namespace) -> int:
    people = service.search_people(args.texte)
    if args.json:
        rows = [
            {
                "numero": p.id,
                "nom": p.display_name,
                "commune": p.home_label,
                "pistes": p.item_count,
                "derniere_activite": p.last_activity_at.isoformat() if p.last_activity_at else "",
            }
            for p in people
        ]
        print_json(rows)
        return 0
    if not people:
        print("Aucune personne enregistrée.")
        return 0
    print(f"{'N°':>4}  {'Nom':<32} {'Commune':<26} {'Pistes':>6}  Dernière activité")
    for p in people:
        when = p.last_activity_at.astimezone().strftime("%d/%m/%Y") if p.last_activity_at else ""
        print(
            f"{p.id:>4}  {terminal_text(p.display_name, 32):<32} "
            f"{terminal_text(p.home_label, 26):<26} "
            f"{p.item_count:>6}  {when}"
        )
    return 0


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = args.output.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise InvalidInput("Format d'export inconnu.", hint="Ajoutez --format pdf, csv, xlsx ou html.")


def _export(service: Any, args: argparse.Namespace) -> int:
    from lba_desktop.exports import export_shortlist

    person = service.find_person(args.person)
    path = export_shortlist(
        service, person.id, fmt=_format(args), output=args.output, structure=args.structure
    )
    print(f"Sélection de la personne n° {person.id} exportée : {path}")
    return 0


def _export_data(service: Any, args: argparse.Namespace) -> int:
    from lba_desktop.exports.privacy import export_person_data

    person = service.find_person(args.person)
    for path in export_person_data(
        service, person.id, folder=args.output, structure=args.structure
    ):
        print(path)
    return 0


def _erase(service: Any, args: argparse.Namespace) -> int:
    person = service.find_person_exactly(args.person)
    who = erasure_summary(service, person)
    if not args.oui:
        print(f"Sera supprimée définitivement : {who}.")
        raise InvalidInput(
            f"La suppression de la personne n° {person.id} est définitive.",
            hint=f"Relancez avec --oui pour confirmer : lba-desktop shortlist erase {person.id} "
            "--oui",
        )
    deleted = service.erase_person(person.id)
    print(f"Supprimée définitivement : {who} ({sum(deleted.values())} lignes effacées).")
    return 0


def erasure_summary(service: Any, person: Any) -> str:
    """« n° 3 — Anne-Marie Durand (Aurillac (15)) : 4 pistes, 1 demande de rendez-vous »."""
    rows = service.export_person_data(person.id)
    pistes = len(rows.get("shortlist_items", ()))
    requests = len(rows.get("appointment_requests", ()))
    home = f" ({terminal_text(person.home_label)})" if person.home_label else ""
    return (
        f"n° {person.id} — {terminal_text(person.display_name)}{home} : "
        f"{pistes} piste{'s' * (pistes > 1)}, "
        f"{requests} demande{'s' * (requests > 1)} de rendez-vous"
    )


def _inactive(service: Any, args: argparse.Namespace) -> int:
    if args.mois < 1:
        raise InvalidInput("--mois doit valoir au moins 1.")
    people = service.people_inactive_since(args.mois)
    if not people:
        print(f"Personne n'est inactif depuis {args.mois} mois.")
        return 0
    print(f"Sans activité depuis {args.mois} mois (suppression à proposer) :")
    for p in people:
        when = p.last_activity_at.astimezone().strftime("%d/%m/%Y") if p.last_activity_at else ""
        print(f"{p.id:>4}  {terminal_text(p.display_name)}  (dernière activité : {when})")
    return 0
