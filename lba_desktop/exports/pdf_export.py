"""The PDF hand-out of a shortlist: A4, French, printable in black and white, map and QR codes."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import qrcode
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lba_desktop import paths
from lba_desktop.exports.common import (
    FICTITIOUS_FR,
    UNAVAILABLE_FR,
    Handout,
    diploma_fr,
    distance_fr,
    french_date,
    phone_fr,
    where_fr,
)
from lba_desktop.exports.pdf_map import badge, draw_map
from lba_desktop.files import write_file
from lba_desktop.insertion import insertion_lines
from lba_desktop.links import web_link
from lba_desktop.map_background import export_tiles
from lba_desktop.models import HANDI_LABEL
from lba_desktop.people import ShortlistEntry
from lba_desktop.safe_text import pdf_text

MARGIN = 12.0
PAGE_W, PAGE_H = 210.0, 297.0
CONTENT_W = PAGE_W - 2 * MARGIN
FOOTER_H = 10.0
QR_SIZE = 17.0
LINE_H = 3.6
MAP_MAX_H = 78.0
MAP_MIN_H = 48.0
ONE_PAGE_ITEMS = 6
FONT = "LBASans"
# Longest text of one field on the hand-out (the shortlist keeps it whole): a 1 MB field took
# fpdf2 minutes to lay out, and nobody reads more than a few lines of it on paper.
MAX_FIELD = 300
MAX_LINE = 1200  # safety net for any other text drawn
# A longer link makes a QR code too dense to scan at this size: the link is printed only.
MAX_QR_LINK = 300

# Fonts with the French characters and typographic signs (« », ’, œ, …) used in the text.
# DejaVu is what Linux desktops (and our CI) have; Arial is on every Windows and macOS.
_FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("arial.ttf", "arialbd.ttf"),
    ("Arial.ttf", "Arial Bold.ttf"),
)
_FONT_DIRS: tuple[Path, ...] = (
    paths.resource("fonts"),
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path(os.environ.get("WINDIR", "C:/Windows")) / "Fonts",
    Path("/System/Library/Fonts/Supplemental"),
    Path("/Library/Fonts"),
)


def add_fonts(pdf: FPDF) -> str:
    """Registers the Unicode fonts on a document; the family to write in (the PDF core font,
    Latin-1 only, when the machine has none)."""
    fonts = find_fonts()
    if not fonts:
        return "helvetica"
    pdf.add_font(FONT, "", str(fonts[0]))
    pdf.add_font(FONT, "B", str(fonts[1]))
    return FONT


@lru_cache(maxsize=1)
def find_fonts() -> tuple[Path, Path] | None:
    """(regular, bold) TrueType files, or None to fall back on the PDF core font."""
    for folder in _FONT_DIRS:
        for regular, bold in _FONT_CANDIDATES:
            if (folder / regular).is_file() and (folder / bold).is_file():
                return folder / regular, folder / bold
    if shutil.which("fc-match"):
        found = []
        for style in ("DejaVu Sans:style=Book", "DejaVu Sans:style=Bold"):
            try:
                out = subprocess.run(
                    ["fc-match", "-f", "%{file}", style],
                    capture_output=True,
                    text=True,
                    timeout=5,
                    check=False,
                ).stdout.strip()
            except OSError:
                return None
            # fc-match always answers something; only DejaVu is known to cover the text.
            if not out.endswith(".ttf") or "DejaVu" not in out:
                return None
            found.append(Path(out))
        return found[0], found[1]
    return None


CORE_REPLACEMENTS = str.maketrans(
    {"’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "–": "-", "—": "-", "œ": "oe",
     "Œ": "OE", "€": "EUR", "\u202f": " ", "\u00a0": " "}
)  # fmt: skip


class HandoutPdf(FPDF):
    def __init__(self, handout: Handout) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.handout = handout
        self.pair_notes = handout.pair_notes()
        self.family = add_fonts(self)
        self.unicode = self.family == FONT
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN + FOOTER_H)
        self.set_title(pdf_text(handout.title_fr, MAX_FIELD))
        self.set_author(pdf_text(handout.structure, MAX_FIELD))
        self.set_creator("LBA Desktop")
        self.set_lang("fr-FR")
        self.set_draw_color(0)
        self.set_text_color(0)

    def txt(self, text: str) -> str:
        text = pdf_text(text, MAX_LINE)  # no control character, bounded length
        if self.unicode:
            return text
        return text.translate(CORE_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.font(8)
        self.set_text_color(80)
        self.cell(
            0, 5, self.txt(f"{self.handout.title_fr} (suite)"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.set_text_color(0)
        self.ln(1)

    def footer(self) -> None:
        self.set_y(-MARGIN - 4)
        self.font(7.5)
        self.set_text_color(80)
        left = (
            f"{pdf_text(self.handout.structure, 80)} — édité le {french_date(self.handout.today)}"
        )
        self.cell(CONTENT_W / 2, 4, self.txt(left))
        self.cell(CONTENT_W / 2, 4, self.txt(f"Page {self.page_no()}/{{nb}}"), align="R")
        self.set_text_color(0)


def write_pdf(handout: Handout, output: Path) -> None:
    write_file(output, render_pdf(handout), private=True, example="selection.pdf")


def render_pdf(handout: Handout) -> bytes:
    # Every text is worked on (measured, cleaned, compared) several times: cut the fields
    # first, so a megabyte field costs what a long one does.
    handout = replace(handout, entries=tuple(_for_display(e) for e in handout.entries))
    pdf = HandoutPdf(handout)
    pdf.add_page()
    _title(pdf, handout)
    entries = handout.entries
    text_w = CONTENT_W - 10 - QR_SIZE - 3
    heights = [_block(pdf, n, e, text_w, measure=True) for n, e in enumerate(entries, 1)]
    if any(e.has_position for e in entries) or handout.person.has_home:
        available = PAGE_H - MARGIN - FOOTER_H - pdf.get_y() - 8
        if len(entries) <= ONE_PAGE_ITEMS:
            # Give the map what the blocks leave, so a short list fits on one sheet.
            map_h = max(MAP_MIN_H, min(MAP_MAX_H, available - sum(heights) - 2))
        else:
            map_h = MAP_MAX_H
        map_y = pdf.get_y()
        with export_tiles() as tiles:
            draw_map(pdf, handout, x=MARGIN, y=map_y, w=CONTENT_W, h=map_h, tiles=tiles)
        pdf.set_y(map_y + map_h + 1)
        _legend(pdf, pairs=bool(handout.pairs))
    if not entries:
        pdf.ln(4)
        pdf.font(10)
        pdf.multi_cell(CONTENT_W, 5, pdf.txt("Aucune piste dans la sélection pour l'instant."))
    for (n, entry), height in zip(enumerate(entries, 1), heights, strict=True):
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
        _block(pdf, n, entry, text_w, measure=False)
    return bytes(pdf.output())


def _title(pdf: HandoutPdf, handout: Handout) -> None:
    person = handout.person
    pdf.font(17, bold=True)
    pdf.multi_cell(
        CONTENT_W, 8, pdf.txt(f"Sélection pour {person.display_name}"), new_x=XPos.LMARGIN
    )
    pdf.font(9.5)
    pdf.multi_cell(
        CONTENT_W,
        5,
        pdf.txt(f"Préparée par {_cut(handout.structure)}, le {french_date(handout.today)}"),
        new_x=XPos.LMARGIN,
    )
    facts = [handout.count_fr]
    if person.home_label:
        facts.append(f"domicile : {_cut(person.home_label)}")
    gone = sum(not e.available for e in handout.entries)
    if gone:
        facts.append(f"{gone} n'{'est' if gone == 1 else 'sont'} plus disponible{'s' * (gone > 1)}")
    if any(e.fictitious for e in handout.entries):
        facts.append(FICTITIOUS_FR.lower())
    pdf.multi_cell(CONTENT_W, 5, pdf.txt(" — ".join(facts)), new_x=XPos.LMARGIN)
    pdf.ln(2)


# --- One block per item -------------------------------------------------------------------


def _lines(entry: ShortlistEntry) -> list[tuple[str, float, bool]]:
    """(text, font size, bold) lines under the title."""
    who = entry.kind.label_fr + (f" — {_cut(entry.organisation)}" if entry.organisation else "")
    if entry.diploma_level:
        who += f" — niveau {diploma_fr(entry.diploma_level)}"
    if entry.handi_friendly:
        who += f" — {HANDI_LABEL.lower()}"
    if entry.fictitious:
        who += " — fictif"
    out: list[tuple[str, float, bool]] = [(who, 8.5, False)]
    where = _cut(where_fr(entry))
    if entry.distance_km is not None:
        where = f"{where} — à {distance_fr(entry.distance_km)} du domicile".lstrip(" —")
    if where:
        out.append((f"Où : {where}", 8.5, False))
    contact = _cut(" — ".join(p for p in (phone_fr(entry.phone), entry.email) if p))
    if contact:
        out.append((f"Contact : {contact}", 8.5, False))
    out.append(
        (f"Statut : {entry.status.label_fr}. Prochaine étape : {entry.status.next_step_fr}", 8.5,
         False)
    )  # fmt: skip
    if entry.note:
        out.append((f"Note : {_cut(entry.note)}", 8.5, False))
    if entry.url:
        out.append((f"Lien : {_cut(entry.url)}", 7.5, False))
    return out


def _cut(text: str) -> str:
    return pdf_text(text, MAX_FIELD)


def _for_display(entry: ShortlistEntry) -> ShortlistEntry:
    """The entry with its texts cut a little beyond what is drawn (cleaning only shortens
    them, so what is drawn is the same as from the whole text)."""
    room = 4 * MAX_FIELD
    cut = {}
    for name in _TEXT_FIELDS:
        value = getattr(entry, name)
        if len(value) > room:
            cut[name] = value[:room] + "…"
    return replace(entry, **cut) if cut else entry


_TEXT_FIELDS = ("title", "organisation", "address", "commune", "postcode", "phone", "email",
                "url", "note")  # fmt: skip


def qr_link(entry: ShortlistEntry) -> str | None:
    """What the entry's QR code encodes: an http(s) link short enough to scan, else none."""
    link = web_link(entry.url)
    return link if link is not None and len(link) <= MAX_QR_LINK else None


