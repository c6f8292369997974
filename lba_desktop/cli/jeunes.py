"""`lba-desktop jeunes …`: add, list, journal and export young people, on the configured store
(user.sqlite, or the structure's server named by LBA_USER_DB)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from lba_desktop.cli.jeunes_parcours import add_actions
from lba_desktop.cli.output import chosen_action, print_json
from lba_desktop.errors import InvalidInput
from lba_desktop.safe_text import terminal_text

Handler = Callable[[argparse.Namespace], int]
# `jeunes profil` and `jeunes nouveautes` (lba_desktop.cli.jeunes_parcours).
PROFILE_ACTIONS: dict[str, Callable[[Any, argparse.Namespace], int]] = {}
EXPORT_FORMATS = ("csv", "pdf", "json")


def add_commands(subparsers: Any) -> dict[str, Handler]:
    jeunes = subparsers.add_parser(
        "jeunes", help="suivi des jeunes : ajouter, liste, journal daté, exporter"
    )
    actions = jeunes.add_subparsers(dest="jeunes_command", metavar="ACTION")

    add = actions.add_parser("ajouter", help="enregistrer un jeune")
    add.add_argument("prenom", metavar="PRÉNOM", help="prénom ou pseudonyme")
    add.add_argument("--nom", default="")
    add.add_argument("--telephone", default="")
    add.add_argument("--courriel", default="")
    add.add_argument("--commune", default="", help="commune de résidence (nom, code postal…)")
    add.add_argument("--dossier", default="", help="n° de dossier dans votre système")
    add.add_argument("--json", action="store_true", help="sortie JSON")

    listing = actions.add_parser("liste", help="les jeunes suivis, leur numéro et qui les suit")
    listing.add_argument("--texte", default="", help="filtrer sur le nom, le téléphone…")
    listing.add_argument("--json", action="store_true", help="sortie JSON")

    timeline = actions.add_parser(
        "journal", help="le journal daté d'un jeune, ou y noter une étape (--etape)"
    )
    timeline.add_argument("person", metavar="JEUNE", help="numéro ou nom sans ambiguïté")
    timeline.add_argument(
        "--etape", default="", help="entretien, atelier, candidature ou immersion"
    )
    timeline.add_argument("--date", default="", help="jour de l'étape (03/12/2026) ; aujourd'hui")
    timeline.add_argument("--note", default="")
    timeline.add_argument("--json", action="store_true", help="sortie JSON")

    export = actions.add_parser(
        "exporter",
        help="le journal d'une période en CSV ou PDF (saisie dans votre système) ou toutes les "
        "données d'un jeune ou de tous en JSON",
    )
    export.add_argument("person", metavar="JEUNE", nargs="?", default="", help="un seul jeune")
    export.add_argument("--output", required=True, type=Path, help="fichier à écrire")
    export.add_argument("--format", choices=EXPORT_FORMATS, default=None)
    export.add_argument("--du", default="", help="premier jour (CSV, PDF ; 30 jours par défaut)")
    export.add_argument("--au", default="", help="dernier jour (CSV, PDF ; aujourd'hui par défaut)")
    export.add_argument("--conseiller", default="", help="les événements d'un conseiller")
    move_in = actions.add_parser(
        "importer", help="copier le user.sqlite d'un conseiller dans les données configurées"
    )
    move_in.add_argument("source", metavar="FICHIER", type=Path, help="un user.sqlite")
    PROFILE_ACTIONS.update(add_actions(actions))
    return {"jeunes": cmd_jeunes}


def cmd_jeunes(args: argparse.Namespace) -> int:
    from lba_desktop.people import PeopleService

    handlers: dict[str, Callable[[Any, argparse.Namespace], int]] = {
        "ajouter": _add,
        "liste": _list,
        "journal": _journal,
        "exporter": _export,
        "importer": _import,
        **PROFILE_ACTIONS,
    }
    handler = chosen_action(handlers, args.jeunes_command)
    with PeopleService() as service:
        return handler(service, args)


def _add(service: Any, args: argparse.Namespace) -> int:
    person = service.create_person(
        first_name=args.prenom,
        last_name=args.nom,
        phone=args.telephone,
        email=args.courriel,
        home_insee=args.commune,
        case_number=args.dossier,
    )
    if args.json:
        print_json({"numero": person.id, "nom": person.display_name})
    else:
        print(f"Jeune n° {person.id} enregistré : {terminal_text(person.display_name)}.")
    return 0


def _list(service: Any, args: argparse.Namespace) -> int:
    people = service.search_people(args.texte)
    if args.json:
        print_json(
            [
                {
                    "numero": p.id,
                    "nom": p.display_name,
                    "dossier": p.case_number,
                    "commune": p.home_label,
                    "pistes": p.item_count,
                    "modifie_par": p.updated_by,
                    "modifie_le": p.updated_at.isoformat() if p.updated_at else "",
                }
                for p in people
            ]
        )
        return 0
    if not people:
        print("Aucun jeune enregistré.")
        return 0
    print(f"{'N°':>4}  {'Nom':<28} {'Dossier':<12} {'Pistes':>6}  Modifié par")
    for p in people:
        when = p.updated_at.astimezone().strftime("%d/%m/%Y") if p.updated_at else ""
        print(
            f"{p.id:>4}  {terminal_text(p.display_name, 28):<28} "
            f"{terminal_text(p.case_number, 12):<12} {p.item_count:>6}  "
            f"{terminal_text(p.updated_by, 24)} {when}".rstrip()
        )
    return 0


def _journal(service: Any, args: argparse.Namespace) -> int:
    person = service.find_person(args.person)
    if args.etape:
        event = service.record_step(
            person.id, args.etape, on=args.date or date.today(), note=args.note
        )
        print(
            f"Étape notée pour le jeune n° {person.id} : {event.label_fr} le "
            f"{event.happened_on:%d/%m/%Y}."
        )
        return 0
    if args.date or args.note:
        raise InvalidInput("--date et --note accompagnent --etape.")
    events = service.journal(person.id)
    if args.json:
        print_json(
            [
                {
                    "date": e.happened_on.isoformat(),
                    "type": e.kind.value,
                    "libelle": e.label_fr,
                    "detail": e.summary,
                    "note": e.note,
                    "conseiller": e.counsellor,
                    "enregistre_le": e.recorded_at.isoformat(),
                }
                for e in events
            ]
        )
        return 0
    print(f"Journal du jeune n° {person.id} — {terminal_text(person.display_name)}")
    for e in events:
        who = terminal_text(e.counsellor)
        print(f"  {e.happened_on:%d/%m/%Y}  {terminal_text(e.text_fr)}  ({who})")
    return 0


def _export(service: Any, args: argparse.Namespace) -> int:
    from lba_desktop.exports.journal_export import render_journal_report, render_people_json
    from lba_desktop.files import write_file
    from lba_desktop.people.journal import parse_day

    fmt = args.format or args.output.suffix.lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise InvalidInput("Format d'export inconnu.", hint="Ajoutez --format csv, pdf ou json.")
    person = service.find_person(args.person) if args.person else None
    if fmt == "json":
        if args.du or args.au or args.conseiller:
            raise InvalidInput("--du, --au et --conseiller s'appliquent aux rapports CSV et PDF.")
        ids = [person.id] if person else [p.id for p in service.search_people()]
        documents = {pid: service.export_person_data(pid) for pid in ids}
        path = write_file(
            args.output,
            render_people_json(documents, origin=service.store.label),
            private=True,
            example="jeunes.json",
        )
        print(f"{len(ids)} jeune{'s' * (len(ids) > 1)} exporté{'s' * (len(ids) > 1)} : {path}")
        return 0
    end = parse_day(args.au) if args.au else date.today()
    start = parse_day(args.du) if args.du else end - timedelta(days=30)
    if start > end:
        raise InvalidInput("La période commence après sa fin (--du après --au).")
    data, count = render_journal_report(
        service,
        start=start,
        end=end,
        counsellor=args.conseiller,
        fmt=fmt,
        person_id=person.id if person else None,
    )
    path = write_file(args.output, data, private=True, example=f"journal.{fmt}")
    print(
        f"{count} événement{'s' * (count > 1)} du {start:%d/%m/%Y} au "
        f"{end:%d/%m/%Y} exporté{'s' * (count > 1)} : {path}"
    )
    return 0


def _import(service: Any, args: argparse.Namespace) -> int:
    report = service.import_user_file(args.source.expanduser())
    print(f"{report.text_fr} Destination : {service.store.label}.")
    return 0
