"""A « parcours » (training + employer) saved as one shortlist entry, on both stores, and
shown as a pair by every export."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from lba_desktop import paths
from lba_desktop.data import user_schema
from lba_desktop.errors import InvalidInput
from lba_desktop.exports import export_shortlist
from lba_desktop.exports.common import PAIR_DISTANCE_HEADER, PARCOURS_HEADER
from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService, ShortlistStatus

pytestmark = pytest.mark.usefixtures("user_backend")

TODAY = date(2026, 12, 3)
TRAINING = Item(
    Kind.FORMATION,
    "CLE-BOUL",
    "CAP Boulanger",
    organisation="CFA du Cantal",
    address="12 rue des Écoles",
    commune="Aurillac",
    postcode="15000",
    lat=44.926,
    lon=2.440,
)
BAKERY = Item(
    Kind.ENTREPRISE,
    "SIRET-FOURNIL",
    "Fournil du Lac",
    organisation="SARL Fournil",
    address="3 place du Lac",
    commune="Arpajon-sur-Cère",
    postcode="15130",
    lat=44.904,
    lon=2.457,
)
OFFER = Item(
    Kind.OFFRE, "OFFRE-9", "Apprenti boulanger", organisation="Maison Pain", lat=45.0, lon=2.5
)
ALONE = Item(
    Kind.FORMATION, "CLE-PAT", "CAP Pâtissier", organisation="CFA du Cantal", lat=44.93, lon=2.44
)


@pytest.fixture
def people() -> PeopleService:
    with PeopleService() as service:
        yield service


def _person(people: PeopleService) -> int:
    return people.create_person(first_name="Léa", last_name="Martin", home_insee="15014").id


def test_a_pair_is_one_line_with_a_status_for_each_side(people: PeopleService) -> None:
    who = _person(people)
    people.add_to_shortlist(who, item=ALONE)
    line, created = people.add_pair_to_shortlist(who, training=TRAINING, employer=BAKERY)
    assert created and line.is_pair
    assert (line.entry.title, line.employer.title) == ("CAP Boulanger", "Fournil du Lac")
    assert 1.0 < line.employer_to_training_km < 4.0
    assert line.travel_km == pytest.approx(line.entry.distance_km + line.employer.distance_km)
    people.set_status(line.employer.id, ShortlistStatus.CANDIDATURE_ENVOYEE)
    lines = people.shortlist_lines(who)
    assert [(x.entry.title, x.employer and x.employer.title) for x in lines] == [
        ("CAP Pâtissier", None),
        ("CAP Boulanger", "Fournil du Lac"),
    ]
    pair = lines[1]
    assert pair.entry.status is ShortlistStatus.A_ETUDIER
    assert pair.employer.status is ShortlistStatus.CANDIDATURE_ENVOYEE
    # Saving it again changes nothing; the same employer with another training is refused.
    again, created = people.add_pair_to_shortlist(who, training=TRAINING, employer=BAKERY)
    assert not created and again.employer.status is ShortlistStatus.CANDIDATURE_ENVOYEE
    before = people.shortlist(who)
    with pytest.raises(InvalidInput, match="déjà dans un parcours avec « CAP Boulanger »"):
        people.add_pair_to_shortlist(who, training=ALONE, employer=BAKERY)
    with pytest.raises(InvalidInput, match="associe une formation"):
        people.add_pair_to_shortlist(who, training=OFFER, employer=BAKERY)
    assert people.shortlist(who) == before


def test_a_pair_is_written_whole_or_not_at_all(
    people: PeopleService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure after both sides are written (here the last write of the three) leaves
    neither line behind, nor their « ajout à la sélection » in the journal."""
    who = _person(people)
    people.add_to_shortlist(who, item=ALONE)
    journal_before = len(people.journal(who))

    def lost(*_: object) -> None:
        raise InvalidInput("Le serveur ne répond plus.")

    monkeypatch.setattr(people, "_touch", lost)
    with pytest.raises(InvalidInput, match="ne répond plus"):
        people.add_pair_to_shortlist(who, training=TRAINING, employer=BAKERY)
    assert [e.title for e in people.shortlist(who)] == ["CAP Pâtissier"]
    assert len(people.journal(who)) == journal_before
    monkeypatch.undo()
    _, created = people.add_pair_to_shortlist(who, training=TRAINING, employer=BAKERY)
    assert created and [x.is_pair for x in people.shortlist_lines(who)] == [False, True]
    assert [e.position for e in people.shortlist(who)] == [0, 1, 2]


