"""Sync against the fake upstream over real HTTP: fill, split, replace, faults, cancel, resume."""

from __future__ import annotations

import errno
import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from lba_desktop import paths
from lba_desktop.data.catalogue import CatalogueStore, CatalogueWriter
from lba_desktop.data.http import RetryPolicy
from lba_desktop.data.sync_store import ResumeStore, read_journal, storage_error
from lba_desktop.errors import InvalidInput, StorageFull
from lba_desktop.models import Item, Kind
from lba_desktop.search import SearchService
from lba_desktop.settings_env import ApiSettings
from lba_desktop.sync import STATE_FILE, SyncReport, SyncService, make_scope
from lba_desktop.sync_plan import Call, split_call
from tests.fake_upstream.data import FORMATION_COUNTS
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.server import FakeUpstream

FAKE_ROMES = ("D1211", "D1212", "D1214", "D1102", "D1106", "F1603", "G1602", "M1607", "A1414")


def make_service(server: FakeUpstream, **kwargs: object) -> SyncService:
    """A sync service on the fake; trainings from V1 unless `trainings_api=True` (these tests
    are about V1's sample cap, splitting and resuming; the default source with a key, API
    Apprentissage, has its own in test_formations_api.py)."""
    kwargs.setdefault("trainings_api", False)
    settings = ApiSettings(
        lba_url=server.api_url,
        apprentissage_url=server.api_url,
        caller="tests@example.org lba-desktop",
        api_key="test-key",
    )
    return SyncService.from_settings(
        settings,
        sleep=lambda s: None,  # neither the retries nor the rate limiter wait in tests
        timeout=kwargs.pop("timeout", (0.5, 0.3)),  # type: ignore[arg-type]
        retry=RetryPolicy(attempts=2, base_delay=0.0),
        **kwargs,  # type: ignore[arg-type]
    )


def rows_hash(path: Path, where: str = "1") -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            f"SELECT kind, id, title, departement, lat, lon, romes, details FROM items "
            f"WHERE {where} ORDER BY kind, id"
        ).fetchall()
    finally:
        conn.close()
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def ids(path: Path, kind: Kind, dep: str | None = None) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sql = "SELECT id FROM items WHERE kind = ?"
        params: list[str] = [kind.value]
        if dep:
            sql += " AND departement = ?"
            params.append(dep)
        return {r[0] for r in conn.execute(sql, params)}
    finally:
        conn.close()


@pytest.fixture
def synced(fake_upstream: FakeUpstream) -> Path:  # noqa: F811
    """A data folder holding a catalogue synced for 15, 19 and 63."""
    result = make_service(fake_upstream).run(make_scope(departements=["15", "19", "63"]))
    assert result.ok, result.summary_fr()
    return paths.catalogue_path()


