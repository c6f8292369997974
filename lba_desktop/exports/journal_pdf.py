"""The reporting export as PDF: one period's journal events, optionally one counsellor's, as a
dated A4 table with each young person's « n° de dossier », to re-key or file."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from lba_desktop.exports.common import french_date, short_date
from lba_desktop.exports.pdf_export import CORE_REPLACEMENTS, FONT, add_fonts
from lba_desktop.people import Person
from lba_desktop.people.journal import JournalEvent
from lba_desktop.safe_text import pdf_text

MARGIN = 12.0
PAGE_W = 297.0  # landscape: the detail column needs the width
CONTENT_W = PAGE_W - 2 * MARGIN
LINE_H = 4.6
MAX_CELL = 400  # a note longer than this is cut on paper (the whole text stays in the data)
# (heading, width in mm); the widths add up to CONTENT_W.
COLUMNS = (
    ("Date", 20.0),
    ("N° de dossier", 28.0),
    ("Jeune", 52.0),
    ("Conseiller", 32.0),
    ("Type", 28.0),
    ("Détail et note", CONTENT_W - 160.0),
)


@dataclass(frozen=True, slots=True)
class JournalReport:
    """What the report is about: the period, whose events, for which structure."""

    start: date
    end: date
    counsellor: str  # "" for every counsellor
    structure: str
    today: date

    @property
    def title_fr(self) -> str:
        return f"Activité du suivi du {short_date(self.start)} au {short_date(self.end)}"

    @property
    def who_fr(self) -> str:
        return f"Conseiller : {self.counsellor}" if self.counsellor else "Tous les conseillers"


class _ReportPdf(FPDF):
    def __init__(self, report: JournalReport) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.report = report
        self.family = add_fonts(self)
        self.unicode = self.family == FONT
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(auto=True, margin=MARGIN + 6)
        self.set_title(self.txt(report.title_fr))
        self.set_author(self.txt(report.structure))
        self.set_creator("LBA Desktop")
        self.set_lang("fr-FR")

    def txt(self, text: str, limit: int = MAX_CELL) -> str:
        text = pdf_text(text, limit)  # untrusted: no control character, bounded length
        if self.unicode:
            return text
        return text.translate(CORE_REPLACEMENTS).encode("latin-1", "replace").decode("latin-1")

    def font(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)

    def footer(self) -> None:
        self.set_y(-MARGIN - 2)
        self.font(7.5)
        self.set_text_color(80)
        left = f"{self.report.structure} — {self.report.title_fr} — édité le "
        self.cell(CONTENT_W * 0.8, 4, self.txt(left + french_date(self.report.today), 160))
        self.cell(CONTENT_W * 0.2, 4, self.txt(f"Page {self.page_no()}/{{nb}}"), align="R")
        self.set_text_color(0)


def _row(event: JournalEvent, person: Person | None) -> tuple[str, ...]:
    name = person.display_name if person else "(fiche effacée)"
    detail = " — ".join(t for t in (event.summary, event.note) if t.strip())
    return (
        short_date(event.happened_on),
        person.case_number if person and person.case_number else "—",
        f"{name} (n° {event.person_id})",
        event.counsellor,
        event.label_fr,
        detail,
    )


def render_journal_pdf(
    events: Iterable[JournalEvent], people: Mapping[int, Person], report: JournalReport
) -> bytes:
    """The period's events, oldest first, after a count per type (and per counsellor when the
    report covers them all)."""
    events = list(events)
    pdf = _ReportPdf(report)
    pdf.add_page()
    pdf.font(15, bold=True)
    pdf.cell(0, 8, pdf.txt(report.title_fr), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.font(10)
    jeunes = len({e.person_id for e in events})
    pdf.cell(
        0,
        6,
        pdf.txt(
            f"{report.structure} — {report.who_fr} — {len(events)} événement(s), {jeunes} jeune(s)"
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.ln(1)
    if events:
        _counts(pdf, "Par type", Counter(e.label_fr for e in events))
        if not report.counsellor:
            _counts(pdf, "Par conseiller", Counter(e.counsellor for e in events))
    else:
        pdf.font(10)
        pdf.multi_cell(CONTENT_W, 6, pdf.txt("Aucun événement dans le journal sur cette période."))
    pdf.ln(2)
    if events:
        pdf.font(8.5)
        headings = tuple(h for h, _w in COLUMNS)
        with pdf.table(
            col_widths=tuple(w for _h, w in COLUMNS),
            width=CONTENT_W,
            line_height=LINE_H,
            text_align="LEFT",
            first_row_as_headings=True,
            repeat_headings=1,
            headings_style=_headings_style(pdf),
        ) as table:
            table.row(headings)
            for event in events:
                table.row(tuple(pdf.txt(c) for c in _row(event, people.get(event.person_id))))
    return bytes(pdf.output())


def _headings_style(pdf: _ReportPdf) -> object:
    from fpdf.fonts import FontFace

    return FontFace(family=pdf.family, emphasis="BOLD", fill_color=(230, 230, 230))


def _counts(pdf: _ReportPdf, title: str, counts: Counter[str]) -> None:
    pdf.font(9, bold=True)
    pdf.cell(28, 5, pdf.txt(f"{title} :"))
    pdf.font(9)
    text = ", ".join(f"{name or '—'} {n}" for name, n in sorted(counts.items()))
    pdf.multi_cell(CONTENT_W - 28, 5, pdf.txt(text, 1200), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
