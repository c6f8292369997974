"""Command-line edges: documented bad input exits 2 in French without a traceback, ports are
checked before they are announced, a closed pipe ends quietly, and a rotating CLI log keeps
no personal data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from lba_desktop.cli import main
from lba_desktop.logging_setup import CLI_LOG_FILE, log_path
from lba_desktop.people import PeopleService
from tests.hostile import ANSI


@pytest.fixture
def person() -> int:
    with PeopleService() as people:
        return people.create_person(first_name="Léa", last_name="Martin").id


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["datapack", "export", "/"], "est un dossier"),
        (["datapack", "import", "/nulle/part.lbapack"], "introuvable"),
        (["datapack", "import", "/"], "introuvable"),
        (["serve", "--port", "99999"], "entre 1 et 65535"),
        (["serve", "--port", "0"], "entre 1 et 65535"),
        (["serve", "--port", "http"], "numéro de port"),
        (
            ["serve", "--host", "adresse.invalide.example.", "--token", "jeton-assez-long"],
            "inconnue",
        ),
    ],
)
def test_bad_input_exits_2_in_french(demo_home: Path, capsys, argv, words) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_a_bad_pack_file_exits_2(demo_home: Path, tmp_path: Path, capsys) -> None:
    text = tmp_path / "texte.lbapack"
    text.write_text("pas un zip", encoding="utf-8")
    not_ours = tmp_path / "autre.lbapack"
    with zipfile.ZipFile(not_ours, "w") as zf:
        zf.writestr("manifest.json", '{"format": "autre chose"}')
    for path in (text, not_ours):
        assert main(["datapack", "import", str(path)]) == 2
        assert "Paquet de données refusé" in capsys.readouterr().err


def test_an_export_to_a_folder_exits_2_and_writes_nothing(person, tmp_path: Path, capsys):
    folder = tmp_path / "dossier"
    folder.mkdir()
    assert main(["shortlist", "export", str(person), "--output", str(folder), "--format", "csv"])
    err = capsys.readouterr().err
    assert "est un dossier" in err and str(folder / "selection.csv") in err
    assert list(folder.iterdir()) == []
    assert main(["shortlist", "export", str(person), "--output", str(folder) + "/"]) == 2


def test_a_port_in_use_is_refused_before_being_announced(demo_home: Path, capsys) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 18250))
        taken.listen()
        assert main(["serve", "--port", "18250"]) == 2
    err = capsys.readouterr().err
    assert "déjà utilisé" in err and "sert" not in err


def test_a_closed_pipe_ends_quietly(demo_home: Path) -> None:
    env = {**os.environ, "LBA_DESKTOP_HOME": str(demo_home)}
    done = subprocess.run(
        # ~150 KB of rows: far more than a pipe holds once `head` has gone.
        f"'{Path(sys.executable).parent / 'lba-desktop-cli'}' search --texte a --lieu France "
        "--limit 5000 | head -1",
        shell=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.stdout.startswith("Données de démonstration")
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr


def test_the_cli_log_rotates_and_names_no_one(person, capsys, monkeypatch) -> None:
    from lba_desktop import logging_setup

    monkeypatch.setattr(logging_setup, "MAX_BYTES", 400)  # rotate after a few commands
    with PeopleService() as people:
        people.update_person(person, first_name="Anne-Marie", phone="06 12 34 56 78")
    main(["shortlist", "erase", "Anne-Marie Martin"])  # shows the name, not confirmed
    main(["shortlist", "erase", "Anne-Marie", "--oui"])  # a part of a name: refused
    main(["shortlist", "export", "Anne-Marie Martin", "--output", "/", "--format", "csv"])
    main(["search", "--metier", ANSI, "--lieu", "Aurillac"])
    log = log_path(CLI_LOG_FILE)
    rotated = sorted(log.parent.glob(CLI_LOG_FILE + "*"))
    assert len(rotated) > 1  # lba-desktop-cli.log, .log.1…
    text = "".join(p.read_text(encoding="utf-8") for p in rotated)
    assert "shortlist erase" in text and "code 2" in text
    for secret in ("Anne", "Martin", "0612345678", "06 12 34 56 78"):
        assert secret not in text, secret


def test_upstream_escape_sequences_never_reach_the_terminal(demo_home: Path, capsys) -> None:
    assert main(["search", "--metier", f"boulanger{ANSI}", "--lieu", "Aurillac"]) in (0, 2)
    captured = capsys.readouterr()
    assert "\x1b" not in captured.out + captured.err
    assert "\x9b" not in captured.out + captured.err
