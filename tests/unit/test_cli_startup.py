"""What a command loads when it starts: only its own module and what it needs, with the same
commands and answers as when every module is loaded."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

from lba_desktop.cli import main
from lba_desktop.cli.main import COMMAND_MODULES

# Modules a search has no use for: the exports, the sync's HTTP client, the demo generator,
# the migrations' helper library, Qt.
NOT_FOR_A_SEARCH = (
    "lba_desktop.exports",
    "lba_desktop.data.demo",
    "lba_desktop.cli.shortlist",
    "lba_desktop.cli.serve",
    "requests",
    "sqlite_utils",
    "PySide6",
)


def test_every_command_is_listed_with_the_module_that_defines_it():
    for module_name in set(COMMAND_MODULES.values()):
        sub = argparse.ArgumentParser().add_subparsers()
        commands = importlib.import_module(module_name).add_commands(sub)
        assert {c: module_name for c in commands} == {
            c: m for c, m in COMMAND_MODULES.items() if m == module_name
        }


def test_general_help_still_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in COMMAND_MODULES:
        assert command in out


def test_an_unknown_command_is_refused_with_the_list_of_commands(capsys):
    assert main(["chercher"]) == 2
    err = capsys.readouterr().err
    assert "choix invalide" in err and "search" in err and "territoire" in err


def test_a_search_process_loads_none_of_the_other_commands_modules(demo_home: Path):
    script = (
        "import json, sys\n"
        "from lba_desktop.cli import main\n"
        "code = main(['search', '--metier', 'boulanger', '--lieu', 'Aurillac', '--json'])\n"
        f"loaded = [m for m in {NOT_FOR_A_SEARCH!r} if m in sys.modules]\n"
        "print(json.dumps({'code': code, 'loaded': loaded}), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "LBA_DESKTOP_HOME": str(demo_home)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report == {"code": 0, "loaded": []}
    answer = json.loads(done.stdout)
    assert answer["criteres"]["lieu"]["libelle"] == "Aurillac (15)"
    assert answer["resultats"]
