"""`sync --sources …,inserjeunes` against the fake portal: rates joined onto the synced trainings,
kept when a file fails or is older, kept by a later sync without the source, carried whole."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from lba_desktop.data.catalogue import CatalogueStore
from lba_desktop.data.http import RetryPolicy
from lba_desktop.data.insertion_store import STATUS_ABOVE_BTS, STATUS_OK
from lba_desktop.data.parsers.inserjeunes import NOT_PUBLISHED, TOO_FEW
from lba_desktop.insertion import employment_6, insertion_table
from lba_desktop.models import Kind
from lba_desktop.settings_env import ApiSettings
from lba_desktop.sync import SyncService, make_scope
from tests.fake_upstream import inserjeunes as fake_files
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.server import FakeUpstream


def make_service(server: FakeUpstream, **settings: Any) -> SyncService:
    values = {
        "lba_url": server.api_url,
        "apprentissage_url": server.api_url,
        "caller": "tests@example.org lba-desktop",
        "api_key": "test-key",
        "inserjeunes_url": server.inserjeunes_url,
        **settings,
    }
    return SyncService.from_settings(
        ApiSettings(**values),
        sleep=lambda s: None,
        timeout=(0.5, 0.3),
        retry=RetryPolicy(attempts=2, base_delay=0.0),
    )


def _blocks(path: Path) -> dict[str, dict[str, Any]]:
    """Each training's InserJeunes block as every output reads it (from the rates table)."""
    store = CatalogueStore(path)
    try:
        return {
            item.id: item.details.get("insertion")
            for item in store.iter_items()
            if item.kind is Kind.FORMATION
        }
    finally:
        store.close()


def _fake_rates(server: FakeUpstream) -> dict[tuple[str, str], list[str]]:
    """The fake's latest CFA rows, by (UAI, CFD), as the file has them."""
    rows = fake_files.rows_for(server.state.formations, "etablissement", server.state.seed)
    return {(r[1], r[4]): r for r in rows if r[0] == fake_files.LATEST}


def _sync(server: FakeUpstream, path: Path, sources: list[str], **settings: Any) -> Any:
    built = make_service(server, **settings)
    return SyncService(
        lba=built.lba, jobs=built.jobs, inserjeunes=built.inserjeunes, catalogue_path=path
    ).run(make_scope(departements=["15"], sources=sources))


def test_a_sync_with_inserjeunes_gives_the_trainings_their_rates(
    fake_upstream: FakeUpstream,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = tmp_path / "catalogue.sqlite"
    report = _sync(fake_upstream, path, ["formations", "inserjeunes"])
    assert report.ok, report.summary_fr()
    assert fake_upstream.calls("inserjeunes") == 3
    assert "Taux d'insertion InserJeunes" in report.summary_fr()
    assert report.insertion_millesime == "2023-2024"
    blocks = _blocks(path)
    expected = _fake_rates(fake_upstream)
    store = CatalogueStore(path)
    checked = too_few = above = 0
    for item in store.iter_items():
        if item.kind is not Kind.FORMATION:
            continue
        block = blocks[item.id]
        if item.diploma_level and item.diploma_level > 5:
            assert block["status"] == STATUS_ABOVE_BTS
            assert employment_6(item) == (None, "après BTS")
            above += 1
            continue
        row = expected[(item.details["uai"], item.details["cfd"])]
        assert block["status"] == STATUS_OK
        assert block["cfa"]["millesime"] == "2023-2024"
        assert block["cfa"]["missing"]["emploi_18"] == NOT_PUBLISHED
        assert "national" in block and "region" in block
        if row[10]:
            assert block["cfa"]["emploi_6"] == float(row[10])
            value, text = employment_6(item)
            assert value == float(row[10]) and text.endswith("(2023-2024)")
        else:
            assert block["cfa"]["missing"]["emploi_6"] == TOO_FEW
            assert employment_6(item) == (None, "< 20 jeunes")
            too_few += 1
        table = insertion_table(item)
        assert [c.title for c in table.columns] == ["Ce CFA", "Auvergne-Rhône-Alpes", "France"]
        assert all("cumul 2023-2024" in c.cohort for c in table.columns)
        checked += 1
    store.close()
    assert checked > 50 and too_few > 0 and above > 0


def test_rates_are_kept_by_a_sync_without_the_source_and_when_a_file_fails(
    fake_upstream: FakeUpstream,  # noqa: F811
    tmp_path: Path,
) -> None:
    path = tmp_path / "catalogue.sqlite"
    assert _sync(fake_upstream, path, ["formations", "inserjeunes"]).ok
    before = _blocks(path)
    assert _sync(fake_upstream, path, ["formations"]).ok
    assert _blocks(path) == before
    # The CFA file now fails (unknown dataset): its rates stay, the others are refreshed.
    broken = _sync(
        fake_upstream,
        path,
        ["inserjeunes"],
        inserjeunes_url=fake_upstream.inserjeunes_url + "/nothing-here",
    )
    assert broken.ok, broken.summary_fr()
    assert any("les taux déjà présents sont gardés" in w for w in broken.warnings)
    assert _blocks(path) == before


def test_an_older_millesime_never_replaces_a_newer_one(
    fake_upstream: FakeUpstream,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "catalogue.sqlite"
    assert _sync(fake_upstream, path, ["formations", "inserjeunes"]).ok
    before = _blocks(path)
    monkeypatch.setattr(fake_files, "LATEST", "cumul 2021-2022")
    monkeypatch.setattr(fake_files, "OLDER", "cumul 2020-2021")
    again = _sync(fake_upstream, path, ["inserjeunes"])
    assert again.ok
    assert sum("plus ancien" in w for w in again.warnings) == 3
    assert _blocks(path) == before


def test_a_data_pack_carries_the_rates(
    fake_upstream: FakeUpstream,  # noqa: F811
    tmp_path: Path,
) -> None:
    from lba_desktop.datapack import export_datapack, import_datapack

    path = tmp_path / "catalogue.sqlite"
    assert _sync(fake_upstream, path, ["formations", "inserjeunes"]).ok
    pack = tmp_path / "cantal.lbapack"
    export_datapack(target=pack, catalogue=path)
    other = tmp_path / "other" / "catalogue.sqlite"
    other.parent.mkdir()
    import_datapack(source=pack, catalogue=other)
    assert _blocks(other) == _blocks(path)
    conn = sqlite3.connect(other)
    try:
        levels = dict(conn.execute("SELECT level, count(*) FROM insertion_rates GROUP BY level"))
    finally:
        conn.close()
    assert set(levels) == {"etablissement", "region", "national"}


def test_rates_alone_over_demo_data_are_refused_and_change_nothing(
    fake_upstream: FakeUpstream,  # noqa: F811
    demo_home: Path,
) -> None:
    path = demo_home / "catalogue.sqlite"
    before = path.read_bytes()
    report = _sync(fake_upstream, path, ["inserjeunes"])
    assert report.status == "failed"
    assert "formations,inserjeunes" in report.summary_fr()
    assert path.read_bytes() == before
