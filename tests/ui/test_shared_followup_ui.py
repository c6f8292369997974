"""The window on a structure's server: a colleague's change appears by itself; the server
stopped under the running window, the copy is shown read-only and a note typed then reaches
the server when it is back (a real PostgreSQL)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService
from tests.postgres import PgCluster

SHOTS = Path(os.environ.get("LBA_UI_SHOTS") or tempfile.gettempdir()) / "lba-ui-shots"


@pytest.fixture
def shared(pg_cluster: PgCluster, monkeypatch: pytest.MonkeyPatch) -> str:
    url = pg_cluster.new_database()
    monkeypatch.setenv("LBA_USER_DB", url)
    monkeypatch.setenv("LBA_CONSEILLER", "Anne")
    return url


def opened(qtbot: Any, window: Any) -> Any:
    follow = window.followup
    qtbot.waitUntil(lambda: follow.services is not None, timeout=30_000)
    qtbot.waitUntil(lambda: follow.link._watch is not None, timeout=10_000)
    assert follow.link._watch.listening.wait(10)
    return follow


def names(follow: Any) -> list[str]:
    model = follow.panel.model
    return [model.person(r).display_name for r in range(model.rowCount())]


def test_a_colleagues_change_appears_without_a_click(
    qtbot: Any, shared: str, make_window: Any
) -> None:
    follow = opened(qtbot, make_window())
    with PeopleService(shared, counsellor="Bruno") as bruno:
        with qtbot.waitSignal(follow.link.reloaded, timeout=10_000):
            bruno.create_person(first_name="Tom", last_name="Durand")
        assert names(follow) == ["Tom Durand"]
        tom = follow.panel.model.person(0)
        follow.panel.choose(tom.id)
        with qtbot.waitSignal(follow.link.reloaded, timeout=10_000):
            bruno.add_to_shortlist(tom.id, item=Item(Kind.FORMATION, "F1", title="CAP Cuisine"))
        assert [e.title for e in follow.shortlist.model.entries()] == ["CAP Cuisine"]


def test_the_server_away_shows_the_copy_and_keeps_what_is_typed(
    qtbot: Any, shared: str, pg_cluster: PgCluster, make_window: Any
) -> None:
    with PeopleService(shared, counsellor="Anne") as anne:
        lea = anne.create_person(first_name="Léa", last_name="Martin")
        line, _ = anne.add_to_shortlist(
            lea.id, item=Item(Kind.FORMATION, "F1", title="CAP Boulanger")
        )
    window = make_window()
    follow = opened(qtbot, window)
    qtbot.waitUntil(lambda: follow.link.copied_at is not None, timeout=10_000)
    follow.panel.choose(lea.id)

    with qtbot.waitSignal(follow.link.wentAway, timeout=15_000):
        pg_cluster.stop()
    try:
        assert names(follow) == ["Léa Martin"]
        assert follow.link.away_label.isVisible()
        assert "injoignable" in follow.link.away_label.text()
        assert not follow.panel.new_button.isEnabled()
        assert not follow.new_person_action.isEnabled()
        assert "lecture seule" in follow.dock.windowTitle()
        # The search goes on.
        window.filters.metier_edit.setText("boulanger")
        window.filters.place_edit.setText("Aurillac")
        with qtbot.waitSignal(window.searchFinished, timeout=20_000) as searched:
            window.search()
        assert searched.args[0].hits
        # A note typed on the line is kept.
        model = follow.shortlist.model
        note_col = next(
            c
            for c in range(model.columnCount())
            if model.headerData(c, Qt.Orientation.Horizontal) == "Note"
        )
        assert model.setData(model.index(0, note_col), "Rappeler jeudi")
        assert model.entries()[0].note == "Rappeler jeudi"
        window.resize(1366, 768)
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SHOTS / "server_away.png"))
    finally:
        pg_cluster.start()

    with qtbot.waitSignal(follow.link.cameBack, timeout=30_000) as came:
        pass
    assert came.args[0].applied == 1
    assert not follow.link.away_label.isVisible()
    assert follow.panel.new_button.isEnabled()
    with PeopleService(shared, counsellor="Bruno") as bruno:
        assert bruno.get_entry(line.id).note == "Rappeler jeudi"


def test_a_line_a_colleague_saved_first_shows_both_versions_to_choose(
    qtbot: Any, shared: str, make_window: Any
) -> None:
    with PeopleService(shared, counsellor="Anne") as anne:
        lea = anne.create_person(first_name="Léa", last_name="Martin")
        line, _ = anne.add_to_shortlist(
            lea.id, item=Item(Kind.FORMATION, "F1", title="CAP Boulanger")
        )
    window = make_window()
    follow = opened(qtbot, window)
    follow.panel.choose(lea.id)
    model = follow.shortlist.model
    note_col = next(
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == "Note"
    )
    with PeopleService(shared, counsellor="Bruno") as bruno:
        bruno.set_note(line.id, "Rappelé par Bruno")
        assert not model.setData(model.index(0, note_col), "Dossier complet")
        dialog = follow.conflicts.dialog
        assert dialog is not None and dialog.isVisible()
        shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert "modifiée par Bruno" in shown and "(note)" in shown
        assert "Dossier complet" in shown and "Rappelé par Bruno" in shown
        dialog.resize(dialog.sizeHint())
        SHOTS.mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(SHOTS / "line_conflict.png"))
        with qtbot.waitSignal(follow.conflicts.settled, timeout=10_000):
            dialog.mine_button.click()
        assert bruno.get_entry(line.id).note == "Dossier complet"
        assert model.entries()[0].note == "Dossier complet"


def test_an_edit_typed_while_away_that_conflicts_is_asked_at_the_next_start(
    qtbot: Any, shared: str, make_window: Any
) -> None:
    from lba_desktop.people.offline import LocalCopy

    with (
        PeopleService(shared, counsellor="Anne") as anne,
        PeopleService(shared, counsellor="Bruno") as bruno,
    ):
        lea = anne.create_person(first_name="Léa")
        line, _ = anne.add_to_shortlist(lea.id, item=Item(Kind.FORMATION, "F1", title="CAP"))
        copy = LocalCopy()
        copy.refresh(anne)
        offline = copy.people_service(counsellor="Anne", where="serveur")
        offline.set_note(line.id, "Tapée hors connexion")
        offline.close()
        bruno.set_note(line.id, "Celle de Bruno")

        window = make_window()
        follow = opened(qtbot, window)
        qtbot.waitUntil(lambda: follow.conflicts.dialog is not None, timeout=15_000)
        dialog = follow.conflicts.dialog
        shown = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert "saisie hors connexion" in shown and "Celle de Bruno" in shown
        with qtbot.waitSignal(follow.conflicts.settled, timeout=10_000):
            dialog.theirs_button.click()
        assert anne.get_entry(line.id).note == "Celle de Bruno"
        assert LocalCopy(copy.path).pending() == []


def test_started_while_the_server_is_away_the_copy_is_shown_then_the_server(
    qtbot: Any, shared: str, pg_cluster: PgCluster, make_window: Any
) -> None:
    from lba_desktop.people.offline import LocalCopy

    with PeopleService(shared, counsellor="Anne") as anne:
        anne.create_person(first_name="Léa", last_name="Martin")
        copy = LocalCopy()
        copy.refresh(anne)
        copy.close()
    pg_cluster.stop()
    try:
        window = make_window()
        follow = window.followup
        qtbot.waitUntil(lambda: follow.link.away, timeout=30_000)
        assert names(follow) == ["Léa Martin"]
        assert "en lecture seule" in follow.link.away_label.text()
    finally:
        pg_cluster.start()
    with qtbot.waitSignal(follow.link.cameBack, timeout=30_000):
        pass
    assert not follow.link.away and names(follow) == ["Léa Martin"]
    with (
        PeopleService(shared, counsellor="Bruno") as bruno,
        qtbot.waitSignal(follow.link.reloaded, timeout=15_000),
    ):
        bruno.create_person(first_name="Tom")
    assert sorted(names(follow)) == ["Léa Martin", "Tom"]
