"""Personal data readable by its owner only: the data folder, user.sqlite and its journal
files, the logs, and every export holding personal data (POSIX modes; Windows relies on the
profile's ACLs)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from lba_desktop import paths
from lba_desktop.appointments import AppointmentService
from lba_desktop.cli import main
from lba_desktop.exports.privacy import export_person_data
from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService

pytestmark = pytest.mark.skipif(os.name != "posix", reason="modes POSIX (Windows : ACL du profil)")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def shared_computer_umask():
    old = os.umask(0o022)  # what a shared Mission Locale computer usually has
    yield
    os.umask(old)


def test_the_data_folder_and_user_database_are_owner_only(tmp_path, monkeypatch) -> None:
    home = tmp_path / "nouveau" / "lba-home"
    monkeypatch.setenv("LBA_DESKTOP_HOME", str(home))
    with PeopleService() as people:
        people.create_person(first_name="Léa", phone="0612345678")
        with AppointmentService(people=people):
            pass
    assert mode(home) == 0o700
    for name in ("user.sqlite", "user.sqlite-wal", "user.sqlite-shm"):
        if (home / name).exists():
            assert mode(home / name) == 0o600, name
    assert main(["shortlist", "list"]) == 0  # the CLI log too
    assert mode(paths.logs_dir()) == 0o700


def test_an_older_folder_readable_by_all_is_tightened(isolated_home: Path) -> None:
    os.chmod(isolated_home, 0o755)
    (isolated_home / "user.sqlite").touch(mode=0o644)
    os.chmod(isolated_home / "user.sqlite", 0o644)
    with PeopleService() as people:
        people.create_person(first_name="Léa")
    assert mode(isolated_home) == 0o700
    assert mode(isolated_home / "user.sqlite") == 0o600


@pytest.mark.parametrize("fmt", ["pdf", "csv", "xlsx", "html"])
def test_exports_of_personal_data_are_owner_only(tmp_path: Path, fmt: str) -> None:
    with PeopleService() as people:
        lea = people.create_person(first_name="Léa", phone="0612345678")
        people.add_to_shortlist(lea.id, item=Item(Kind.FORMATION, "F1", "CAP Boulanger"))
        output = tmp_path / "exports" / f"selection.{fmt}"
        assert main(["shortlist", "export", str(lea.id), "--output", str(output)]) == 0
        assert mode(output) == 0o600
        files = export_person_data(people, lea.id, folder=tmp_path / "droit-acces")
    assert mode(tmp_path / "droit-acces") == 0o700
    assert all(mode(f) == 0o600 for f in files)


@pytest.mark.parametrize("folder_mode", [0o755, 0o1777])
def test_a_folder_the_counsellor_chose_keeps_its_mode(tmp_path: Path, folder_mode: int) -> None:
    """Only the file is made owner-only: exporting into Documents, or into /tmp as root, used
    to turn that whole folder owner-only (0700), which broke every other program using it."""
    chosen = tmp_path / "Documents"
    chosen.mkdir()
    os.chmod(chosen, folder_mode)
    with PeopleService() as people:
        lea = people.create_person(first_name="Léa", phone="0612345678")
        output = chosen / "selection.pdf"
        assert main(["shortlist", "export", str(lea.id), "--output", str(output)]) == 0
        export_person_data(people, lea.id, folder=chosen)
    assert mode(output) == 0o600
    assert mode(chosen) == folder_mode
