"""The `sync` and `datapack` sub-commands: terminal progress, Ctrl+C as cancel, French summaries."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TextIO

from lba_desktop.errors import InvalidInput
from lba_desktop.safe_text import terminal_text

Handler = Callable[[argparse.Namespace], int]

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


def add_commands(sub: argparse._SubParsersAction) -> dict[str, Handler]:  # type: ignore[type-arg]
    sync = sub.add_parser("sync", help="mettre à jour le catalogue depuis La Bonne Alternance")
    sync.add_argument(
        "--departements", required=True, help="codes de département séparés par des virgules"
    )
    sync.add_argument(
        "--sources",
        default="formations,offres",
        help="formations,offres (les deux par défaut), inserjeunes (taux d'insertion des CFA)",
    )
    sync.add_argument("--metiers", default="", help="limiter à un métier (texte ou codes ROME)")
    group = sync.add_mutually_exclusive_group()
    group.add_argument(
        "--resume",
        dest="restart",
        action="store_false",
        help="reprendre une synchronisation interrompue (par défaut)",
    )
    group.add_argument(
        "--restart", dest="restart", action="store_true", help="tout refaire depuis le début"
    )
    sync.set_defaults(restart=False)

    pack = sub.add_parser("datapack", help="paquet de données (clé USB) : exporter ou importer")
    actions = pack.add_subparsers(dest="datapack_action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="écrire le catalogue dans un fichier paquet")
    export.add_argument("file", metavar="FICHIER")
    export.add_argument("--avec-carte", dest="with_map", action="store_true",
                        help="emporter aussi la carte des territoires préparés")  # fmt: skip
    imp = actions.add_parser("import", help="remplacer le catalogue par celui d'un paquet")
    imp.add_argument("file", metavar="FICHIER")
    return {"sync": cmd_sync, "datapack": cmd_datapack}


# --- Progress -------------------------------------------------------------------------------


class Progress:
    """A one-line bar rewritten with \\r on a terminal, plain lines otherwise (logs, pipes)."""

    def __init__(self, stream: TextIO | None = None, *, width: int = 28) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.width = width
        self._last_plain = 0.0
        self._shown = False

    def __call__(self, done: int, total: int, label: str) -> None:
        total = max(total, 1)
        if self.tty:
            filled = int(self.width * min(done, total) / total)
            bar = "█" * filled + "·" * (self.width - filled)
            text = f"\r[{bar}] {done}/{total} {label}"
            self.stream.write(text[:119].ljust(119))
            self._shown = True
        else:
            now = time.monotonic()
            # Plain lines for logs: every step would flood them, one per second is enough.
            if now - self._last_plain >= 1.0 or done >= total:
                self.stream.write(f"{done}/{total} {label}\n")
                self._last_plain = now
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self._shown:
            self.stream.write("\n")
            self.stream.flush()


class _CtrlC:
    """First Ctrl+C asks the sync to stop at the next call; a second one interrupts at once."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: object = None

    def __enter__(self) -> _CtrlC:
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._previous)  # type: ignore[arg-type]

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        print("\nArrêt demandé : fin de l'appel en cours…", file=sys.stderr)

    def __call__(self) -> bool:
        return self.requested


# --- sync -----------------------------------------------------------------------------------


def cmd_sync(args: argparse.Namespace) -> int:
    from lba_desktop.sync import SyncService, make_scope

    romes: tuple[str, ...] = ()
    if args.metiers.strip():
        from lba_desktop.metiers import default_metier_index

        romes = default_metier_index().romes_for(args.metiers)
    scope = make_scope(
        departements=args.departements.split(","),
        sources=args.sources.split(","),
        romes=romes,
    )
    service = SyncService.from_settings()
    progress = Progress()
    with _CtrlC() as stop:
        try:
            result = service.run(scope, report=progress, cancelled=stop, restart=args.restart)
        finally:
            progress.close()
    for line in result.summary_fr().splitlines():
        print(terminal_text(line))  # upstream warnings are quoted in it
    if result.status == "cancelled":
        return EXIT_INTERRUPTED
    return 0 if result.ok else EXIT_FAILED


# --- datapack -------------------------------------------------------------------------------


def cmd_datapack(args: argparse.Namespace) -> int:
    from lba_desktop.datapack import export_datapack, import_datapack

    path = Path(args.file)
    if args.datapack_action == "export":
        manifest = export_datapack(target=path, with_map=args.with_map)
        counts = ", ".join(f"{k} {n}" for k, n in manifest["counts"].items())
        print(f"Paquet de données écrit : {path} ({counts}).")
        if "carte" in manifest:
            print(f"Carte : {manifest['carte']['tiles']} tuiles des territoires préparés.")
        return 0
    if args.datapack_action == "import":
        manifest = import_datapack(source=path)
        label = terminal_text(manifest.get("label_fr", path.name))
        print(f"Paquet de données importé : {label}.")
        if isinstance(manifest.get("carte"), dict):
            print(f"Carte : {manifest['carte'].get('merged', 0)} tuiles prêtes hors ligne.")
        return 0
    raise InvalidInput(f"Action inconnue : « {args.datapack_action} ».")


def print_last_sync(stream: TextIO | None = None) -> None:
    """The last sync's result, for `lba-desktop info`."""
    from lba_desktop.sync import describe_entry, last_sync

    entry = last_sync()
    if entry is not None:
        print(describe_entry(entry), file=stream or sys.stdout)
