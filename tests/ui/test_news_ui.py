"""« Nouvelles pistes pour mes jeunes »: the leads a new catalogue brought, per young person,
ticked and added to their shortlists, or marked as seen."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from lba_desktop.people import PeopleService
from lba_desktop.people.news import NewLead, News
from tests.ui.test_main_window import search_from_keyboard
from tests.ui.test_people_ui import SHOTS, create_person, ready


def _lead(person_id: int, hit: Any) -> NewLead:
    item = hit.item
    return NewLead(
        person_id=person_id,
        kind=item.kind,
        item_id=item.id,
        title=item.title,
        organisation=item.organisation,
        commune=item.commune,
        distance_km=hit.distance_km,
        found_at="2026-12-03T14:00:00+00:00",
    )


def test_new_leads_are_reviewed_and_added_in_a_few_clicks(qtbot: Any, window: Any) -> None:
    follow = ready(qtbot, window)
    ines = create_person(qtbot, follow, first_name="Inès", home_insee="Aurillac")
    tom = create_person(qtbot, follow, first_name="Tom", home_insee="Aurillac")
    result = search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    hits = result.hits[:4]
    gone = _lead(tom.id, hits[3])
    gone = NewLead(**{**{f: getattr(gone, f) for f in gone.__slots__}, "item_id": "PARTI-0"})
    with PeopleService() as people:
        # What the pass after a sync writes (`News.refresh` → `_write`).
        News(people.store)._write(
            [_lead(ines.id, hits[0]), _lead(ines.id, hits[1]), _lead(tom.id, hits[2]), gone]
        )
    parcours = window.parcours
    assert parcours.news_action.isEnabled()
    assert parcours.news_action in follow.menu.actions()
    parcours.news_action.trigger()
    dialog = parcours.news_dialog
    model = dialog.model
    assert model.rowCount() == 4
    assert "4 nouvelle(s) piste(s) pour 2 jeune(s)" in dialog.summary.text()
    assert [model.index(r, 0).data() for r in range(4)] == ["Inès", "Inès", "Tom", "Tom"]
    assert not dialog.add_button.isEnabled()  # nothing is added without a tick
    window.resize(1366, 768)
    dialog.show()
    qtbot.wait(100)
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "news_dialog.png"))

    # Inès's first lead and Tom's vanished one are ticked and added.
    for row in (0, 3):
        model.setData(
            model.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
        )
    assert dialog.add_button.isEnabled()
    with qtbot.waitSignal(dialog.changed, timeout=5_000):
        dialog.add_button.click()
    assert "1 piste(s) ajoutée(s)" in dialog.summary.text()
    assert "plus dans le catalogue" in dialog.summary.text()
    assert model.rowCount() == 2
    with PeopleService() as people:
        (entry,) = people.shortlist(ines.id)
        assert (entry.kind, entry.item_id) == (hits[0].item.kind, hits[0].item.id)
        assert people.shortlist(tom.id) == []

    # The rest marked as seen: they leave the list, nothing added.
    dialog.all_button.click()
    assert dialog.all_button.text() == "Tout décocher"
    dialog.seen_button.click()
    assert model.rowCount() == 0
    assert "Aucune nouvelle piste" in dialog.summary.text()
    with PeopleService() as people:
        assert len(people.shortlist(ines.id)) == 1
        assert News(people.store).leads() == []
