"""A shortlist as an Excel workbook: formatted header, frozen pane, filters, live links."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from lba_desktop.exports.common import COLUMNS, HEADERS, Handout, french_date, table_rows

HEADER_FILL = PatternFill("solid", fgColor="DDE6F4")
LINK_FONT = Font(color="0563C1", underline="single")
WRAPPED = {"Intitulé", "Note", "Prochaine étape", "Adresse"}


def write_xlsx(handout: Handout, output: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sélection"
    sheet.append(list(HEADERS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    column_of = {h: i + 1 for i, h in enumerate(HEADERS)}
    for values in table_rows(handout, neutralise=False):
        sheet.append(values)
        row = sheet.max_row
        for header, value in zip(HEADERS, values, strict=True):
            cell = sheet.cell(row=row, column=column_of[header])
            if isinstance(value, date):
                cell.number_format = "DD/MM/YYYY"
            elif header.startswith("Distance") and value is not None:
                cell.number_format = "0.0"
            if header in WRAPPED:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            else:
                cell.alignment = Alignment(vertical="top")
            if cell.data_type == "f":
                cell.data_type = "s"  # typed text such as "=1+1" is shown, never computed
            if header == "Lien" and value:
                cell.hyperlink = str(value)
                cell.font = LINK_FONT
            elif header == "Courriel" and value:
                cell.hyperlink = f"mailto:{value}"
                cell.font = LINK_FONT
    for index, (header, _, hint) in enumerate(COLUMNS, 1):
        longest = max(
            [len(header)] + [len(_shown(c.value)) for c in sheet[get_column_letter(index)][1:]]
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest, 6), hint) + 2
    sheet.freeze_panes = "C2"  # header row and the number/type columns stay in view
    sheet.auto_filter.ref = sheet.dimensions
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddHeader.center.text = f"{handout.title_fr} — {handout.structure}"
    sheet.oddFooter.center.text = "Page &P/&N"
    book.properties.title = handout.title_fr
    book.properties.creator = handout.structure
    book.properties.description = f"Édité le {french_date(handout.today)}"
    book.save(output)


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return "00/00/0000"
    return str(value)
