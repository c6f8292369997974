"""The structure's settings (name, commune, retention) follow its shared server: the first
computer to sign in brings them, the others take them, a change saved on one reaches the
others at their next sign-in; each computer's own settings stay its own. Real PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from lba_desktop.people import PeopleService
from lba_desktop.people.structure import follow_structure, share_structure
from lba_desktop.settings import Settings, load_settings, save_settings


def computer(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """The data folder of one counsellor's computer."""
    folder.mkdir(exist_ok=True)
    monkeypatch.setenv("LBA_DESKTOP_HOME", str(folder))


def test_the_structure_settings_follow_the_server(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    computer(monkeypatch, tmp_path / "fresh")  # a computer with nothing set signs in first
    with PeopleService(pg_url, counsellor="Zoé") as zoe:
        follow_structure(zoe)
        assert zoe.store.read("SELECT count(*) FROM settings")[0][0] == 0  # gave nothing
    computer(monkeypatch, tmp_path / "anne")
    save_settings(
        replace(
            Settings(),
            structure_name="Mission Locale du Cantal",
            structure_commune="Aurillac",
            retention_months=24,
            caller="anne@ml-cantal.fr lba-desktop",
        )
    )
    with PeopleService(pg_url, counsellor="Anne") as anne:
        assert follow_structure(anne).structure_name == "Mission Locale du Cantal"

    computer(monkeypatch, tmp_path / "bruno")
    save_settings(replace(Settings(), caller="bruno@ml-cantal.fr lba-desktop", tile_cache_mb=900))
    with PeopleService(pg_url, counsellor="Bruno") as bruno:
        followed = follow_structure(bruno)
    mine = load_settings()  # kept on Bruno's computer for when the server is away
    assert (mine.structure_name, mine.structure_commune, mine.retention_months) == (
        "Mission Locale du Cantal",
        "Aurillac",
        24,
    )
    assert followed == mine
    assert (mine.caller, mine.tile_cache_mb) == ("bruno@ml-cantal.fr lba-desktop", 900)

    # Bruno renames the structure; Anne's computer follows at its next sign-in.
    save_settings(replace(mine, structure_name="Mission Locale de Haute-Auvergne"))
    with PeopleService(pg_url, counsellor="Bruno") as bruno:
        assert share_structure(bruno, load_settings())
    computer(monkeypatch, tmp_path / "anne")
    with PeopleService(pg_url, counsellor="Anne") as anne:
        follow_structure(anne)
    anne_now = load_settings()
    assert anne_now.structure_name == "Mission Locale de Haute-Auvergne"
    assert anne_now.caller == "anne@ml-cantal.fr lba-desktop"


def test_on_user_sqlite_there_is_nothing_to_follow(tmp_path: Path) -> None:
    save_settings(replace(Settings(), structure_name="CIO d'Aurillac"))
    with PeopleService(tmp_path / "user.sqlite", counsellor="Anne") as alone:
        assert not share_structure(alone, load_settings())
        assert follow_structure(alone).structure_name == "CIO d'Aurillac"
