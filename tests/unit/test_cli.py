"""The `lba-desktop` command as a counsellor or a script uses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lba_desktop.cli import main


def test_search_boulanger_around_aurillac_prints_every_kind_nearest_first(demo_home: Path, capsys):
    assert main(["search", "--metier", "boulanger", "--lieu", "Aurillac", "--rayon", "30"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Données de démonstration (fictives) — Aurillac (15), 30 km")
    rows = [line for line in out.splitlines() if " km  " in line]
    kinds = {line.split("  ")[0].strip() for line in rows}
    assert {"Formation", "Offre d'emploi", "Entreprise"} <= kinds
    distances = [float(line[15:24].replace("km", "")) for line in rows]
    assert distances == sorted(distances)
    assert max(distances) <= 30


def test_search_json_gives_resolved_criteria_counts_and_distances(demo_home: Path, capsys):
    code = main(
        [
            "search",
            "--metier",
            "D1102",
            "--lieu",
            "15000",
            "--types",
            "formations",
            "--niveau",
            "3",
            "--json",
        ]
    )
    assert code == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["criteres"]["lieu"]["code"] == "15014"
    assert answer["criteres"]["romes"] == ["D1102"]
    assert answer["criteres"]["types"] == ["formation"]
    assert answer["compteurs"]["formation"] == len(answer["resultats"]) > 0
    assert all(r["niveau"] == 3 and r["fictif"] for r in answer["resultats"])


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["search", "--metier", "boulanger", "--lieu", "Aurilac"], "Aurillac (15)"),
        (["search", "--metier", "boulanger", "--lieu", "Saint-Denis"], "Saint-Denis (974)"),
        (["search", "--lieu", "Aurillac"], "Indiquez un métier"),
        (["search", "--metier", "boulanger", "--lieu", "Aurillac", "--rayon", "500"], "Rayon"),
        (["search", "--metier", "boulanger", "--lieu", "Aurillac", "--types", "stages"], "stages"),
        (["search", "--metier", "boulanger"], "Erreur"),
    ],
)
def test_bad_input_exits_2_with_a_french_message(demo_home: Path, capsys, argv, words):
    assert main(argv) == 2
    assert words in capsys.readouterr().err


def test_info_says_where_the_data_comes_from(demo_home: Path, capsys):
    assert main(["info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["origine"] == "demo"
    assert info["donnees"] == "Données de démonstration (fictives)"
    assert info["compteurs"]["formation"] > 0
