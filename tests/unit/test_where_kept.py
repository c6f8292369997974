"""A counsellor is told where a young person's data is kept: this machine or a server."""

from __future__ import annotations

import pytest

from lba_desktop.people import where_people_are_kept


def test_local_file_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LBA_USER_DB", raising=False)
    assert where_people_are_kept() == "sur cet ordinateur"


def test_shared_server_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LBA_USER_DB", "postgresql://conseil@lba.structure.example/suivi")
    assert where_people_are_kept() == "sur le serveur de votre structure"
