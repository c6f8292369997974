"""The `lba-desktop` command: the window with no sub-command, scripting sub-commands otherwise."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import time
from collections.abc import Callable, Sequence

from lba_desktop import __version__
from lba_desktop.errors import LbaError
from lba_desktop.safe_text import terminal_text

log = logging.getLogger("lba_desktop.cli")

# Each sub-command module has `add_commands(subparsers) -> {name: handler}`, where a handler
# takes the parsed arguments and returns the exit code. A command names its module here so that
# `lba-desktop search` imports the search module alone, not the exports, the web server or the
# tile downloader of the other commands (a third of the process time went there).
COMMAND_MODULES: dict[str, str] = {
    "search": "lba_desktop.cli.search",
    "info": "lba_desktop.cli.catalogue",
    "demo": "lba_desktop.cli.catalogue",
    "shortlist": "lba_desktop.cli.shortlist",
    "serve": "lba_desktop.cli.serve",
    "sync": "lba_desktop.cli.sync",
    "datapack": "lba_desktop.cli.sync",
    "rdv": "lba_desktop.cli.rdv",
    "jeunes": "lba_desktop.cli.jeunes",
    "territoire": "lba_desktop.cli.territoire",
    "carte": "lba_desktop.cli.carte",
    "parcours": "lba_desktop.cli.parcours",
}
COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}
# Options of the window itself (lba_desktop.ui.app) that may come first.
GUI_OPTIONS = ("--gui", "--debug")


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


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of `command` alone when it is a known command; of every command otherwise
    (the general help, or an unknown word that argparse answers with the list of commands)."""
    parser = FrenchArgumentParser(
        prog="lba-desktop",
        description="Formations en apprentissage et entreprises qui recrutent, hors ligne.",
    )
    parser.add_argument("--version", action="version", version=f"lba-desktop {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")

    if command in COMMAND_MODULES:
        module_names = [COMMAND_MODULES[command]]
    else:
        module_names = list(dict.fromkeys(COMMAND_MODULES.values()))
    for module_name in module_names:
        COMMANDS.update(importlib.import_module(module_name).add_commands(sub))
    return parser


# Commands whose errors may name a young person: the log keeps only the error's type.
PERSONAL_COMMANDS = frozenset({"shortlist", "rdv", "jeunes"})
EXIT_BROKEN_PIPE = 141  # what a shell reports for a program stopped by SIGPIPE
EXIT_UNEXPECTED = 1


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list[0] if args_list else None)
    if not args_list or args_list[0].startswith("--screenshot") or args_list[0] in GUI_OPTIONS:
        return _run_gui(args_list)
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # bad options (2) or --help (0): a code, not an exception
        return int(exc.code or 0)
    if args.command is None:
        return _run_gui(args_list)
    return _run_command(args, args_list)


def _run_command(args: argparse.Namespace, args_list: list[str]) -> int:
    """Run one sub-command: French messages on the terminal, one line of it in the CLI log
    (the command and its option names, never their values: they may name a young person)."""
    started = time.monotonic()
    command = _command_of(args)
    options = sorted({a.split("=", 1)[0] for a in args_list if a.startswith("--")})
    logging_on = _start_log()
    code = EXIT_UNEXPECTED
    try:
        code = COMMANDS[args.command](args)
    except LbaError as exc:
        _say_error(exc.message, exc.hint)
        code = exc.exit_code
        detail = "" if args.command in PERSONAL_COMMANDS else f" : {exc.message}"
        log.info("%s : %s%s", command, type(exc).__name__, detail)
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        code = 130
    except BrokenPipeError:
        # `lba-desktop search … | head -1`: the reader left; stop quietly. Python would
        # complain again when flushing stdout at exit, so point stdout at nothing.
        _silence_stdout()
        code = EXIT_BROKEN_PIPE
    except Exception as exc:
        log.exception("%s : erreur inattendue", command)
        _say_error(
            f"Erreur inattendue ({type(exc).__name__}).",
            f"Le détail est dans le journal : {_cli_log_path()}",
        )
        code = EXIT_UNEXPECTED
    finally:
        log.info(
            "commande %s %s -> code %d en %.2f s",
            command,
            " ".join(options),
            code,
            time.monotonic() - started,
        )
        if logging_on:
            from lba_desktop.logging_setup import remove_logging

            remove_logging()
    return code


def _command_of(args: argparse.Namespace) -> str:
    """« shortlist erase », « rdv send », « search »: the command without any value."""
    words = [str(args.command)]
    for attr in ("shortlist_command", "rdv_command", "datapack_action"):
        value = getattr(args, attr, None)
        if isinstance(value, str):
            words.append(value)
    return " ".join(words)


def _say_error(message: str, hint: str = "") -> None:
    try:
        print(f"Erreur : {terminal_text(message)}", file=sys.stderr)
        if hint:
            print(terminal_text(hint), file=sys.stderr)
    except BrokenPipeError:
        pass


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (tests capture it): nothing to silence
        pass


def _start_log() -> bool:
    """The rotating CLI log of the data folder; a folder that cannot hold it (full disk, no
    rights) does not stop the command."""
    from lba_desktop.logging_setup import CLI_LOG_FILE, setup_logging

    try:
        setup_logging(name=CLI_LOG_FILE)
    except (OSError, LbaError):
        return False
    return True


def _cli_log_path() -> str:
    from lba_desktop.logging_setup import CLI_LOG_FILE, log_path

    try:
        return str(log_path(CLI_LOG_FILE))
    except (OSError, LbaError):
        return "(journal indisponible)"


def _run_gui(argv: list[str]) -> int:
    from lba_desktop.ui.app import run  # Qt is only loaded for the window

    return run(argv)
