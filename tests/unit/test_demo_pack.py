"""A data pack made from demo data stays marked fictitious, and an import says what it replaces."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from lba_desktop import paths
from lba_desktop.cli import main
from lba_desktop.data.catalogue import CatalogueStore
from lba_desktop.data.datapack_io import BadDataPack
from lba_desktop.datapack import export_datapack, import_datapack
from lba_desktop.datapack_summary import (
    CatalogueFacts,
    catalogue_facts,
    pack_facts,
    read_pack_manifest,
    replacement_text,
)
from lba_desktop.local_catalogue import describe

FICTITIOUS = "Paquet de données de démonstration (fictives) du "


def _import_into(pack: Path, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home.mkdir()
    monkeypatch.setenv("LBA_DESKTOP_HOME", str(home))
    import_datapack(source=pack)


def test_demo_pack_stays_fictitious_in_the_status_info_and_json(
    demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    pack = tmp_path / "demo.lbapack"
    export_datapack(target=pack)
    _import_into(pack, tmp_path / "poste-b", monkeypatch)
    store = CatalogueStore(paths.catalogue_path())
    assert describe(store).label_fr.startswith(FICTITIOUS)
    store.close()

    assert main(["info"]) == 0
    assert capsys.readouterr().out.startswith(FICTITIOUS)
    assert main(["info", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["donnees"].startswith(FICTITIOUS) and info["donnees_fictives"] is True
    assert main(["search", "--metier", "boulanger", "--lieu", "Aurillac", "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["donnees"].startswith(FICTITIOUS)
    assert found["resultats"] and all(r["fictif"] for r in found["resultats"])

    # A pack made from that imported catalogue keeps the mark.
    again = tmp_path / "copie.lbapack"
    export_datapack(target=again)
    _import_into(again, tmp_path / "poste-c", monkeypatch)
    store = CatalogueStore(paths.catalogue_path())
    assert describe(store).label_fr.startswith(FICTITIOUS)
    store.close()


def test_a_demo_pack_imported_by_an_older_version_is_told_fictitious(
    demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    pack = tmp_path / "demo.lbapack"
    export_datapack(target=pack)
    _import_into(pack, tmp_path / "poste-b", monkeypatch)
    # What the label said before packs told demo data apart.
    with sqlite3.connect(paths.catalogue_path()) as conn:
        conn.execute(
            "UPDATE meta SET value = 'Paquet de données du 01/12/2026' WHERE key = 'label_fr'"
        )
    store = CatalogueStore(paths.catalogue_path())
    assert describe(store).label_fr == "Paquet de données du 01/12/2026 (données fictives)"
    store.close()


def test_the_question_before_an_import_compares_both_catalogues(
    demo_home: Path, tmp_path: Path
) -> None:
    pack = tmp_path / "demo.lbapack"
    export_datapack(target=pack)
    incoming = pack_facts(read_pack_manifest(pack))
    store = CatalogueStore(paths.catalogue_path())
    current = catalogue_facts(describe(store))
    store.close()
    assert incoming.fictitious and incoming.territory == "la France entière"
    assert incoming.counts == current.counts and incoming.counts["formation"] > 0
    text = replacement_text(incoming, current)
    first, second = text.split("\n\n")
    assert first.startswith("Le paquet apporte : Données de démonstration (fictives), données du ")
    assert "territoire : la France entière" in first
    assert f"{incoming.counts['formation']:,}".replace(",", "\u202f") + " formations" in first
    assert second.startswith("Le catalogue actuel, qui sera remplacé : Données de démonstration")

    synced = CatalogueFacts(
        origin="données synchronisées",
        fictitious=False,
        dated="02/12/2026",
        territory="Cantal (15), Corrèze (19)",
        counts={"formation": 120, "offre": 30, "entreprise": 40, "partenariat": 2},
    )
    warned = replacement_text(incoming, synced)
    assert "Données synchronisées, données du 02/12/2026 ; territoire : Cantal (15)" in warned
    assert warned.endswith("Attention : des données fictives remplaceraient des données réelles.")


def test_a_pack_manifest_names_its_territory(tmp_path: Path) -> None:
    manifest = {
        "origin": "sync",
        "created_at": "2026-12-01T08:00:00+00:00",
        "meta": {},
        "counts": {"formation": "12", "offre": None},
        "freshness": [
            {"source": "lba-formations", "departement": d, "updated_at": u, "items": 3}
            for d, u in (
                ("15", "2026-11-30T06:00:00+00:00"),
                ("19", "2026-12-01T06:00:00+00:00"),
                ("63", "2026-11-29T06:00:00+00:00"),
                ("75", "x"),
                ("2A", ""),
                ("974", ""),
            )
        ],
    }
    facts = pack_facts(manifest)
    assert not facts.fictitious and facts.dated == "01/12/2026"
    assert (
        facts.territory == "Cantal (15), Corrèze (19), Corse-du-Sud (2A), Puy-de-Dôme (63) "
        "et 2 autres"
    )
    assert facts.counts == {"formation": 12, "offre": 0, "entreprise": 0, "partenariat": 0}


def test_a_file_that_is_not_a_pack_is_refused_before_any_question(tmp_path: Path) -> None:
    bad = tmp_path / "photo.lbapack"
    bad.write_bytes(b"not a zip")
    with pytest.raises(BadDataPack):
        read_pack_manifest(bad)
    other = tmp_path / "other.lbapack"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("readme.txt", "bonjour")
    with pytest.raises(BadDataPack):
        read_pack_manifest(other)
    with pytest.raises(BadDataPack):
        read_pack_manifest(tmp_path / "absent.lbapack")