def test_a_training_with_two_employers_gives_two_parcours(people: PeopleService) -> None:
    who = _person(people)
    people.add_pair_to_shortlist(who, training=TRAINING, employer=BAKERY)
    people.add_pair_to_shortlist(who, training=TRAINING, employer=OFFER)
    lines = people.shortlist_lines(who)
    assert [x.employer.title for x in lines] == ["Fournil du Lac", "Apprenti boulanger"]
    assert len(people.shortlist(who)) == 3  # the training's line is shared
    people.remove_line(lines[0])
    (left,) = people.shortlist_lines(who)
    assert (left.entry.title, left.employer.title) == ("CAP Boulanger", "Apprenti boulanger")
    people.remove_line(left)
    assert people.shortlist(who) == []


def test_removing_the_training_keeps_the_employer_as_its_own_line(people: PeopleService) -> None:
    who = _person(people)
    line, _ = people.add_pair_to_shortlist(who, training=TRAINING, employer=BAKERY)
    people.remove_from_shortlist(line.entry.id)
    (alone,) = people.shortlist_lines(who)
    assert alone.entry.title == "Fournil du Lac" and not alone.is_pair
    assert alone.entry.paired_training_entry_id is None


def test_erasure_and_right_of_access_include_the_pair(people: PeopleService) -> None:
    who = _person(people)
    other = people.create_person(first_name="Tom").id
    people.add_pair_to_shortlist(who, training=TRAINING, employer=BAKERY)
    people.add_pair_to_shortlist(other, training=TRAINING, employer=OFFER)
    data = people.export_person_data(who)
    rows = {r["item_id"]: r for r in data["shortlist_items"]}
    assert rows["SIRET-FOURNIL"]["paired_training_entry_id"] == rows["CLE-BOUL"]["id"]
    assert "OFFRE-9" not in rows
    json.dumps(data, default=str)  # the access export writes it as JSON
    deleted = people.erase_person(who)
    assert deleted["shortlist_items"] == 2
    (kept,) = people.shortlist_lines(other)
    assert kept.employer.title == "Apprenti boulanger"


def test_every_export_shows_the_pair_as_a_pair(people: PeopleService, tmp_path: Path) -> None:
    who = _person(people)
    people.add_to_shortlist(who, item=ALONE)
    people.add_to_shortlist(who, item=OFFER)  # alone first, then paired: numbered together
    people.add_pair_to_shortlist(who, training=TRAINING, employer=BAKERY)
    out = export_shortlist(people, who, fmt="csv", output=tmp_path / "s.csv", today=TODAY)
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig")), delimiter=";"))
    assert [(r["N°"], r["Intitulé"], r[PARCOURS_HEADER]) for r in rows] == [
        ("1", "CAP Pâtissier", ""),
        ("2", "Apprenti boulanger", ""),
        ("3", "CAP Boulanger", "formation de n° 4"),
        ("4", "Fournil du Lac", "employeur de n° 3"),
    ]
    assert rows[2][PAIR_DISTANCE_HEADER] == rows[3][PAIR_DISTANCE_HEADER] != ""
    assert rows[3]["Adresse"] == "3 place du Lac" and rows[2]["Adresse"] == "12 rue des Écoles"

    xlsx = export_shortlist(people, who, fmt="xlsx", output=tmp_path / "s.xlsx", today=TODAY)
    sheet = load_workbook(xlsx).active
    header = [c.value for c in sheet[1]]
    cells = [
        (row[header.index(PARCOURS_HEADER)].value, row[header.index(PAIR_DISTANCE_HEADER)].value)
        for row in sheet.iter_rows(min_row=2)
    ]
    assert [c[0] for c in cells] == [None, None, "formation de n° 4", "employeur de n° 3"]
    assert isinstance(cells[3][1], float)

    pdf = export_shortlist(people, who, fmt="pdf", output=tmp_path / "s.pdf", today=TODAY)
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    text = " ".join(text.split())
    assert "Parcours avec n° 4 « Fournil du Lac »" in text
    assert "Parcours avec n° 3 « CAP Boulanger »" in text
    assert "du lieu de formation" in text and "trajets depuis le domicile" in text
    assert "3 place du Lac" in text and "12 rue des Écoles" in text
    # Said under the title and in the map's legend, where the dashed line is explained.
    assert "4 pistes dont 1 parcours (formation + employeur)" in text
    assert text.count("parcours (formation + employeur)") == 2

    html = export_shortlist(people, who, fmt="html", output=tmp_path / "s.html", today=TODAY)
    page = html.read_text("utf-8")
    assert page.count("Parcours avec n° 4") == 2  # popup and list
    assert "Parcours : CAP Boulanger + Fournil du Lac" in page  # the dashed line's tooltip
    assert page.count("L.polyline") == 1
    assert "4 pistes dont 1 parcours (formation + employeur)" in page
    assert '<span class="dash"></span> parcours (formation + employeur)' in page  # legend
    # The map under the heading, before the list (as on the PDF), not after it.
    body = page[page.index("<body>") :]
    assert body.index("<h1>") < body.index('class="folium-map"') < body.index('id="piste-1"')


