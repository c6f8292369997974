"""Shortlist exports read back: CSV, XLSX, PDF, HTML, and the CLI commands."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from lba_desktop.cli import main
from lba_desktop.exports import export_shortlist
from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService, ShortlistStatus

TODAY = date(2026, 11, 23)
KINDS = list(Kind)


def item(n: int) -> Item:
    return Item(
        KINDS[n % 4],
        f"ID{n}",
        f"Intitulé numéro {n} : boulanger-pâtissier",
        organisation=f"Organisme {n}",
        address=f"{n} rue de la Gare",
        commune="Aurillac" if n % 2 else "Mauriac",
        postcode="15000" if n % 2 else "15200",
        departement="15",
        lat=44.93 + n * 0.03,
        lon=2.44 - n * 0.02,
        phone="0471000000",
        email=f"contact{n}@cfa.example",
        url=f"https://example.org/piste/{n}",
        diploma_level=3,
        source="demo",
        fictitious=True,
    )


@pytest.fixture
def service() -> PeopleService:
    with PeopleService() as svc:
        yield svc


def make_person(service: PeopleService, count: int, *, name: str = "Léa") -> int:
    person = service.create_person(
        first_name=name, last_name="Martin", phone="0612345678", home_insee="15014"
    )
    for n in range(1, count + 1):
        entry, _ = service.add_to_shortlist(person.id, item=item(n))
        if n == 2:
            service.set_status(entry.id, ShortlistStatus.A_CONTACTER)
            service.set_note(entry.id, "=1+1 appeler lundi")
    return person.id


@pytest.fixture
def two_people(service: PeopleService) -> tuple[int, int]:
    lea = make_person(service, 3)
    other = service.create_person(first_name="Zoé", last_name="Discrète", email="zoe@ex.fr")
    service.add_to_shortlist(
        other.id, item=Item(Kind.OFFRE, "SECRET", "Offre réservée à Zoé", url="https://zoe.example")
    )
    return lea, other.id


def test_csv_for_french_excel(service: PeopleService, two_people, tmp_path: Path) -> None:
    lea, _ = two_people
    path = export_shortlist(service, lea, fmt="csv", output=tmp_path / "s.csv", today=TODAY)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 3
    assert rows[0]["Intitulé"] == "Intitulé numéro 1 : boulanger-pâtissier"
    assert re.fullmatch(r"\d+,\d", rows[0]["Distance du domicile (km)"])
    assert re.fullmatch(r"\d\d/\d\d/\d{4}", rows[0]["Ajouté le"])
    assert rows[1]["Statut"] == "À contacter"
    assert rows[1]["Note"] == "'=1+1 appeler lundi"  # never run as a formula
    assert rows[0]["Latitude"].startswith("44,")
    assert "Zoé" not in text and "SECRET" not in text


def test_xlsx_formatted(service: PeopleService, two_people, tmp_path: Path) -> None:
    lea, _ = two_people
    path = export_shortlist(service, lea, fmt="xlsx", output=tmp_path / "s.xlsx", today=TODAY)
    sheet = load_workbook(path).active
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["N°", "Type", "Intitulé"]
    assert sheet["A1"].font.b
    assert sheet["A1"].fill.fgColor.rgb.endswith("DDE6F4")
    assert sheet.freeze_panes == "C2"
    assert sheet.auto_filter.ref.startswith("A1:")
    link_col = headers.index("Lien") + 1
    cell = sheet.cell(row=2, column=link_col)
    assert cell.hyperlink is not None and cell.hyperlink.target == "https://example.org/piste/1"
    note = sheet.cell(row=3, column=headers.index("Note") + 1)
    assert note.value == "=1+1 appeler lundi" and note.data_type == "s"
    distance = sheet.cell(row=2, column=headers.index("Distance du domicile (km)") + 1)
    assert isinstance(distance.value, float)
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width
    values = " ".join(str(c.value) for row in sheet.iter_rows() for c in row)
    assert "Zoé" not in values and "SECRET" not in values


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_one_page_up_to_six_items(service: PeopleService, tmp_path: Path) -> None:
    lea = make_person(service, 6)
    other = service.create_person(first_name="Zoé", last_name="Discrète")
    service.add_to_shortlist(other.id, item=Item(Kind.OFFRE, "SECRET", "Offre réservée à Zoé"))
    path = export_shortlist(
        service, lea, fmt="pdf", output=tmp_path / "s.pdf", structure="CIO d'Aurillac", today=TODAY
    )
    pages, text = pdf_text(path)
    assert pages == 1
    assert "Léa Martin" in text
    assert "CIO d'Aurillac" in text
    assert "23 novembre 2026" in text
    for n in range(1, 7):
        assert f"Intitulé numéro {n}" in text
    assert "Page 1/1" in text
    assert "Zoé" not in text and "réservée" not in text


def test_pdf_paginated_beyond_six_and_marks_unavailable(
    service: PeopleService, tmp_path: Path
) -> None:
    lea = make_person(service, 9)
    service._conn.execute("UPDATE shortlist_items SET available = 0 WHERE item_id = 'ID4'")
    path = export_shortlist(service, lea, fmt="pdf", output=tmp_path / "s.pdf", today=TODAY)
    pages, text = pdf_text(path)
    assert pages == 2
    assert "Page 1/2" in text and "Page 2/2" in text
    assert "N'EST PLUS DISPONIBLE" in text
    assert "https://example.org/piste/9" in text


def test_pdf_without_any_position_or_item(service: PeopleService, tmp_path: Path) -> None:
    person = service.create_person(first_name="Noé")
    path = export_shortlist(service, person.id, fmt="pdf", output=tmp_path / "e.pdf")
    pages, text = pdf_text(path)
    assert pages == 1 and "Aucune piste" in text
    service.add_to_shortlist(person.id, item=Item(Kind.ENTREPRISE, "X", "Sans adresse"))
    pages, text = pdf_text(
        export_shortlist(service, person.id, fmt="pdf", output=tmp_path / "f.pdf")
    )
    assert "Sans adresse" in text


def test_html_self_contained(service: PeopleService, two_people, tmp_path: Path) -> None:
    lea, _ = two_people
    path = export_shortlist(service, lea, fmt="html", output=tmp_path / "s.html", today=TODAY)
    page = path.read_text(encoding="utf-8")
    for n in range(1, 4):
        assert f"Intitulé numéro {n}" in page
    assert "Léa Martin" in page
    assert "L.map(" in page  # Leaflet is inside the page …
    assert "Leaflet 1.9" in page
    # … and nothing is fetched from elsewhere: no external script or stylesheet.
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", page)
    assert "cdn" not in " ".join(re.findall(r"<(?:script|link)[^>]*>", page)).lower()
    assert 'class=\\"pin\\"' in page and "★" in page  # numbered DivIcons, home star
    assert "Zoé" not in page and "SECRET" not in page


def test_cli_list_and_export(service: PeopleService, two_people, tmp_path: Path, capsys) -> None:
    _, zoe = two_people
    assert main(["shortlist", "list"]) == 0
    out = capsys.readouterr().out
    assert "Léa Martin" in out and "Zoé Discrète" in out
    for fmt in ("pdf", "csv", "xlsx", "html"):
        target = tmp_path / f"out.{fmt}"
        assert main(["shortlist", "export", "Léa", "--format", fmt, "--output", str(target)]) == 0
        assert target.stat().st_size > 0
    assert main(["shortlist", "export", str(zoe), "--output", str(tmp_path / "z.csv")]) == 0
    assert "SECRET" in (tmp_path / "z.csv").read_text(encoding="utf-8-sig")
    capsys.readouterr()


def test_cli_bad_person(two_people, tmp_path: Path, capsys) -> None:
    assert main(["shortlist", "export", "Inconnu", "--format", "pdf", "--output",
                 str(tmp_path / "x.pdf")]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "Aucune personne" in err
    assert main(["shortlist", "export", "999", "--format", "pdf", "--output",
                 str(tmp_path / "x.pdf")]) == 2  # fmt: skip
    assert "introuvable" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
    assert main(["shortlist", "export", "1", "--format", "doc", "--output", "x.doc"]) == 2
    assert "choix invalide" in capsys.readouterr().err


def test_cli_ambiguous_person(service: PeopleService, tmp_path: Path, capsys) -> None:
    service.create_person(first_name="Lucas", last_name="Petit")
    service.create_person(first_name="Lucas", last_name="Grand")
    assert main(["shortlist", "export", "Lucas", "--output", str(tmp_path / "x.pdf")]) == 2
    assert "Plusieurs personnes" in capsys.readouterr().err


def test_the_hand_out_names_the_structure_from_the_settings(two_people, service) -> None:
    from lba_desktop.exports import build_handout
    from lba_desktop.settings import Settings, save_settings

    lea, _ = two_people
    assert build_handout(service, lea).structure == "Mission Locale"
    save_settings(Settings(structure_name="Mission Locale du Cantal"))
    assert build_handout(service, lea).structure == "Mission Locale du Cantal"
    assert build_handout(service, lea, structure="CIO d'Aurillac").structure == "CIO d'Aurillac"
