"""Erasing a young person: only the one named exactly, shown before, never « everyone »."""

from __future__ import annotations

import pytest

from lba_desktop.cli import main
from lba_desktop.errors import InvalidInput
from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService


@pytest.fixture
def people() -> PeopleService:
    service = PeopleService()
    anne = service.create_person(first_name="Anne-Marie", last_name="Durand")
    service.add_to_shortlist(anne.id, item=Item(Kind.FORMATION, "F1", "CAP Boulanger"))
    yield service
    service.close()


def names(service: PeopleService) -> list[str]:
    return [p.display_name for p in service.search_people()]


def test_part_of_a_name_erases_nobody(people: PeopleService, capsys) -> None:
    assert main(["shortlist", "erase", "Marie", "--oui"]) == 2
    err = capsys.readouterr().err
    assert "Aucune personne ne porte exactement ce nom" in err
    # The near match is offered by number, so the counsellor can choose knowingly.
    assert "Anne-Marie Durand" in err
    assert names(people) == ["Anne-Marie Durand"]


@pytest.mark.parametrize("text", ["%", "-", ".", "'", "  ", "_", "*", "’", "«»"])
def test_text_that_folds_to_nothing_erases_nobody(people: PeopleService, capsys, text) -> None:
    assert main(["shortlist", "erase", text, "--oui"]) == 2
    assert "ne désigne personne" in capsys.readouterr().err
    assert names(people) == ["Anne-Marie Durand"]


def test_text_that_folds_to_nothing_designates_nobody_for_an_export(people, tmp_path) -> None:
    with pytest.raises(InvalidInput, match="ne désigne personne"):
        people.find_person("%")
    assert main(["shortlist", "export", "%", "--output", str(tmp_path / "x.csv")]) == 2
    assert not (tmp_path / "x.csv").exists()


def test_the_full_name_shows_who_goes_then_erases_that_person_only(people, capsys) -> None:
    other = people.create_person(first_name="Marie", last_name="Durand")
    person = people.find_person_exactly("anne marie DURAND")  # case and hyphen aside
    assert main(["shortlist", "erase", "Anne-Marie Durand"]) == 2  # not confirmed yet
    out = capsys.readouterr()
    assert f"n° {person.id} — Anne-Marie Durand : 1 piste, 0 demande de rendez-vous" in out.out
    assert "--oui" in out.err
    assert len(names(people)) == 2

    assert main(["shortlist", "erase", "Anne-Marie Durand", "--oui"]) == 0
    assert f"Supprimée définitivement : n° {person.id} — Anne-Marie Durand" in (
        capsys.readouterr().out
    )
    assert [p.id for p in people.search_people()] == [other.id]


def test_two_people_with_the_same_name_need_the_number(people, capsys) -> None:
    twin = people.create_person(first_name="Anne-Marie", last_name="Durand")
    assert main(["shortlist", "erase", "Anne-Marie Durand", "--oui"]) == 2
    assert "Plusieurs personnes portent ce nom" in capsys.readouterr().err
    assert main(["shortlist", "erase", str(twin.id), "--oui"]) == 0
    assert names(people) == ["Anne-Marie Durand"]


def test_an_unknown_number_erases_nobody(people, capsys) -> None:
    assert main(["shortlist", "erase", "999", "--oui"]) == 2
    assert "n° 999 introuvable" in capsys.readouterr().err
    assert names(people) == ["Anne-Marie Durand"]


def test_the_window_purge_spares_someone_active_since_the_proposal(people) -> None:
    from datetime import UTC, datetime, timedelta

    from lba_desktop.ui.backend import erase_people_for_good

    old = PeopleService(clock=lambda: datetime.now(UTC) - timedelta(days=500))
    gone = old.create_person(first_name="Ancien")
    back = old.create_person(first_name="Revenu")
    old.close()
    proposal = [p.id for p in people.people_inactive_since(12)]
    assert sorted(proposal) == sorted([gone.id, back.id])
    people.touch(back.id)  # the counsellor opened their file after the banner appeared
    assert erase_people_for_good(people, proposal, 12) == [gone.id]
    assert "Revenu" in names(people)