def _block(pdf: HandoutPdf, number: int, entry: ShortlistEntry, text_w: float, *, measure: bool
           ) -> float:  # fmt: skip
    """Draw one item (or only measure its height)."""
    rows: list[tuple[str, float, bool]] = [(_cut(entry.title), 10, True)]
    if not entry.available:
        rows.insert(0, (f"{UNAVAILABLE_FR.upper()} (retirée du catalogue)", 8, True))
    rows += _lines(entry)
    rows += [(_cut(text), 8.5, True) for text in pdf.pair_notes.get(entry.id, ())]
    training = pdf.handout.training(entry)
    if training is not None:
        rows += [(text, 7.5, False) for text in insertion_lines(training)]
    x0 = MARGIN + 10
    y0 = pdf.get_y() + 1.5
    height = 0.0
    for text, size, bold in rows:
        pdf.font(size, bold)
        line_h = LINE_H * size / 8.5
        lines = pdf.multi_cell(text_w, line_h, pdf.txt(text), dry_run=True, output="LINES")
        if measure:
            height += line_h * len(lines)
            continue
        pdf.set_xy(x0, y0 + height)
        pdf.multi_cell(text_w, line_h, pdf.txt(text), align="L", new_x=XPos.LMARGIN)
        height += line_h * len(lines)
    link = qr_link(entry)
    total = max(height, QR_SIZE if link else 7) + 3
    if measure:
        return total
    badge(pdf, MARGIN + 3.5, y0 + 3, number, filled=entry.available, radius=3.3, size=9)
    if link:
        _qr(pdf, link, x=PAGE_W - MARGIN - QR_SIZE, y=y0, size=QR_SIZE)
    pdf.set_draw_color(170)
    pdf.set_line_width(0.2)
    pdf.line(MARGIN, y0 + total - 1.5, PAGE_W - MARGIN, y0 + total - 1.5)
    pdf.set_draw_color(0)
    pdf.set_y(y0 + total - 1.5)
    return total


