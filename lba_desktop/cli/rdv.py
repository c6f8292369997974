"""`lba-desktop rdv …`: create, list, send and hand over CFA appointment requests."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lba_desktop.cli.output import chosen_action, print_json
from lba_desktop.errors import InvalidInput
from lba_desktop.safe_text import terminal_text

if TYPE_CHECKING:
    from lba_desktop.appointments import AppointmentRequest, AppointmentService

Handler = Callable[[argparse.Namespace], int]


def add_commands(subparsers: Any) -> dict[str, Handler]:
    rdv = subparsers.add_parser("rdv", help="demandes de rendez-vous aux CFA (RDV Apprentissage)")
    actions = rdv.add_subparsers(dest="rdv_command", metavar="ACTION")

    listing = actions.add_parser("list", help="les demandes et leur état")
    listing.add_argument("--personne", default="", help="numéro ou nom d'une personne")
    listing.add_argument("--json", action="store_true", help="sortie JSON")

    send = actions.add_parser("send", help="envoyer les demandes en attente, ou une seule")
    send.add_argument("request_id", metavar="ID", nargs="?", type=int, help="numéro de demande")
    send.add_argument("--all", action="store_true", help="toutes les demandes à envoyer")

    export = actions.add_parser("export", help="préparer l'e-mail au CFA (.eml) et la copie PDF")
    export.add_argument("request_id", metavar="ID", type=int)
    export.add_argument("--eml", required=True, type=Path, help="fichier .eml à écrire")
    export.add_argument("--pdf", type=Path, default=None, help="copie PDF pour le jeune")
    export.add_argument("--expediteur", default="", help="adresse de la structure (From)")
    export.add_argument(
        "--transmise", action="store_true", help="marquer la demande « Transmise par e-mail »"
    )

    new = actions.add_parser("new", help="créer une demande")
    new.add_argument("--personne", required=True, help="numéro ou nom sans ambiguïté")
    new.add_argument("--formation", required=True, help="cleMinistereEducatif de la formation")
    new.add_argument("--raisons", required=True, help="ex. modalite,autre (voir --help)")
    new.add_argument("--message", default="", help="message au CFA (obligatoire avec autre)")
    new.add_argument("--type", default="etudiant", choices=("etudiant", "parent"))
    new.add_argument("--brouillon", action="store_true", help="ne pas mettre en envoi")
    return {"rdv": cmd_rdv}


def cmd_rdv(args: argparse.Namespace) -> int:
    from lba_desktop.appointments import AppointmentService

    handlers: dict[str, Callable[[AppointmentService, argparse.Namespace], int]] = {
        "list": _list,
        "send": _send,
        "export": _export,
        "new": _new,
    }
    handler = chosen_action(handlers, args.rdv_command)
    catalogue = _catalogue() if args.rdv_command == "new" else None
    try:
        with AppointmentService(catalogue=catalogue) as service:
            return handler(service, args)
    finally:
        if catalogue is not None:
            catalogue.close()


def _catalogue() -> Any:
    from lba_desktop import paths
    from lba_desktop.local_catalogue import open_catalogue

    # A missing catalogue is no reason to build the demo one: the shortlist snapshot will do.
    if not paths.catalogue_path().exists():
        return None
    return open_catalogue(build_demo_if_missing=False)


def _row(request: AppointmentRequest) -> dict[str, Any]:
    return {
        "numero": request.id,
        "personne": request.person_id,
        "nom": request.display_name,
        "formation": request.training.title,
        "cle_ministere_educatif": request.cle_ministere_educatif,
        "cfa": request.training.cfa_name,
        "statut": request.status.value,
        "statut_libelle": request.status_label_fr,
        "etat": request.status_detail_fr,
        "canal": request.channel.value,
        "raisons": list(request.reasons),
        "essais": request.attempts,
        "prochain_essai": request.next_retry_at.isoformat() if request.next_retry_at else "",
        "envoyee_le": request.sent_at.isoformat() if request.sent_at else "",
        "messages_service": list(request.upstream_messages),
        "creee_le": request.created_at.isoformat(),
    }


def _list(service: AppointmentService, args: argparse.Namespace) -> int:
    person_id = service.people.find_person(args.personne).id if args.personne else None
    requests = service.list_requests(person_id=person_id)
    if args.json:
        print_json([_row(r) for r in requests])
        return 0
    if not requests:
        print("Aucune demande de rendez-vous.")
        return 0
    for r in requests:
        print(
            f"n° {r.id:<4} {terminal_text(r.display_name, 28):<28} "
            f"{terminal_text(r.training.title, 40):<40}"
        )
        print(f"       {terminal_text(r.status_detail_fr)}")
    return 0


def _send(service: AppointmentService, args: argparse.Namespace) -> int:
    if args.all == (args.request_id is not None):
        raise InvalidInput("Indiquez un numéro de demande ou --all.")
    if args.all:
        report = service.send_pending()
        print(report.summary_fr)
        return 0 if not (report.retry_later or report.refused) else 1
    request = service.send(args.request_id)
    print(f"Demande n° {request.id} : {terminal_text(request.status_detail_fr)}")
    return 0 if request.status.value == "envoyee" else 1


def _export(service: AppointmentService, args: argparse.Namespace) -> int:
    path = service.prepare_email(
        args.request_id, args.eml, sender=args.expediteur, pdf_path=args.pdf
    )
    print(path)
    if args.pdf is not None:
        print(args.pdf)
    if args.transmise:
        request = service.mark_transmitted(args.request_id)
        print(f"Demande n° {request.id} : {terminal_text(request.status_detail_fr)}")
    return 0


def _new(service: AppointmentService, args: argparse.Namespace) -> int:
    from dataclasses import replace

    person = service.people.find_person(args.personne)
    form = service.prefill(person_id=person.id, cle=args.formation)
    form = replace(
        form,
        reasons=tuple(r.strip() for r in args.raisons.split(",")),
        message=args.message,
        applicant_type=args.type,
    )
    request = service.create_request(form, queue=not args.brouillon)
    print(f"Demande n° {request.id} enregistrée : {terminal_text(request.status_detail_fr)}")
    print(terminal_text(request.training.channel_fr))
    return 0
