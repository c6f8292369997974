"""Every output survives every string: controls in XLSX, megabyte fields in the PDF, escape
sequences from the upstream on the terminal."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from lba_desktop.cli import main
from lba_desktop.data.catalogue import CatalogueWriter
from lba_desktop.exports import export_shortlist
from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService
from tests.hostile import ANSI, CONTROL, MEGABYTE

TODAY = date(2026, 11, 23)


def person_with(item: Item, note: str = "") -> tuple[PeopleService, int]:
    people = PeopleService()
    person = people.create_person(first_name="Léa", home_insee="15014")
    entry, _ = people.add_to_shortlist(person.id, item=item)
    if note:
        people.set_note(entry.id, note)
    return people, person.id


def test_a_control_character_in_a_name_no_longer_breaks_the_xlsx(tmp_path: Path) -> None:
    people, person_id = person_with(
        Item(Kind.OFFRE, "O1", f"Vendeur {CONTROL}", organisation=CONTROL, url="https://x.fr")
    )
    path = export_shortlist(people, person_id, fmt="xlsx", output=tmp_path / "s.xlsx")
    sheet = load_workbook(path).active
    titles = [c.value for c in sheet["C"]]
    assert titles[1] == "Vendeur nomavecdescontroles\x7f"  # what XML cannot hold is dropped
    people.close()


def test_megabyte_fields_make_a_readable_pdf_and_stay_whole_in_the_data(tmp_path: Path) -> None:
    people, person_id = person_with(
        Item(
            Kind.FORMATION,
            "F1",
            MEGABYTE,
            organisation=MEGABYTE,
            address=MEGABYTE,
            url="https://exemple.fr/" + "a" * 1_000_000,
            lat=44.93,
            lon=2.44,
        ),
        note="n" * 5000,
    )
    started = time.perf_counter()
    path = export_shortlist(people, person_id, fmt="pdf", output=tmp_path / "s.pdf", today=TODAY)
    elapsed = time.perf_counter() - started
    pages = PdfReader(path).pages
    assert len(pages) == 1  # cut for display: one sheet, not hundreds
    assert "…" in pages[0].extract_text()
    assert people.shortlist(person_id)[0].title == MEGABYTE  # the data keeps it all
    print(f"PDF hand-out with 1 MB fields: {elapsed:.2f} s")  # budget 3 s, see bench/
    people.close()


def test_escape_sequences_from_the_upstream_never_reach_the_terminal(
    isolated_home: Path, capsys
) -> None:
    writer = CatalogueWriter(isolated_home / "catalogue.sqlite")
    writer.add_items(
        [
            Item(
                Kind.FORMATION,
                f"A{n}",
                f"Boulanger {ANSI}",
                organisation=ANSI,
                commune=ANSI,
                insee="15014",
                departement="15",
                lat=44.93,
                lon=2.44,
                romes=("D1102",),
            )
            for n in range(3)
        ]
    )
    writer.set_meta({"origin": "sync", "label_fr": f"Données {ANSI}", "built_at": "2026-11-23"})
    writer.finish()
    for argv in (
        ["search", "--metier", "D1102", "--lieu", "Aurillac"],
        ["search", "--metier", "D1102", "--lieu", "Aurillac", "--json"],
        ["info"],
    ):
        assert main(argv) == 0
        out = capsys.readouterr().out
        assert "Boulanger" in out or "Données" in out
        assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out, argv


def test_template_text_in_the_data_is_shown_never_evaluated(tmp_path: Path) -> None:
    # branca renders page fragments as Jinja templates: « {{ 7*7 }} » came out as « 49 ».
    people, person_id = person_with(
        Item(Kind.FORMATION, "F1", "{{ 7*7 }} {% if 1 %}oui{% endif %}", lat=44.9, lon=2.4)
    )
    path = export_shortlist(people, person_id, fmt="html", output=tmp_path / "s.html")
    page = path.read_text(encoding="utf-8")
    assert "&#123;&#123; 7*7 &#125;&#125;" in page and ">49<" not in page
    people.close()


def test_a_position_out_of_range_is_left_off_the_maps(tmp_path: Path) -> None:
    people, person_id = person_with(Item(Kind.FORMATION, "F1", "CAP", lat=91.0, lon=0.0))
    for fmt in ("pdf", "html"):
        output = export_shortlist(people, person_id, fmt=fmt, output=tmp_path / f"s.{fmt}")
        assert output.stat().st_size > 0
    people.close()
