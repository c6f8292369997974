"""Preparing a territory's map offline: only the département's tiles up to the zoom asked,
the count said before, nothing asked twice when run again (resume), a provider that forbids
bulk downloads refused, and the prepared tiles then served without any network."""

from __future__ import annotations

from pathlib import Path

import pytest

from lba_desktop.cli import main
from lba_desktop.data.tile_cache import TileCache
from lba_desktop.map_territory import outlines_for, territory_tiles
from lba_desktop.map_tiles import TileSource, cache_path, provider
from tests.tile_server import TileServer


@pytest.fixture
def tiles(monkeypatch: pytest.MonkeyPatch) -> TileServer:
    server = TileServer()
    monkeypatch.setenv("LBA_TILE_URL", server.template)
    yield server
    server.stop()


def test_cantal_tiles_stay_on_cantal() -> None:
    cantal = list(territory_tiles(outlines_for(["15"]), 11))
    assert {z for z, _x, _y in cantal} == set(range(5, 12))
    at_11 = [(x, y) for z, x, y in cantal if z == 11]
    # Cantal spans about 1.6° of longitude and 1° of latitude: a few dozen tiles at zoom 11.
    assert 30 <= len(at_11) <= 120
    # Longitudes 2.06–3.37, latitudes 44.6–45.5 at zoom 11: columns 1035–1043, rows 731–740.
    assert all(1035 <= x <= 1043 and 731 <= y <= 740 for x, y in at_11)
    both = list(territory_tiles(outlines_for(["15", "19"]), 11))
    assert set(cantal) < set(both)


def test_prepare_then_resume_then_serve_offline(tiles: TileServer, capsys) -> None:
    assert main(["carte", "preparer", "--departements", "15", "--zoom-max", "10", "--oui"]) == 0
    out = capsys.readouterr().out
    wanted = list(territory_tiles(outlines_for(["15"]), 10))
    assert f"{len(wanted)} tuiles jusqu'au zoom 10, dont {len(wanted)} à télécharger" in out
    assert sorted(tiles.requests) == sorted(wanted)  # the département's tiles, each once
    assert main(["carte", "preparer", "--departements", "15", "--zoom-max", "10", "--oui"]) == 0
    assert "dont 0 à télécharger" in capsys.readouterr().out
    assert len(tiles.requests) == len(wanted)  # resumed: nothing asked again
    tiles.stop()
    offline = TileSource(provider(), online=False, cache=TileCache(cache_path(provider())))
    assert all(offline.cached(*t) for t in wanted)


def test_a_provider_forbidding_bulk_download_is_refused(capsys) -> None:
    code = main(["carte", "preparer", "--departements", "15", "--fournisseur", "osm", "--oui"])
    assert code == 2
    assert "n'autorise pas le téléchargement" in capsys.readouterr().err


def test_an_unknown_departement_is_named(capsys, tmp_path: Path) -> None:
    assert main(["carte", "preparer", "--departements", "15,999", "--oui"]) == 2
    assert "999" in capsys.readouterr().err
