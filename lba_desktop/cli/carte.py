"""The `carte preparer` sub-command: a territory's map tiles fetched ahead for offline use,
the count and size said before starting, a progress line, Ctrl+C to stop (run it again to
resume where it stopped)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from lba_desktop.cli.sync import EXIT_INTERRUPTED, Progress
from lba_desktop.errors import InvalidInput
from lba_desktop.map_territory import (
    FIRST_ZOOM,
    MAX_ZOOM,
    Plan,
    check_bulk,
    plan_territory,
    prepare_territory,
)
from lba_desktop.map_tiles import MB, PROVIDERS, TileSource, provider
from lba_desktop.settings import load_settings

Handler = Callable[[argparse.Namespace], int]


def add_commands(sub: argparse._SubParsersAction) -> dict[str, Handler]:  # type: ignore[type-arg]
    carte = sub.add_parser("carte", help="fond de carte hors ligne d'un territoire")
    actions = carte.add_subparsers(dest="carte_action", metavar="ACTION", required=True)
    prep = actions.add_parser("preparer", help="télécharger les tuiles de départements")
    prep.add_argument("--departements", required=True, help="codes séparés par des virgules")
    prep.add_argument("--zoom-max", type=int, default=13, help="zoom le plus fin (13 par défaut)")
    prep.add_argument("--fournisseur", choices=sorted(PROVIDERS),
                      help="fond de carte (par défaut celui des réglages)")  # fmt: skip
    prep.add_argument("--oui", action="store_true", help="ne pas demander de confirmation")
    return {"carte": cmd_carte}


def cmd_carte(args: argparse.Namespace) -> int:
    if not FIRST_ZOOM <= args.zoom_max <= MAX_ZOOM:
        raise InvalidInput(f"--zoom-max doit être entre {FIRST_ZOOM} et {MAX_ZOOM}.")
    settings = load_settings()
    chosen = provider(args.fournisseur or settings.tile_provider)
    check_bulk(chosen)  # before the cache file is even opened
    source = TileSource(chosen, online=True, max_bytes=settings.tile_cache_mb * MB)
    try:
        return _prepare(args, plan_territory(args.departements.split(","), args.zoom_max, source))
    finally:
        source.close()


def _prepare(args: argparse.Namespace, plan: Plan) -> int:
    planned = plan.estimate
    print(
        f"{planned.tiles} tuiles jusqu'au zoom {args.zoom_max}, dont {planned.to_fetch} à "
        f"télécharger (environ {planned.size_fr}, {planned.duration_fr}) depuis "
        f"{plan.source.provider.label}."
    )
    asked = planned.to_fetch and not args.oui and sys.stdin.isatty()
    if asked and input("Continuer ? [o/N] ").strip().lower() not in ("o", "oui"):
        print("Rien n'a été téléchargé.")
        return 0
    bar = Progress()
    try:
        done = prepare_territory(plan, report=bar)
    except KeyboardInterrupt:
        bar.close()
        print("Interrompu : relancez la même commande pour reprendre.", file=sys.stderr)
        return EXIT_INTERRUPTED
    bar.close()
    print(
        f"{done.fetched} tuiles téléchargées, {done.failed} indisponibles ; "
        + ("carte prête hors ligne." if not done.failed else "relancez pour les réessayer.")
    )
    return 0 if not done.failed else 1
