"""A full disk is told from a damaged file, on a real full disk (a small tmpfs) and with
SQLite's max_page_count: « disque plein » with what is free, what is needed and where; the
advice to restore a copy only for a file SQLite found damaged; nothing lost either way."""

from __future__ import annotations

import errno
import hashlib
import sqlite3
from pathlib import Path

import pytest

from lba_desktop import paths
from lba_desktop.cli import main
from lba_desktop.data.storage import catalogue_error, storage_failure
from lba_desktop.errors import StorageDamaged, StorageFull, StorageUnavailable
from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService
from lba_desktop.sync import make_scope
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.server import FakeUpstream
from tests.small_disk import fill, small_disk
from tests.unit.test_sync import make_service

DAMAGED_WORDS = ("endommag", "Restaurez une sauvegarde")


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def full_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A data folder on a 4 MB disk holding one person, then filled to the last bytes."""
    with small_disk(tmp_path / "disque", 4 * 1024 * 1024) as disk:
        home = disk / "lba-home"
        monkeypatch.setenv("LBA_DESKTOP_HOME", str(home))
        with PeopleService() as people:
            lea = people.create_person(first_name="Léa", last_name="Martin")
            people.add_to_shortlist(lea.id, item=Item(Kind.FORMATION, "F1", "CAP Boulanger"))
        filler = fill(disk, leave=0)
        yield home, filler


def test_a_full_disk_is_never_called_a_damaged_file(full_home, tmp_path: Path, capsys) -> None:
    home, filler = full_home
    for argv in (
        ["shortlist", "list"],
        ["shortlist", "export", "1", "--output", str(home / "s.pdf")],
        ["shortlist", "export-data", "1", "--output", str(home / "droits")],
        ["shortlist", "erase", "1", "--oui"],
    ):
        assert main(argv) == 1, argv
        err = capsys.readouterr().err
        assert "Le disque est plein dans" in err, (argv, err)
        assert str(home) in err and "libres" in err and "il faut environ" in err
        assert not any(word in err for word in DAMAGED_WORDS), err
        assert "Traceback" not in err
    with pytest.raises(StorageFull):
        PeopleService().create_person(first_name="Zoé")
    # Room again: everything is there, nothing was half-written.
    filler.unlink()
    with PeopleService() as people:
        assert [p.display_name for p in people.search_people()] == ["Léa Martin"]
        assert len(people.shortlist(1)) == 1
    assert not (home / "s.pdf").exists()


def test_a_sync_with_120_kb_free_ends_in_french_and_keeps_the_catalogue(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_upstream: FakeUpstream,  # noqa: F811
    capsys,
) -> None:
    with small_disk(tmp_path / "disque", 8 * 1024 * 1024) as disk:
        monkeypatch.setenv("LBA_DESKTOP_HOME", str(disk / "lba-home"))
        first = make_service(fake_upstream).run(make_scope(departements=["15"]))
        assert first.ok, first.summary_fr()
        catalogue = paths.catalogue_path()
        before = file_hash(catalogue)
        filler = fill(disk, leave=120 * 1024)

        result = make_service(fake_upstream).run(make_scope(departements=["15", "19", "63"]))
        assert result.status == "failed"
        assert isinstance(result.failure, StorageFull)
        assert "Le disque est plein" in result.summary_fr()
        assert result.failure.needed > result.failure.free
        assert file_hash(catalogue) == before
        assert not catalogue.with_name(catalogue.name + ".staging").exists()

        # The command line says the same, in French, with no traceback.
        monkeypatch.setenv("LBA_API_URL", fake_upstream.api_url)
        monkeypatch.setenv("LBA_API_KEY", "test-key")
        assert main(["sync", "--departements", "15,19,63"]) == 1
        err = capsys.readouterr()
        assert "Le disque est plein" in err.out and "Traceback" not in err.err + err.out
        assert file_hash(catalogue) == before
        filler.unlink()
        again = make_service(fake_upstream).run(make_scope(departements=["15", "19", "63"]))
        assert again.ok, again.summary_fr()


def test_sqlite_max_page_count_reads_as_a_full_disk() -> None:
    with PeopleService() as people:
        people.create_person(first_name="Léa")
        pages = people._conn.execute("PRAGMA page_count").fetchone()[0]
        people._conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StorageFull) as err:
            for n in range(200):
                people.create_person(first_name=f"Personne {n}", notes="x" * 4000)
        assert "Le disque est plein" in err.value.message
        people._conn.execute("PRAGMA max_page_count = 1073741823")
        assert people.search_people("Léa")


def test_only_a_damaged_file_advises_restoring_a_copy() -> None:
    paths.user_db_path().write_bytes(b"ceci n'est pas une base SQLite" * 200)
    with pytest.raises(StorageDamaged) as err:
        PeopleService()
    assert "endommagé" in err.value.message and "Restaurez une sauvegarde" in err.value.hint


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), StorageFull),
        (sqlite3.OperationalError("database or disk is full"), StorageFull),
        (sqlite3.DatabaseError("database disk image is malformed"), StorageDamaged),
        (sqlite3.DatabaseError("file is not a database"), StorageDamaged),
        # An I/O error with room left is neither: the disk, a removed key, a network drive.
        (sqlite3.OperationalError("disk I/O error"), StorageUnavailable),
        (OSError(errno.EACCES, "Permission denied"), StorageUnavailable),
    ],
)
def test_storage_errors_are_typed(tmp_path: Path, error: BaseException, expected: type) -> None:
    found = storage_failure(error, path=tmp_path / "f", label="Le fichier", damaged_hint="…")
    assert isinstance(found, expected)
    if not isinstance(found, StorageDamaged):
        assert "endommag" not in found.message + found.hint
    assert isinstance(catalogue_error(error, path=tmp_path / "c"), expected)
