"""The `lba-desktop` command: the window with no sub-command, scripting sub-commands otherwise."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from lba_desktop import __version__
from lba_desktop.errors import LbaError

# Each sub-command module has `add_commands(subparsers) -> {name: handler}`, where a handler
# takes the parsed arguments and returns the exit code.
COMMAND_MODULES: tuple[str, ...] = (
    "lba_desktop.cli.search",
    "lba_desktop.cli.catalogue",
    "lba_desktop.cli.shortlist",
    "lba_desktop.cli.serve",
    "lba_desktop.cli.sync",
    "lba_desktop.cli.rdv",
)
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


# argparse's own messages, in French (it reads them through gettext, which has no French
# catalogue for it): the CLI speaks one language.
ARGPARSE_FR = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide",
    "argument %(argument_name)s: %(message)s": "option %(argument_name)s : %(message)s",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments inconnus : %s",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s attendu) : %(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (choisir parmi %(choices)s)"
    ),
    "expected one argument": "une valeur est attendue",
    "not allowed with argument %s": "incompatible avec l'option %s",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
}
argparse._ = lambda text: ARGPARSE_FR.get(text, text)  # type: ignore[attr-defined]


class FrenchArgumentParser(argparse.ArgumentParser):
    """argparse exits with code 2 on bad input; we only make its last line French."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"Erreur : {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchArgumentParser(
        prog="lba-desktop",
        description="Formations en apprentissage et entreprises qui recrutent, hors ligne.",
    )
    parser.add_argument("--version", action="version", version=f"lba-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")

    for module_name in COMMAND_MODULES:
        COMMANDS.update(importlib.import_module(module_name).add_commands(sub))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not args_list or args_list[0].startswith("--screenshot") or args_list[0] == "--gui":
        return _run_gui(args_list)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # bad options (2) or --help (0): a code, not an exception
        return int(exc.code or 0)
    if args.command is None:
        return _run_gui(args_list)
    try:
        return COMMANDS[args.command](args)
    except LbaError as exc:
        print(f"Erreur : {exc.message}", file=sys.stderr)
        if exc.hint:
            print(exc.hint, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130


def _run_gui(argv: list[str]) -> int:
    from lba_desktop.ui.app import run  # Qt is only loaded for the window

    return run(argv)
