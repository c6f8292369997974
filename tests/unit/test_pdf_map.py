"""The PDF hand-out's map names places: the towns of the items' area (big ones first), the
département, the home beside its star; no name over another name or over a numbered dot."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

from pypdf import PdfReader

from lba_desktop.exports.common import Handout
from lba_desktop.exports.pdf_export import HandoutPdf, render_pdf
from lba_desktop.exports.pdf_map import draw_map
from lba_desktop.models import Kind
from lba_desktop.people import Person, ShortlistEntry, ShortlistStatus


def entry(n: int, title: str, lat: float, lon: float) -> ShortlistEntry:
    moment = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    return ShortlistEntry(
        id=n, person_id=1, kind=Kind.FORMATION, item_id=f"f{n}", position=n,
        status=ShortlistStatus.A_CONTACTER, note="", added_at=moment, updated_at=moment,
        title=title, organisation="CFA", commune="Aurillac", departement="15",
        lat=lat, lon=lon, distance_km=2.0,
    )  # fmt: skip


def handout(home_label: str = "Ytrac (15)") -> Handout:
    person = Person(id=1, first_name="Léa", last_name="Martin", home_label=home_label,
                    home_lat=44.91, home_lon=2.37, home_departement="15")  # fmt: skip
    return Handout(
        person=person,
        entries=(
            entry(1, "CAP Boulanger", 44.93, 2.44),
            entry(2, "BP Boulanger", 45.03, 3.09),
            entry(3, "Bac pro", 44.60, 2.03),
        ),
        structure="Mission locale",
        today=date(2026, 11, 23),
    )


def test_the_printed_map_names_the_towns_the_departement_and_the_home() -> None:
    text = PdfReader(io.BytesIO(render_pdf(handout()))).pages[0].extract_text()
    for name in ("Aurillac", "Saint-Flour", "Figeac", "CANTAL", "Domicile : Ytrac (15)"):
        assert name in text


def test_no_name_covers_another_and_all_stay_in_the_frame() -> None:
    pdf = HandoutPdf(handout())
    pdf.add_page()
    drawn = draw_map(pdf, handout(), x=12, y=40, w=186, h=78)
    assert len(drawn) >= 10
    boxes = [box for _, box in drawn]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
        assert a[0] >= 12 and a[2] <= 198 and a[1] >= 40 and a[3] <= 118  # inside the frame


def test_a_hostile_home_label_is_plain_text_on_the_sheet() -> None:
    text = PdfReader(io.BytesIO(render_pdf(handout("Ytrac\x1b[31m <b>x</b>")))).pages[0]
    assert "Domicile : Ytrac[31m <b>x</b>" in text.extract_text()