def _qr(pdf: HandoutPdf, data: str, *, x: float, y: float, size: float) -> None:
    """A vector QR code (sharp at any printer resolution, no image to embed)."""
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    module = size / len(matrix)
    pdf.set_fill_color(0)
    for row, cells in enumerate(matrix):
        col = 0
        while col < len(cells):
            if not cells[col]:
                col += 1
                continue
            start = col
            while col < len(cells) and cells[col]:
                col += 1
            # A hair wider than the module so adjacent runs leave no white seams when printed.
            pdf.rect(x + start * module, y + row * module, (col - start) * module + 0.02,
                     module + 0.02, style="F")  # fmt: skip


def _legend(pdf: HandoutPdf, *, pairs: bool) -> None:
    y = pdf.get_y() + 2
    x = MARGIN + 2
    pdf.font(7.5)
    pdf.set_fill_color(255)
    pdf.set_line_width(0.4)
    pdf.star(x + 1, y, 0.9, 2.2, 5, rotate_degrees=-90, style="DF")
    x += 4
    for text, filled in (("domicile", None), ("piste (numéro du bloc)", True),
                         ("n'est plus disponible", False)):  # fmt: skip
        if filled is not None:
            badge(pdf, x + 1.8, y, 1, filled=filled, radius=1.8, size=5.5)
            x += 4.5
            pdf.font(7.5)
        pdf.set_xy(x, y - 1.8)
        label = pdf.txt(text)
        pdf.cell(pdf.get_string_width(label) + 1, 3.6, label)
        x += pdf.get_string_width(label) + 6
    if pairs:  # the dashed line of the map, as drawn there
        pdf.set_draw_color(40)
        pdf.set_line_width(0.45)
        with pdf.local_context():
            pdf.set_dash_pattern(dash=1.2, gap=0.8)
            pdf.line(x, y, x + 8, y)
        pdf.set_draw_color(0)
        x += 10
        pdf.set_xy(x, y - 1.8)
        label = pdf.txt("parcours (formation + employeur)")
        pdf.cell(pdf.get_string_width(label) + 1, 3.6, label)
    pdf.set_y(y + 3.5)