def test_sync_fills_catalogue_and_search_finds_it(
    demo_home: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    labels: list[tuple[int, int, str]] = []
    result = make_service(fake_upstream).run(
        make_scope(departements=["15", "19", "63"]),
        report=lambda d, t, label: labels.append((d, t, label)),
    )
    assert result.ok, result.summary_fr()
    assert result.demo_removed and any("démonstration" in w for w in result.warnings)
    assert result.counts_by_departement["15"][Kind.FORMATION] == FORMATION_COUNTS["15"]
    assert result.counts_by_departement["63"][Kind.FORMATION] == FORMATION_COUNTS["63"]
    # Progress: labels in French, `done` never beyond `total`, the last step is complete.
    assert any(label.startswith("Formations – Cantal (15)") for _d, _t, label in labels)
    assert all(0 <= d <= t for d, t, _ in labels) and labels[-1][0] == labels[-1][1]

    store = CatalogueStore(paths.catalogue_path())
    meta = store.meta()
    assert meta["origin"] == "sync"
    assert meta["label_fr"].startswith("Synchronisé le ") and meta["label_fr"].endswith(
        "pour 15, 19, 63"
    )
    assert not store.conn.execute("SELECT count(*) FROM items WHERE fictitious = 1").fetchone()[0]
    fresh = {(s, d) for s, d, _u, _n in store.freshness()}
    assert ("formations", "15") in fresh and ("entreprises", "63") in fresh
    service = SearchService(store)
    criteria = service.build_criteria(lieu="Aurillac", romes=FAKE_ROMES, rayon=100)
    found = service.search(criteria)
    assert found.counts[Kind.FORMATION] > 0
    assert found.counts[Kind.OFFRE] > 0
    # Recruiters come without ROME codes: they get their NAF sector's métiers (the fake's
    # are all in retail, NAF 47, which employs bakers), so a métier search finds them.
    companies = service.search(service.build_criteria(lieu="Aurillac", texte="Atelier", rayon=100))
    assert companies.counts[Kind.ENTREPRISE] > 0
    bakers = service.search(service.build_criteria(lieu="Aurillac", metier="D1102", rayon=100))
    assert bakers.counts[Kind.ENTREPRISE] > 0
    assert all("D1102" in h.item.romes for h in bakers.of_kind(Kind.ENTREPRISE))
    welders = service.search(service.build_criteria(lieu="Aurillac", metier="H2913", rayon=100))
    assert welders.counts[Kind.ENTREPRISE] == 0  # welding is not a retail trade
    clermont = service.search(
        service.build_criteria(lieu="Clermont-Ferrand", romes=FAKE_ROMES, rayon=30)
    )
    assert clermont.counts[Kind.FORMATION] > 0 and clermont.counts[Kind.PARTENARIAT] > 0
    assert not (paths.data_root() / STATE_FILE).exists()  # a finished sync leaves no state
    journal = read_journal(paths.catalogue_path())
    assert len(journal) == 1 and journal[0].status == "ok"


def test_paris_over_the_cap_is_split_until_no_answer_is_truncated(
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    result = make_service(fake_upstream).run(
        make_scope(departements=["75"], sources=["formations"])
    )
    assert result.ok, result.summary_fr()
    assert result.splits >= 3  # département, then grand domaine D, then domain D12, then ROMEs
    assert fake_upstream.calls("formationsParRegion") == result.calls_made > 10
    assert not any("peuvent manquer" in w for w in result.warnings)
    # Every Paris training arrived: no answer was a sample.
    assert len(ids(paths.catalogue_path(), Kind.FORMATION, "75")) == FORMATION_COUNTS["75"]


def test_split_plan() -> None:
    assert len(split_call(Call("formations", "75"))) >= 10  # the grands domaines
    domains = split_call(Call("formations", "75", domain="D"))
    assert Call("formations", "75", domain="D12") in domains
    by_rome = split_call(Call("formations", "75", domain="D12"))
    assert all(1 <= len(c.romes) <= 20 for c in by_rome) and len(by_rome) >= 2
    assert len(split_call(Call("formations", "75", romes=("D1211", "D1212")))) == 2
    assert [c.diploma for c in split_call(Call("formations", "75", romes=("D1211",)))] == [
        3,
        4,
        5,
        6,
        7,
    ]
    assert split_call(Call("formations", "75", romes=("D1211",), diploma=3)) == []


def test_second_sync_replaces_its_scope_and_keeps_the_rest(
    synced: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    before_15 = ids(synced, Kind.OFFRE, "15") | ids(synced, Kind.PARTENARIAT, "15")
    gone = sorted(before_15)[:5]
    kept_hash = rows_hash(synced, "departement IN ('19', '63')")
    assert fake_upstream.state.remove_jobs(gone) == 5
    result = make_service(fake_upstream).run(make_scope(departements=["15"]))
    assert result.ok, result.summary_fr()
    after_15 = ids(synced, Kind.OFFRE, "15") | ids(synced, Kind.PARTENARIAT, "15")
    assert after_15 == before_15 - set(gone)
    assert rows_hash(synced, "departement IN ('19', '63')") == kept_hash
    store = CatalogueStore(synced)
    assert store.meta()["label_fr"].endswith("pour 15, 19, 63")
    assert [e.status for e in read_journal(synced)] == ["ok", "ok"]


@pytest.mark.parametrize(
    "fault",
    [
        {"http_500": -1},
        {"timeout": -1, "delay": 0.6},
        {"truncated_body": -1},
        {"malformed_json": -1},
        {"cut_after_n_calls": 3},
        {"http_500": -1, "routes": ["jobs_search"]},
    ],
    ids=["http_500", "timeout", "truncated", "malformed", "cut", "jobs_500"],
)
def test_faults_leave_the_previous_catalogue_intact(
    synced: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
    fault: dict[str, object],
) -> None:
    before = rows_hash(synced)
    fake_upstream.faults.set(**fault)
    result = make_service(fake_upstream).run(make_scope(departements=["15", "19"]))
    assert result.status == "failed"
    assert result.errors and "La Bonne Alternance" in result.errors[0]
    assert "le catalogue n'a pas changé" in result.summary_fr()
    assert rows_hash(synced) == before
    assert CatalogueStore(synced).conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert not synced.with_name(synced.name + ".staging").exists()


def test_subsource_error_warns_and_keeps_that_source(
    synced: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    offers_before = rows_hash(synced, "kind IN ('offre', 'partenariat')")
    companies_15 = sorted(ids(synced, Kind.ENTREPRISE, "15"))
    fake_upstream.state.remove_recruiters(companies_15[:3])
    fake_upstream.faults.set(subsource_error=["jobs"], routes=["jobs_search"])
    result = make_service(fake_upstream).run(make_scope(departements=["15", "19"]))
    assert result.ok, result.summary_fr()
    assert any("indisponible" in w for w in result.warnings)
    assert rows_hash(synced, "kind IN ('offre', 'partenariat')") == offers_before
    assert ids(synced, Kind.ENTREPRISE, "15") == set(companies_15[3:])  # the rest imported


def test_cancel_keeps_catalogue_and_resume_skips_finished_calls(
    synced: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    before = rows_hash(synced)
    scope = make_scope(departements=["63", "75"])
    seen: list[str] = []

    def cancel_after_eight() -> bool:
        return len(seen) >= 8

    service = make_service(fake_upstream)
    first = service.run(
        scope, report=lambda d, t, label: seen.append(label), cancelled=cancel_after_eight
    )
    assert first.status == "cancelled" and first.calls_made == 8
    assert "annulée" in first.summary_fr()
    assert rows_hash(synced) == before
    assert (paths.data_root() / STATE_FILE).exists()

    calls_before = fake_upstream.calls("formationsParRegion") + fake_upstream.calls("jobs_search")
    second = make_service(fake_upstream).run(scope)
    assert second.ok, second.summary_fr()
    assert second.calls_skipped == 8
    calls_after = fake_upstream.calls("formationsParRegion") + fake_upstream.calls("jobs_search")
    assert calls_after - calls_before == second.calls_made
    fresh = make_service(fake_upstream).run(scope, restart=True)
    assert fresh.calls_skipped == 0 and fresh.calls_made == first.calls_made + second.calls_made
    # The cancelled run is in the journal too, carried over by the next successful sync.
    assert [e.status for e in read_journal(synced)] == ["ok", "ok", "cancelled", "ok"]


def test_failed_run_resumes_without_redoing_calls(
    synced: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    fake_upstream.faults.reset()  # counts calls from here
    fake_upstream.faults.set(cut_after_n_calls=4)
    first = make_service(fake_upstream).run(make_scope(departements=["63"]))
    assert first.status == "failed" and first.calls_made == 4  # the 5th was cut
    fake_upstream.faults.reset()
    second = make_service(fake_upstream).run(make_scope(departements=["63"]))
    assert second.ok and second.calls_skipped == first.calls_made


class FullDiskWriter(CatalogueWriter):
    def add_items(self, items: object) -> int:
        raise StorageFull()


class SqliteFullWriter(CatalogueWriter):
    def add_items(self, items: object) -> int:
        self.conn.execute("PRAGMA max_page_count = 1")  # the file cannot grow: SQLITE_FULL
        return super().add_items(items)  # type: ignore[arg-type]


@pytest.mark.parametrize("writer", [FullDiskWriter, SqliteFullWriter])
def test_full_disk_leaves_catalogue_intact(
    synced: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
    writer: Callable[[Path], CatalogueWriter],
) -> None:
    before = rows_hash(synced)
    result = make_service(fake_upstream, writer_factory=writer).run(make_scope(departements=["15"]))
    assert result.status == "failed"
    assert "Le disque est plein" in result.errors[0]
    assert rows_hash(synced) == before
    assert not synced.with_name(synced.name + ".staging").exists()


def test_storage_errors_map_to_storage_full() -> None:
    assert isinstance(storage_error(OSError(errno.ENOSPC, "No space left")), StorageFull)
    assert isinstance(
        storage_error(sqlite3.OperationalError("database or disk is full")), StorageFull
    )
    assert "plein" in StorageFull().message


def test_refuses_to_empty_a_scope_without_a_clear_answer() -> None:
    before = {("offre", "15"): 40}
    with pytest.raises(Exception, match="aurait vidé"):
        SyncService._check_not_emptied(before, {}, {(Kind.OFFRE, "15")}, set())
    SyncService._check_not_emptied(before, {}, {(Kind.OFFRE, "15")}, {(Kind.OFFRE, "15")})


def test_upstream_zero_answer_empties_that_scope(
    synced: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    jobs_15 = ids(synced, Kind.OFFRE, "15") | ids(synced, Kind.PARTENARIAT, "15")
    fake_upstream.state.remove_jobs(jobs_15)
    result = make_service(fake_upstream).run(make_scope(departements=["15"], sources=["offres"]))
    assert result.ok, result.summary_fr()
    assert not ids(synced, Kind.OFFRE, "15")
    assert len(ids(synced, Kind.FORMATION, "15")) == FORMATION_COUNTS["15"]


def test_scope_validation() -> None:
    scope = make_scope(departements=[" 63", "15", "15"], sources=["offres"])
    assert scope.departements == ("15", "63") and scope.sources == ("offres",)
    with pytest.raises(InvalidInput, match="Département inconnu"):
        make_scope(departements=["99"])
    with pytest.raises(InvalidInput, match="Source inconnue"):
        make_scope(departements=["15"], sources=["meteo"])
    assert make_scope(departements=["15"]).key() != make_scope(departements=["19"]).key()


def test_resume_store_round_trip(tmp_path: Path) -> None:
    store = ResumeStore(tmp_path / "state.sqlite")
    assert store.begin("a") == 0
    store.record("k1", {"results": [1, 2]})
    assert store.finished("k1") == {"results": [1, 2]}
    store.close()
    again = ResumeStore(tmp_path / "state.sqlite")
    assert again.begin("a") == 1
    assert again.begin("b") == 0 and again.finished("k1") is None  # another scope: afresh
    again.delete()
    assert not (tmp_path / "state.sqlite").exists()
    (tmp_path / "bad.sqlite").write_bytes(b"not a database at all" * 100)
    assert ResumeStore(tmp_path / "bad.sqlite").begin("a") == 0


def test_report_summary_in_french() -> None:
    report = SyncReport(scope=make_scope(departements=["15"]), status="ok", calls_made=3)
    report.counts[Kind.FORMATION] = 12
    text = report.summary_fr()
    assert "Synchronisation terminée pour 15" in text and "formations 12" in text


def test_items_without_position_are_located_from_the_referential(synced: Path) -> None:
    store = CatalogueStore(synced)
    unplaced = store.conn.execute(
        "SELECT count(*) FROM items WHERE kind = 'formation' AND lat IS NULL"
    ).fetchone()[0]
    assert unplaced == 0  # the fake leaves one training in 50 without coordinates
    item = next(iter(store.iter_items()))
    assert isinstance(item, Item)


def test_cli_sync_info_and_exit_codes(
    fake_upstream: FakeUpstream,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from lba_desktop.cli import main

    monkeypatch.setenv("LBA_API_URL", fake_upstream.api_url)
    monkeypatch.setenv("LBA_API_KEY", "test-key")
    monkeypatch.setenv("LBA_CALLER", "tests@example.org")
    assert main(["sync", "--departements", "15", "--sources", "offres"]) == 0
    out = capsys.readouterr()
    assert "Synchronisation terminée pour 15" in out.out
    assert "test-key" not in out.out + out.err
    assert main(["sync", "--departements", "99"]) == 2
    assert "Département inconnu" in capsys.readouterr().err
    monkeypatch.setenv("LBA_API_KEY", "wrong-secret-key")  # refused at once: no retry wait
    assert main(["sync", "--departements", "19", "--sources", "offres"]) == 1
    out = capsys.readouterr()
    assert "échouée" in out.out and "clé d'API" in out.out
    assert "wrong-secret-key" not in out.out + out.err
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "offres" in out and "Dernière synchronisation (19) : échouée" in out
