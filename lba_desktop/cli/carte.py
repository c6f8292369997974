"""The `carte preparer` sub-command: a territory's map tiles fetched ahead for offline use,
the count and size said before starting, a progress line, Ctrl+C to stop (run it again to
resume where it stopped)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from lba_desktop.cli.sync import EXIT_INTERRUPTED, Progress
from lba_desktop.errors import InvalidInput
from lba_desktop.map_territory import MAX_ZOOM, check_bulk, estimate, outlines_for, prepare
from lba_desktop.map_territory import territory_tiles as tiles_of
from lba_desktop.map_tiles import PROVIDERS, TileSource, provider

Handler = Callable[[argparse.Namespace], int]


def add_commands(sub: argparse._SubParsersAction) -> dict[str, Handler]:  # type: ignore[type-arg]
    carte = sub.add_parser("carte", help="fond de carte hors ligne d'un territoire")
    actions = carte.add_subparsers(dest="carte_action", metavar="ACTION", required=True)
    prep = actions.add_parser("preparer", help="télécharger les tuiles de départements")
    prep.add_argument("--departements", required=True, help="codes séparés par des virgules")
    prep.add_argument("--zoom-max", type=int, default=13, help="zoom le plus fin (13 par défaut)")
    prep.add_argument("--fournisseur", default="plan-ign", choices=sorted(PROVIDERS))
    prep.add_argument("--oui", action="store_true", help="ne pas demander de confirmation")
    return {"carte": cmd_carte}


def cmd_carte(args: argparse.Namespace) -> int:
    if not 5 <= args.zoom_max <= MAX_ZOOM:
        raise InvalidInput(f"--zoom-max doit être entre 5 et {MAX_ZOOM}.")
    chosen = provider(args.fournisseur)
    check_bulk(chosen)
    tiles = list(tiles_of(outlines_for(args.departements.split(",")), args.zoom_max))
    source = TileSource(chosen, online=True)
    planned = estimate(source, tiles)
    size = f"{planned.bytes / 1_000_000:.1f}".replace(".", ",")
    print(
        f"{planned.tiles} tuiles jusqu'au zoom {args.zoom_max}, dont {planned.to_fetch} à "
        f"télécharger (environ {size} Mo) depuis {chosen.label}."
    )
    asked = planned.to_fetch and not args.oui and sys.stdin.isatty()
    if asked and input("Continuer ? [o/N] ").strip().lower() not in ("o", "oui"):
        print("Rien n'a été téléchargé.")
        return 0
    bar = Progress()
    try:
        fetched, failed = prepare(
            source, tiles, progress=lambda done, total: bar(done, total, "tuiles")
        )
    except KeyboardInterrupt:
        bar.close()
        print("Interrompu : relancez la même commande pour reprendre.", file=sys.stderr)
        return EXIT_INTERRUPTED
    bar.close()
    print(f"{fetched} tuiles téléchargées, {failed} indisponibles ; carte prête hors ligne.")
    return 0 if not failed else 1
