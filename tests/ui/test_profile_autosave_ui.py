"""A profile typed and not saved is said so, and saved by itself when another young person is
chosen or the window closes: nothing typed is lost."""

from __future__ import annotations

from typing import Any

from lba_desktop.people import PeopleService
from lba_desktop.people.profiles import Profiles
from tests.ui.test_parcours_ui import _profile_ready
from tests.ui.test_people_ui import SHOTS, create_person


def _stored(person_id: int) -> Any:
    with PeopleService() as people:
        return Profiles(people.store).get(person_id)


def test_an_unsaved_profile_is_flagged_and_saved_on_leaving(qtbot: Any, window: Any) -> None:
    parcours = _profile_ready(qtbot, window, "Tom", home_insee="Aurillac")
    tom = parcours.person
    ines = create_person(qtbot, window.followup, first_name="Inès", home_insee="Aurillac")
    qtbot.waitUntil(lambda: parcours.profile is not None and parcours.profile.person_id == ines.id)
    box = parcours.panel.profile_box
    assert not box.unsaved.isVisible()
    box.mobility.setValue(45)
    assert box.unsaved.isVisible() and box.save_button.text().endswith("*")
    box.metier_edit.setText("boulanger")  # typed, not added: still counts as typed
    box._complete()
    assert _stored(ines.id).mobility_km == 30  # nothing written yet
    # A late second read of her profile (asked when her record came back during the first,
    # on a loaded machine) does not undo what is typed.
    parcours._on_profile(_stored(ines.id))
    assert box.mobility.value() == 45 and box.unsaved.isVisible()
    window.resize(1366, 768)
    qtbot.wait(100)
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "profile_unsaved.png"))

    # Another young person chosen: Inès's profile is written first, the typed métier too.
    assert window.followup.panel.choose(tom.id)
    qtbot.waitUntil(lambda: parcours.person is not None and parcours.person.id == tom.id)
    saved = _stored(ines.id)
    assert saved.mobility_km == 45 and "D1102" in saved.romes
    assert "Profil de Inès enregistré automatiquement" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: parcours.profile is not None and parcours.profile.person_id == tom.id)
    assert box.mobility.value() == 30 and not box.unsaved.isVisible()

    # Saved by hand: no longer flagged.
    box.mobility.setValue(20)
    with qtbot.waitSignal(parcours.profileSaved, timeout=10_000):
        box.save_button.click()
    assert not box.unsaved.isVisible() and _stored(tom.id).mobility_km == 20

    # Typed, then the window closes: written before the store is closed.
    box.level.setCurrentIndex(box.level.findData(4))
    assert box.unsaved.isVisible()
    window.close()
    assert _stored(tom.id).diploma_level == 4
