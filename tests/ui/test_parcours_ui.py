"""« Parcours complets » in the window: a young person's profile, « Chercher pour ce jeune »,
the pairs and the trainings within reach, and « Employeurs à portée » from a training."""

from __future__ import annotations

from typing import Any

from lba_desktop.models import Kind
from lba_desktop.people import PeopleService
from lba_desktop.people.news import News, seen_file
from lba_desktop.people.profiles import Profile, Profiles
from lba_desktop.ui.parcours_view import ItemRole
from lba_desktop.ui.results_model import ItemRole as ResultItem
from tests.ui.test_main_window import search_from_keyboard
from tests.ui.test_people_ui import SHOTS, create_person, ready


def _profile_ready(qtbot: Any, window: Any, name: str, **fields: str) -> Any:
    follow = ready(qtbot, window)
    # The first catalogue the window opens is recorded: what the next one brings is news. (The
    # pass can end before the window is shown: no signal to wait for.)
    qtbot.waitUntil(lambda: seen_file().exists() and not window.parcours._news_running)
    assert News(follow.people.store).leads() == []
    create_person(qtbot, follow, first_name=name, **fields)
    parcours = window.parcours
    assert not parcours.dock.isVisible()  # until asked for: the laptop layout stays as it was
    parcours.open_action.trigger()
    assert parcours.dock.isVisible()
    qtbot.waitUntil(lambda: parcours.profile is not None, timeout=10_000)
    return parcours


def test_profile_is_saved_fills_the_search_and_gives_pairs(qtbot: Any, window: Any) -> None:
    parcours = _profile_ready(qtbot, window, "Inès", home_insee="Aurillac")
    box = parcours.panel.profile_box
    assert box.mobility.value() == 30 and box.level.currentData() is None
    assert "Aurillac" in box.home_label.text()
    box.metier_edit.setText("boulanger")
    box._complete()
    box.metier_edit.returnPressed.emit()
    assert box.values().romes and box.values().romes[0] == "D1102"
    box.mobility.setValue(40)
    box.level.setCurrentIndex(box.level.findData(3))
    with qtbot.waitSignal(parcours.profileSaved, timeout=10_000):
        box.save_button.click()
    with PeopleService() as people:
        person = people.search_people("Inès")[0]
        saved = Profiles(people.store).get(person.id)
    assert (saved.mobility_km, saved.diploma_level) == (40, 3)
    assert "D1102" in saved.romes

    with qtbot.waitSignal(window.searchFinished, timeout=30_000) as searched:
        box.search_button.click()
    criteria = searched.args[0].criteria
    assert criteria.place.code == "15014" and criteria.radius_km == 40
    assert criteria.diploma_level == 3 and "D1102" in criteria.romes

    with qtbot.waitSignal(parcours.resultShown, timeout=30_000) as shown:
        box.pairs_button.click()
    result = shown.args[0]
    model = parcours.panel.pairs_model
    assert model.rowCount() == len(result.pairs) > 0
    first = model.index(0, 0).data(ItemRole)
    assert model.index(0, 0).data() == f"{first.travel_km:.1f} km".replace(".", ",")
    travels = [p.travel_km for p in result.pairs if not p.included]
    assert travels == sorted(travels)
    assert all(p.employer_from_home_km <= 40 for p in result.pairs)
    trainings = parcours.panel.trainings_model
    assert trainings.rowCount() == len(result.trainings)
    for row in range(trainings.rowCount()):
        reach = trainings.index(row, 0).data(ItemRole)
        text = trainings.index(row, 1).data()
        assert text == "Aucun employeur à portée" if reach.employers == 0 else text[0].isdigit()
    assert "parcours complets" in parcours.panel.summary.text()
    # The panel, once shown, does not make the window wider than it was without it.
    shown_width = window.minimumSizeHint().width()
    parcours.dock.hide()
    assert window.minimumSizeHint().width() == shown_width
    parcours.show_panel()
    window.resize(1366, 768)
    qtbot.wait(200)
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "parcours_window.png"))


def test_a_young_person_without_home_is_told_what_is_missing(qtbot: Any, window: Any) -> None:
    parcours = _profile_ready(qtbot, window, "Noé")
    box = parcours.panel.profile_box
    assert "non renseigné" in box.home_label.text()
    assert "commune de domicile" in parcours.panel.summary.text()
    box.metier_edit.setText("D1102")
    box._complete()
    box.metier_edit.returnPressed.emit()
    with qtbot.waitSignal(parcours.panel.pairs_model.modelReset, timeout=30_000):
        box.pairs_button.click()
    qtbot.waitUntil(lambda: "domicile" in parcours.panel.summary.text(), timeout=10_000)
    assert parcours.panel.pairs_model.rowCount() == 0


def test_employers_within_reach_from_a_training_in_one_click(qtbot: Any, window: Any) -> None:
    parcours = _profile_ready(qtbot, window, "Léa", home_insee="Aurillac")
    search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    model = window.table.model()
    training_row = next(
        r
        for r in range(model.rowCount())
        if model.index(r, 0).data(ResultItem).kind is Kind.FORMATION
    )
    window.table.selectRow(training_row)
    details = window.details
    assert details.employers_button.isVisibleTo(details)
    training = details.hit().item
    with qtbot.waitSignal(parcours.resultShown, timeout=30_000) as shown:
        details.employers_button.click()
    result = shown.args[0]
    assert result.chosen_training.id == training.id
    assert {p.training.id for p in result.pairs} == {training.id}
    assert all(p.employer_to_training_km <= 30 for p in result.pairs)
    assert "employeur(s) à portée" in parcours.panel.summary.text()
    assert isinstance(parcours.profile, Profile)

    # What to do is said for the pair chosen: a spontaneous application to a company, with
    # its contact; applying to an offer. A double-click shows the employer's details.
    panel = parcours.panel
    model = panel.pairs_model
    for kind, step in (
        (Kind.ENTREPRISE, "Que faire : Candidature spontanée auprès de l'entreprise — "),
        (Kind.OFFRE, "Que faire : Postuler à l'offre — "),
    ):
        row = next(r for r in range(model.rowCount()) if result.pairs[r].employer.kind is kind)
        panel.pairs.selectRow(row)
        employer = result.pairs[row].employer
        said = panel.todo.text()
        assert said.startswith(step) and (employer.organisation or employer.title) in said
        if kind is Kind.ENTREPRISE and employer.phone:
            assert employer.phone in said
        panel.pairs.doubleClicked.emit(model.index(row, 1))
        assert details.hit().item.id == employer.id
    window.resize(1366, 768)
    qtbot.wait(300)
    SHOTS.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(SHOTS / "parcours_from_training.png"))