def test_the_html_map_shows_two_pins_of_one_address_side_by_side(
    people: PeopleService, tmp_path: Path
) -> None:
    """A CFA's two trainings at one address: both numbers readable, at any zoom."""
    who = _person(people)
    twin = Item(Kind.FORMATION, "CLE-BP", "BP Boulanger", organisation="CFA du Cantal",
                lat=TRAINING.lat, lon=TRAINING.lon)  # fmt: skip
    people.add_pair_to_shortlist(who, training=TRAINING, employer=BAKERY)
    people.add_to_shortlist(who, item=twin)
    html = export_shortlist(people, who, fmt="html", output=tmp_path / "s.html", today=TODAY)
    anchors = re.findall(r'"iconAnchor": \[(-?\d+), 12\]', html.read_text("utf-8"))
    # The twins a pin's width (24 px) apart and more, either side of their address; the
    # employer, 2.8 km away, where it is.
    assert sorted(int(a) for a in anchors) == [12 - 13, 12, 12 + 13]


def test_a_version_8_file_is_upgraded_with_its_lines_alone(tmp_path: Path) -> None:
    with PeopleService(paths.user_db_path()) as people:
        who = _person(people)
        people.add_to_shortlist(who, item=TRAINING)
    with sqlite3.connect(paths.user_db_path()) as conn:
        conn.execute("DROP INDEX shortlist_pairs")
        conn.execute("ALTER TABLE shortlist_items DROP COLUMN paired_training_entry_id")
        conn.execute("PRAGMA user_version = 8")
    with PeopleService(paths.user_db_path()) as people:
        (line,) = people.shortlist_lines(who)
        assert line.entry.title == "CAP Boulanger" and not line.is_pair
        people.add_pair_to_shortlist(who, training=TRAINING, employer=BAKERY)
        (line,) = people.shortlist_lines(who)
        assert line.is_pair
    with sqlite3.connect(paths.user_db_path()) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == user_schema.SCHEMA_VERSION


def test_a_counsellors_file_moved_in_keeps_its_pairs(people: PeopleService, tmp_path: Path) -> None:
    source = tmp_path / "collegue.sqlite"
    with PeopleService(source) as theirs:
        who = _person(theirs)
        theirs.add_to_shortlist(who, item=BAKERY)  # the employer's line comes first
        theirs.add_pair_to_shortlist(who, training=TRAINING, employer=BAKERY)
    people.create_person(first_name="Déjà là")  # so the numbers change on the way
    people.import_user_file(source)
    (lea,) = [p for p in people.search_people() if p.first_name == "Léa"]
    (line,) = people.shortlist_lines(lea.id)
    assert (line.entry.title, line.employer.title) == ("CAP Boulanger", "Fournil du Lac")


def test_the_html_map_is_written_with_a_point_at_the_pole(
    people: PeopleService, tmp_path: Path
) -> None:
    """An upstream point at 90° N (a data error) beside a real one: the page is written."""
    who = _person(people)
    people.add_to_shortlist(who, item=Item(Kind.ENTREPRISE, "POLE", "Au pôle", lat=90.0, lon=0.0))
    people.add_to_shortlist(who, item=TRAINING)
    html = export_shortlist(people, who, fmt="html", output=tmp_path / "s.html", today=TODAY)
    assert "Au pôle" in html.read_text("utf-8")
