"""InserJeunes rates in a shortlist's exports (CSV, XLSX, PDF hand-out): each figure with its
cohort, the reason when there is none, nothing for what is not a training."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from lba_desktop.data.catalogue import CatalogueStore
from lba_desktop.exports import export_shortlist
from lba_desktop.exports.common import INSERTION_HEADER
from lba_desktop.insertion import employment_6, export_text, insertion_lines
from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService

TODAY = date(2026, 12, 3)


def _demo_trainings(path: Path) -> tuple[Item, Item]:
    """A demo training with a rate of its own, and one above BTS."""
    store = CatalogueStore(path)
    rated = above = None
    try:
        for item in store.iter_items():
            if item.kind is not Kind.FORMATION:
                continue
            status = item.details.get("insertion", {}).get("status")
            if rated is None and employment_6(item)[0] is not None:
                rated = item
            if above is None and status == "above_bts":
                above = item
            if rated and above:
                return rated, above
    finally:
        store.close()
    raise AssertionError("the demo catalogue has both kinds of trainings")


@pytest.fixture
def shortlist(demo_home: Path) -> tuple[PeopleService, int, Item, Item]:
    rated, above = _demo_trainings(demo_home / "catalogue.sqlite")
    service = PeopleService()
    person = service.create_person(first_name="Léa", last_name="Martin", home_insee="15014")
    for item in (rated, above, Item(Kind.OFFRE, "O1", "Offre", departement="15")):
        service.add_to_shortlist(person.id, item=item)
    return service, person.id, rated, above


def test_csv_and_xlsx_carry_the_rates_with_their_cohort(
    shortlist: tuple[PeopleService, int, Item, Item], tmp_path: Path
) -> None:
    service, person, rated, _above = shortlist
    path = export_shortlist(service, person, fmt="csv", output=tmp_path / "s.csv", today=TODAY)
    rows = list(csv.DictReader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))
    cells = [row[INSERTION_HEADER] for row in rows]
    rate, _ = employment_6(rated)
    assert cells[0] == export_text(rated)
    assert (
        f"Ce CFA (sortants 2023 et 2024 (cumul 2023-2024)) : En emploi 6 mois après {rate:.0f} %"
        in cells[0]
    )
    assert "France (sortants 2023 et 2024" in cells[0]
    assert "du CAP au BTS" in cells[1]
    assert cells[2] == ""
    xlsx = export_shortlist(service, person, fmt="xlsx", output=tmp_path / "s.xlsx", today=TODAY)
    sheet = load_workbook(xlsx).active
    header = [c.value for c in next(sheet.iter_rows(min_row=1, max_row=1))]
    column = header.index(INSERTION_HEADER)
    values = [row[column] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert values[0] == cells[0] and values[1] == cells[1]


def test_the_pdf_handout_shows_the_rates_beside_region_and_france(
    shortlist: tuple[PeopleService, int, Item, Item], tmp_path: Path
) -> None:
    service, person, rated, _above = shortlist
    path = export_shortlist(service, person, fmt="pdf", output=tmp_path / "s.pdf", today=TODAY)
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    flat = " ".join(text.split())
    lines = insertion_lines(rated)
    assert lines[0].startswith("InserJeunes — Ce CFA (sortants 2023 et 2024")
    assert "InserJeunes" in flat and "sortants 2023 et 2024" in flat
    assert "France (sortants 2023 et 2024" in flat
    assert "du CAP au BTS" in flat
    assert "Chiffres fictifs de démonstration" in flat
