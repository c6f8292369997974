"""`datapack export --avec-carte`: the prepared map tiles travel with the catalogue to another
data folder, are checked like the catalogue (fingerprint, integrity, images only, the count
announced) and arrive protected from the cache's size bound; a bad map changes nothing."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from lba_desktop import paths
from lba_desktop.cli import main
from lba_desktop.data.datapack_io import MANIFEST_NAME, MAP_NAME, BadDataPack
from lba_desktop.data.tile_cache import TileCache
from lba_desktop.datapack import export_datapack, import_datapack
from lba_desktop.map_territory import outlines_for, territory_tiles
from lba_desktop.map_tiles import TileSource, cache_path, provider
from tests.tile_server import TileServer, tile_png
from tests.unit.test_datapack import file_hash


@pytest.fixture
def pack(demo_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A pack with Cantal's map to zoom 8 (and one tile only seen, which must not travel),
    then a new empty data folder to import it into, with no tile server any more."""
    server = TileServer()
    monkeypatch.setenv("LBA_TILE_URL", server.template)
    assert main(["carte", "preparer", "--departements", "15", "--zoom-max", "8", "--oui"]) == 0
    TileSource(provider(), online=True).fetch(12, 2000, 1500)  # seen on a map, not prepared
    target = tmp_path / "usb" / "cantal.lbapack"
    assert main(["datapack", "export", str(target), "--avec-carte"]) == 0
    server.stop()
    other = tmp_path / "autre-poste"
    other.mkdir()
    monkeypatch.setenv("LBA_DESKTOP_HOME", str(other))
    return target


def test_the_prepared_map_travels_and_is_served_offline(pack: Path, capsys) -> None:
    expected = list(territory_tiles(outlines_for(["15"]), 8))
    with zipfile.ZipFile(pack) as zf:
        assert json.loads(zf.read(MANIFEST_NAME))["carte"]["tiles"] == len(expected)
    assert main(["datapack", "import", str(pack)]) == 0
    assert f"Carte : {len(expected)} tuiles prêtes hors ligne" in capsys.readouterr().out
    cache = TileCache(cache_path(provider()), max_bytes=1)
    cache.put(13, 1, 1, bytes(100))  # over the bound: only tiles seen may go
    assert all(cache.is_prepared(*t) for t in expected)
    assert not cache.has(12, 2000, 1500)  # what was only seen stayed on the first machine
    assert cache.territories() == [{"departements": ["15"], "zoom_max": 8}]
    cache.close()
    offline = TileSource(provider(), online=False)
    z, x, y = expected[0]
    assert offline.cached(z, x, y) == tile_png(z, x, y)
    offline.close()


def _rewrite(pack: Path, *, tiles: bytes | None = None, manifest: dict | None = None) -> None:
    with zipfile.ZipFile(pack) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    if tiles is not None:
        files[MAP_NAME] = tiles
    if manifest is not None:
        files[MANIFEST_NAME] = json.dumps(manifest).encode()
    with zipfile.ZipFile(pack, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)


def _assert_refused(pack: Path, reason: str) -> None:
    before = file_hash(paths.catalogue_path()) if paths.catalogue_path().exists() else None
    with pytest.raises(BadDataPack, match=reason):
        import_datapack(source=pack)
    after = file_hash(paths.catalogue_path()) if paths.catalogue_path().exists() else None
    assert before == after  # the catalogue did not change
    assert not cache_path(provider()).exists()  # and no tile came in
    assert not list(paths.data_root().glob("*.importing*"))


def test_a_bad_map_is_refused_and_changes_nothing(pack: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(pack) as zf:
        manifest = json.loads(zf.read(MANIFEST_NAME))
        tiles = zf.read(MAP_NAME)

    altered = tmp_path / "altere.lbapack"
    altered.write_bytes(pack.read_bytes())
    flipped = bytearray(tiles)
    flipped[len(flipped) // 2] ^= 0xFF
    _rewrite(altered, tiles=bytes(flipped))
    _assert_refused(altered, "empreinte")

    # Fingerprint made to match, but a tile that is no image (the page would be handed it).
    not_images = tmp_path / "script.lbapack"
    not_images.write_bytes(pack.read_bytes())
    (tmp_path / "carte.mbtiles").write_bytes(tiles)
    db = sqlite3.connect(tmp_path / "carte.mbtiles")
    with db:
        db.execute("UPDATE tiles SET tile_data = CAST('<script>' AS BLOB) WHERE zoom_level = 5")
    db.close()
    data = (tmp_path / "carte.mbtiles").read_bytes()
    described = {**manifest["carte"], "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    _rewrite(not_images, tiles=data, manifest={**manifest, "carte": described})
    _assert_refused(not_images, "pas des images")

    elsewhere = tmp_path / "ailleurs.lbapack"
    elsewhere.write_bytes(pack.read_bytes())
    described = {**manifest["carte"], "cache": "../../catalogue.sqlite"}
    _rewrite(elsewhere, manifest={**manifest, "carte": described})
    _assert_refused(elsewhere, "quel fond")


def test_export_with_the_map_without_a_prepared_territory_is_refused(
    demo_home: Path, tmp_path: Path
) -> None:
    target = tmp_path / "p.lbapack"
    with pytest.raises(Exception, match="Aucun territoire préparé"):
        export_datapack(target=target, with_map=True)
    assert not target.exists() and not list(tmp_path.glob("p.lbapack*"))
