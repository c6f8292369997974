"""« Employeur handi-engagé » in the shortlist exports, kept with the shortlist line."""

from __future__ import annotations

import csv
import io
import sqlite3
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from lba_desktop import paths
from lba_desktop.exports import export_shortlist
from lba_desktop.models import HANDI_LABEL, Item, Kind
from lba_desktop.people import PeopleService

TODAY = date(2026, 11, 23)
ENGAGED = Item(
    Kind.ENTREPRISE,
    "SIRET-ENGAGED",
    "Boulangerie des Tilleuls",
    organisation="SAS Tilleuls",
    commune="Aurillac",
    lat=44.93,
    lon=2.44,
    handi_friendly=True,
)
OTHER = replace(ENGAGED, id="SIRET-OTHER", title="Fournil du Lac", handi_friendly=False)
# A training's flag is not the employer mark: not shown, as in the search.
TRAINING = Item(Kind.FORMATION, "CLE-1", "CAP Boulanger", lat=44.92, lon=2.45, handi_friendly=True)


@pytest.fixture
def person() -> tuple[PeopleService, int]:
    with PeopleService() as service:
        who = service.create_person(first_name="Léa", last_name="Martin", home_insee="15014")
        for item in (ENGAGED, OTHER, TRAINING):
            service.add_to_shortlist(who.id, item=item)
        yield service, who.id


def test_every_export_marks_the_engaged_employer_only(person, tmp_path: Path) -> None:
    service, who = person
    csv_path = export_shortlist(service, who, fmt="csv", output=tmp_path / "s.csv", today=TODAY)
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text("utf-8-sig")), delimiter=";"))
    assert [(r["Intitulé"], r[HANDI_LABEL]) for r in rows] == [
        ("Boulangerie des Tilleuls", "Oui"),
        ("Fournil du Lac", ""),
        ("CAP Boulanger", ""),
    ]
    xlsx = export_shortlist(service, who, fmt="xlsx", output=tmp_path / "s.xlsx", today=TODAY)
    sheet = load_workbook(xlsx).active
    column = [c.value for c in sheet[1]].index(HANDI_LABEL)
    assert [row[column].value for row in sheet.iter_rows(min_row=2)] == ["Oui", None, None]

    pdf = export_shortlist(service, who, fmt="pdf", output=tmp_path / "s.pdf", today=TODAY)
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert text.count(HANDI_LABEL.lower()) == 1
    html = export_shortlist(service, who, fmt="html", output=tmp_path / "s.html", today=TODAY)
    page = html.read_text("utf-8")
    assert page.count(HANDI_LABEL.lower()) == 2  # the engaged employer's popup and list line


def test_an_older_user_store_gets_the_column_unmarked(tmp_path: Path) -> None:
    with PeopleService() as service:
        who = service.create_person(first_name="Léa", last_name="Martin")
        service.add_to_shortlist(who.id, item=ENGAGED)
    # The store as version 7 wrote it: no column for the mark.
    with sqlite3.connect(paths.user_db_path()) as conn:
        conn.execute("ALTER TABLE shortlist_items DROP COLUMN handi_friendly")
        conn.execute("DROP INDEX shortlist_pairs")  # and version 9's parcours
        conn.execute("ALTER TABLE shortlist_items DROP COLUMN paired_training_entry_id")
        conn.execute("PRAGMA user_version = 7")
    with PeopleService() as service:
        (entry,) = service.shortlist(who.id)
        assert entry.title == "Boulangerie des Tilleuls" and entry.handi_friendly is False
        service.add_to_shortlist(who.id, item=replace(OTHER, id="NEW", handi_friendly=True))
        assert [e.handi_friendly for e in service.shortlist(who.id)] == [False, True]
