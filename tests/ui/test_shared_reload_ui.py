"""A colleague's change heard while the structure's server is slow to answer: the lists are
read in a worker thread, the window keeps answering, then shows the change (real PostgreSQL,
its people table held locked by another session)."""

from __future__ import annotations

from typing import Any

import psycopg
from PySide6.QtCore import QTimer

from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService
from tests.ui.test_shared_followup_ui import names, opened, shared  # noqa: F401 (fixture)


def app_waits_on_the_lock(url: str) -> bool:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'lba-desktop' "
            "AND wait_event_type = 'Lock'"
        ).fetchone()
    return bool(rows and rows[0])


def test_the_window_answers_while_the_server_is_slow_after_a_change(
    qtbot: Any,
    shared: str,  # noqa: F811
    make_window: Any,
) -> None:
    follow = opened(qtbot, make_window())
    with PeopleService(shared, counsellor="Bruno") as bruno:
        with qtbot.waitSignal(follow.link.reloaded, timeout=10_000):
            lea = bruno.create_person(first_name="Léa", last_name="Martin")
        assert follow.panel.choose(lea.id)
        with psycopg.connect(shared) as blocker:
            # Released by the server itself if the test fails halfway.
            blocker.execute("SET idle_in_transaction_session_timeout = '40s'")
            bruno.add_to_shortlist(lea.id, item=Item(Kind.FORMATION, "F1", title="CAP Cuisine"))
            bruno.create_person(first_name="Tom", last_name="Durand")
            # Before the window hears the changes: its next read of the people waits.
            blocker.execute("LOCK TABLE people IN ACCESS EXCLUSIVE MODE")
            # A window reading on its own thread would stop here until the lock goes.
            qtbot.waitUntil(lambda: app_waits_on_the_lock(shared), timeout=20_000)
            ticked: list[bool] = []
            QTimer.singleShot(0, lambda: ticked.append(True))
            qtbot.waitUntil(lambda: bool(ticked), timeout=5_000)
            follow.panel.search_edit.setFocus()
            assert names(follow) == ["Léa Martin"]  # the last list, until the server answers
            assert list(follow.shortlist.model.entries()) == []
            with qtbot.waitSignal(follow.link.reloaded, timeout=20_000):
                blocker.rollback()
    assert names(follow) == ["Tom Durand", "Léa Martin"]
    assert follow.person is not None and follow.person.id == lea.id  # still chosen
    assert [e.title for e in follow.shortlist.model.entries()] == ["CAP Cuisine"]
