"""The `lba-desktop serve` sub-command: the local API and widget over HTTP, with uvicorn."""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import socket
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lba_desktop.settings import load_settings

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def add_commands(subparsers: Any) -> dict[str, Callable[[argparse.Namespace], int]]:
    serve = subparsers.add_parser(
        "serve", help="servir l'API et le widget La Bonne Alternance depuis le catalogue local"
    )
    serve.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help="adresse d'écoute (127.0.0.1 par défaut ; 0.0.0.0 pour le réseau local, avec jeton)",
    )
    serve.add_argument(
        "--port", type=port_number, default=DEFAULT_PORT, help="port 1 à 65535 (8765 par défaut)"
    )
    serve.add_argument(
        "--nom-hote",
        action="append",
        default=[],
        metavar="NOM",
        help="nom sous lequel les postes du réseau joignent ce serveur (avec --host 0.0.0.0)",
    )
    serve.add_argument(
        "--token",
        default=None,
        help="jeton exigé des clients (sinon la variable d'environnement LBA_SERVE_TOKEN)",
    )
    serve.add_argument(
        "--workers", type=int, default=1, help="processus serveurs (1 par défaut ; 2 sur 2 cœurs)"
    )
    serve.add_argument(
        "--rate-limits",
        default="",
        help="limites par seconde et par client, ex. formations=7,jobs=5,metiers=20 ; off : aucune",
    )
    serve.add_argument(
        "--cache-mb",
        type=float,
        default=None,
        help="mémoire pour garder les réponses déjà calculées, par processus (64 ; 0 : aucune)",
    )
    serve.add_argument(
        "--item-cache",
        type=int,
        default=None,
        help="éléments du catalogue gardés en mémoire, par processus (20000 ; 0 : aucun)",
    )
    serve.add_argument("--catalogue", default="", help="fichier catalogue (celui de l'application)")
    return {"serve": cmd_serve}


def port_number(text: str) -> int:
    """argparse type: a TCP port a server can listen on (0 would pick one at random)."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un numéro de port") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"le port doit être entre 1 et 65535 (pas {port})")
    return port


def port_refusal(host: str, port: int) -> str | None:
    """Why `host`:`port` cannot be listened on (taken, forbidden, unknown address), or None.
    Checked before announcing the address, so the message is never wrong."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError):
        return f"l'adresse d'écoute « {host} » est inconnue"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        if os.name == "posix":  # as uvicorn does; on Windows it would hide a port in use
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except PermissionError:
            return f"le port {port} est réservé (moins de 1024 : droits d'administrateur)"
        except OSError:
            return f"le port {port} est déjà utilisé sur {host}"
    return None


def served_names(host: str, extra: list[str]) -> list[str]:
    """Host names the server answers besides the loopback ones: the address it is bound to,
    this computer's names for a wildcard address, and those given with --nom-hote."""
    names = [name.strip().lower() for name in extra if name.strip()]
    if is_loopback(host):
        return names
    if host in ("0.0.0.0", "::"):
        hostname = socket.gethostname()
        names += [hostname, socket.getfqdn()]
        with contextlib.suppress(OSError):  # a name the resolver does not know
            names += socket.gethostbyname_ex(hostname)[2]
    else:
        names.append(host)
    return sorted({n.lower() for n in names if n})


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from lba_desktop.web import app as web_app
    from lba_desktop.web.ratelimit import parse_rates

    token = args.token or os.environ.get(web_app.ENV_TOKEN) or load_settings().serve_token
    if not is_loopback(args.host) and not token:
        print(
            f"Erreur : servir sur « {args.host} » ouvre les données au réseau local ; "
            "un jeton est obligatoire.\n"
            "Donnez-le avec --token ou la variable d'environnement LBA_SERVE_TOKEN, "
            "ou servez sur 127.0.0.1.",
            file=sys.stderr,
        )
        return 2
    if args.rate_limits and args.rate_limits != "off":
        try:
            parse_rates(args.rate_limits)
        except ValueError as exc:
            print(f"Erreur : --rate-limits : {exc}.", file=sys.stderr)
            return 2
    if args.workers < 1:
        print("Erreur : --workers doit valoir au moins 1.", file=sys.stderr)
        return 2
    refusal = port_refusal(args.host, args.port)
    if refusal:
        print(f"Erreur : {refusal}.", file=sys.stderr)
        print("Choisissez un autre port, par exemple --port 8766.", file=sys.stderr)
        return 2
    os.environ[web_app.ENV_HOSTS] = " ".join(served_names(args.host, args.nom_hote))
    # The workers are separate processes: they read their settings from the environment.
    os.environ[web_app.ENV_TOKEN] = token
    if args.rate_limits:
        os.environ[web_app.ENV_RATES] = args.rate_limits
    if args.catalogue:
        os.environ[web_app.ENV_CATALOGUE] = args.catalogue
    if args.cache_mb is not None:
        os.environ[web_app.ENV_CACHE_MB] = str(max(0.0, args.cache_mb))
    if args.item_cache is not None:
        os.environ[web_app.ENV_ITEM_CACHE] = str(max(0, args.item_cache))
    # Open the catalogue once here, so a missing or damaged one fails before listening.
    from lba_desktop.partner_api.service import ApiService

    service = ApiService.open(Path(args.catalogue) if args.catalogue else None)
    print(
        f"LBA Desktop sert « {service.origin.label_fr} » sur http://{args.host}:{args.port}/ "
        f"(widget : /recherche-apprentissage, documentation : /api/docs). Ctrl+C pour arrêter.",
        file=sys.stderr,
    )
    uvicorn.run(
        "lba_desktop.web.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="warning",
        access_log=False,
    )
    return 0
