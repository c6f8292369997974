"""Data packs: export on one data folder, import on another, and every bad file refused."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from lba_desktop import paths
from lba_desktop.cli import main
from lba_desktop.data.catalogue import CatalogueStore
from lba_desktop.data.datapack_io import FORMAT_VERSION, MANIFEST_NAME, BadDataPack
from lba_desktop.datapack import export_datapack, import_datapack
from lba_desktop.models import Kind
from lba_desktop.search import SearchService
from lba_desktop.sync import make_scope
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.server import FakeUpstream
from tests.unit.test_sync import FAKE_ROMES, make_service


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def search_ids(lieu: str) -> list[tuple[str, str, float | None]]:
    store = CatalogueStore(paths.catalogue_path())
    try:
        service = SearchService(store)
        result = service.search(service.build_criteria(lieu=lieu, romes=FAKE_ROMES, rayon=60))
        return [(h.item.kind.value, h.item.id, h.distance_km) for h in result.hits]
    finally:
        store.close()


@pytest.fixture
def pack(
    tmp_path: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
) -> Path:
    """A pack exported from a data folder synced for 15 and 63."""
    assert make_service(fake_upstream).run(make_scope(departements=["15", "63"])).ok
    target = tmp_path / "usb" / "donnees.lbapack"
    target.parent.mkdir()
    manifest = export_datapack(target=target)
    assert manifest["counts"]["formation"] > 0
    return target


def test_pack_moves_to_another_data_root_with_identical_results(
    pack: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = {lieu: search_ids(lieu) for lieu in ("Aurillac", "Clermont-Ferrand")}
    assert all(expected.values())
    with zipfile.ZipFile(pack) as zf:
        assert sorted(zf.namelist()) == ["catalogue.sqlite", MANIFEST_NAME]
        manifest = json.loads(zf.read(MANIFEST_NAME))
    assert manifest["format_version"] == FORMAT_VERSION and manifest["origin"] == "sync"
    assert "test-key" not in json.dumps(manifest)

    other = tmp_path / "other-home"
    other.mkdir()
    monkeypatch.setenv("LBA_DESKTOP_HOME", str(other))
    imported = import_datapack(source=pack)
    assert imported["label_fr"].startswith("Paquet de données du ")
    meta = CatalogueStore(paths.catalogue_path()).meta()
    assert meta["origin"] == "datapack" and meta["label_fr"] == imported["label_fr"]
    for lieu, hits in expected.items():
        assert search_ids(lieu) == hits
    assert not list(other.glob("*.importing"))


def _rewrite(pack: Path, target: Path, *, manifest: dict | None = None, flip: bool = False) -> Path:
    with zipfile.ZipFile(pack) as src, zipfile.ZipFile(target, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == MANIFEST_NAME and manifest is not None:
                data = json.dumps(manifest).encode()
            if name == "catalogue.sqlite" and flip:
                middle = len(data) // 2
                data = data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1 :]
            dst.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def _bad_packs(pack: Path, folder: Path) -> dict[str, Path]:
    manifest = json.loads(zipfile.ZipFile(pack).read(MANIFEST_NAME))
    truncated = folder / "truncated.lbapack"
    truncated.write_bytes(pack.read_bytes()[: pack.stat().st_size * 2 // 3])
    flipped_raw = folder / "flipped_raw.lbapack"
    raw = bytearray(pack.read_bytes())
    raw[len(raw) // 2] ^= 0xFF  # inside the compressed catalogue: CRC or inflate fails
    flipped_raw.write_bytes(bytes(raw))
    foreign = folder / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("photo.txt", "pas un paquet")
    not_zip = folder / "notes.txt"
    not_zip.write_text("bonjour", encoding="utf-8")
    miscounted = dict(manifest, counts={**manifest["counts"], "formation": 1})
    return {
        "truncated": truncated,
        "flipped byte (zip)": flipped_raw,
        "flipped byte (catalogue, checksum)": _rewrite(pack, folder / "flip.lbapack", flip=True),
        "foreign zip": foreign,
        "not a zip": not_zip,
        "newer format": _rewrite(
            pack, folder / "newer.lbapack", manifest=dict(manifest, format_version=99)
        ),
        "counts mismatch": _rewrite(pack, folder / "counts.lbapack", manifest=miscounted),
        "empty file": _empty(folder / "empty.lbapack"),
    }


def _empty(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def test_bad_packs_are_refused_and_change_nothing(pack: Path, tmp_path: Path) -> None:
    catalogue = paths.catalogue_path()
    before = file_hash(catalogue)
    bad = _bad_packs(pack, tmp_path)
    messages = {}
    for name, path in bad.items():
        with pytest.raises(BadDataPack) as caught:
            import_datapack(source=path)
        messages[name] = caught.value.message
        assert "Paquet de données refusé" in caught.value.message, name
        assert file_hash(catalogue) == before, name
        assert not list(catalogue.parent.glob("*.importing")), name
    assert "plus récente" in messages["newer format"]
    assert "pas un paquet" in messages["foreign zip"]
    assert "empreinte" in messages["flipped byte (catalogue, checksum)"]
    assert "ne correspond pas" in messages["counts mismatch"]


def test_checksum_matching_but_corrupt_catalogue_is_refused(pack: Path, tmp_path: Path) -> None:
    # A forged manifest with the right checksum of a damaged file: integrity_check catches it.
    with zipfile.ZipFile(pack) as zf:
        manifest = json.loads(zf.read(MANIFEST_NAME))
        data = bytearray(zf.read("catalogue.sqlite"))
    for offset in range(4096 * 3, len(data), 4096):
        data[offset + 100 : offset + 140] = b"\xff" * 40
    manifest["catalogue"]["sha256"] = hashlib.sha256(bytes(data)).hexdigest()
    manifest["catalogue"]["size"] = len(data)
    forged = tmp_path / "forged.lbapack"
    with zipfile.ZipFile(forged, "w") as zf:
        zf.writestr(MANIFEST_NAME, json.dumps(manifest))
        zf.writestr("catalogue.sqlite", bytes(data))
    before = file_hash(paths.catalogue_path())
    with pytest.raises(BadDataPack):
        import_datapack(source=forged)
    assert file_hash(paths.catalogue_path()) == before


def test_cli_datapack_export_import(
    pack: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "cli.lbapack"
    assert main(["datapack", "export", str(out_file)]) == 0
    assert "Paquet de données écrit" in capsys.readouterr().out
    assert main(["datapack", "import", str(out_file)]) == 0
    assert "Paquet de données importé" in capsys.readouterr().out
    bad = tmp_path / "bad.lbapack"
    bad.write_bytes(b"PK\x03\x04 garbage")
    assert main(["datapack", "import", str(bad)]) == 2  # bad input, as the README says
    assert "Paquet de données refusé" in capsys.readouterr().err
    assert CatalogueStore(paths.catalogue_path()).counts()[Kind.FORMATION] > 0


def test_export_without_catalogue_is_a_french_error(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="Aucun catalogue"):
        export_datapack(target=tmp_path / "x.lbapack")
