"""One link policy everywhere a link is shown, opened, exported or encoded in a QR code."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from lba_desktop.exports import export_shortlist, pdf_export
from lba_desktop.links import mailto_link, safe_link, tel_link, web_link
from lba_desktop.models import Item, Kind
from lba_desktop.people import PeopleService
from tests.hostile import BAD_LINKS, GOOD_LINKS

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("text", BAD_LINKS)
def test_hostile_links_are_never_links(text: str) -> None:
    assert safe_link(text) is None
    assert web_link(text) is None


@pytest.mark.parametrize("text", GOOD_LINKS)
def test_ordinary_links_stay_links(text: str) -> None:
    assert safe_link(text) == text


def test_web_links_are_http_only_and_addresses_plain() -> None:
    assert web_link("mailto:contact@cfa.fr") is None
    assert web_link("HTTPS://www.cfa.fr/x") == "https://www.cfa.fr/x"  # scheme normalised
    assert mailto_link("contact@cfa.fr") == "mailto:contact@cfa.fr"
    for address in ("a@b.fr\nBcc: tous@x.fr", "a@b.fr,b@c.fr", "a@b.fr?attach=/etc/passwd", ""):
        assert mailto_link(address) is None
    assert tel_link("04 71 00 00 00") == "tel:0471000000"
    assert tel_link("javascript:alert(1)") is None


@pytest.fixture
def hostile_person() -> tuple[PeopleService, int]:
    service = PeopleService()
    person = service.create_person(first_name="Léa", home_insee="15014")
    for n, url in enumerate((*BAD_LINKS, *GOOD_LINKS)):
        email = "contact@cfa.fr" if n % 2 else "x@y.fr\r\nBcc: tous@x.fr"
        service.add_to_shortlist(
            person.id,
            item=Item(Kind.FORMATION, f"F{n}", f"Piste {n}", url=url, email=email, phone="0471"),
        )
    yield service, person.id
    service.close()


def test_xlsx_links_only_for_http_and_plain_addresses(hostile_person, tmp_path: Path) -> None:
    service, person_id = hostile_person
    path = export_shortlist(service, person_id, fmt="xlsx", output=tmp_path / "s.xlsx", today=TODAY)
    sheet = load_workbook(path).active
    links = [c.hyperlink.target for row in sheet.iter_rows() for c in row if c.hyperlink]
    assert sorted(set(links)) == sorted(
        {*(web_link(u) for u in GOOD_LINKS if web_link(u)), "mailto:contact@cfa.fr"}
    )
    # A refused link is still there, as text the counsellor can read.
    texts = {c.value for row in sheet.iter_rows() for c in row}
    assert "file:///etc/passwd" in texts and "\\\\host\\share\\payload.exe" in texts


def test_html_export_has_anchors_for_allowed_links_only(hostile_person, tmp_path) -> None:
    service, person_id = hostile_person
    path = export_shortlist(service, person_id, fmt="html", output=tmp_path / "s.html", today=TODAY)
    page = path.read_text(encoding="utf-8")
    hrefs = set(re.findall(r'href=\\?"([^"\\]*)', page))
    assert hrefs, "the allowed links are anchors"
    for href in hrefs:
        target = href.replace("&amp;", "&").replace("&#36;", "$")
        # (Leaflet's own controls use « #close » and « # ».)
        assert target.startswith(("http://", "https://", "mailto:", "tel:", "#")), href
    assert "javascript:" not in " ".join(hrefs).lower()
    assert "Bcc" not in " ".join(hrefs)


def test_pdf_qr_codes_encode_allowed_web_links_only(hostile_person, tmp_path, monkeypatch):
    service, person_id = hostile_person
    encoded: list[str] = []
    real_qr = pdf_export._qr

    def spy(pdf, data, **kwargs):
        encoded.append(data)
        real_qr(pdf, data, **kwargs)

    monkeypatch.setattr(pdf_export, "_qr", spy)
    export_shortlist(service, person_id, fmt="pdf", output=tmp_path / "s.pdf", today=TODAY)
    assert sorted(encoded) == sorted(u for u in GOOD_LINKS if u.startswith("http"))
