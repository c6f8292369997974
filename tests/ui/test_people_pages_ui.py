"""A structure's long list of young people comes a page at a time: the first screenful at
once, the rest as the counsellor scrolls, and choosing someone far down still finds them.
Real PostgreSQL, as a structure runs it."""

from __future__ import annotations

from typing import Any

from lba_desktop.people import PeopleService
from lba_desktop.people.records import PEOPLE_PAGE
from tests.ui.test_shared_followup_ui import opened, shared  # noqa: F401 (fixture)
from tests.unit.test_people_pages import fill

COUNT = 2 * PEOPLE_PAGE + 50


def test_the_list_reads_a_page_then_more_as_it_scrolls(
    qtbot: Any,
    shared: str,  # noqa: F811
    make_window: Any,
) -> None:
    with PeopleService(shared, counsellor="Anne") as anne:
        fill(anne, COUNT)
        oldest = anne.search_people()[-1]
    window = make_window()
    window.resize(1366, 768)
    follow = opened(qtbot, window)
    panel = follow.panel
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0, timeout=10_000)
    assert panel.model.rowCount() == PEOPLE_PAGE
    assert panel.model.person(0).first_name == f"Jeune{COUNT - 1}"  # most recent first

    panel.table.show()
    panel.table.scrollToBottom()  # the view asks for the next page at its end
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2 * PEOPLE_PAGE, timeout=5_000)

    assert panel.choose(oldest.id)  # far down: the pages up to them are read
    assert panel.model.rowCount() == COUNT and panel.current().id == oldest.id
    assert not panel.model.canFetchMore()
    ids = [panel.model.person(r).id for r in range(COUNT)]
    assert len(set(ids)) == COUNT

    # A colleague's change read again keeps the whole list the counsellor scrolled through.
    with (
        PeopleService(shared, counsellor="Bruno") as bruno,
        qtbot.waitSignal(follow.link.reloaded, timeout=10_000),
    ):
        bruno.update_person(oldest.id, notes="Vu ce matin")
    assert panel.model.rowCount() == COUNT
    assert panel.model.person(0).id == oldest.id and panel.current().id == oldest.id

    panel.search_edit.setText("jeune1")  # a search reads its own first page
    qtbot.waitUntil(lambda: panel.model.rowCount() < COUNT, timeout=5_000)
    assert all("jeune1" in panel.model.person(r).first_name.lower() for r in range(3))
