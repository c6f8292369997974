"""A shortlist as an Excel workbook: formatted header, frozen pane, filters, live links."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from lba_desktop.exports.common import COLUMNS, HEADERS, Handout, french_date, table_rows
from lba_desktop.files import write_file
from lba_desktop.links import mailto_link, web_link
from lba_desktop.safe_text import xlsx_text

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
        # A control character makes openpyxl refuse the whole workbook: dropped, per cell.
        values = [xlsx_text(v) if isinstance(v, str) else v for v in values]
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
            # Live links only for http(s) and plain addresses: a « file: » or UNC « \\host »
            # link in a workbook opens a file or hands Windows credentials to a server.
            link = None
            if header == "Lien":
                link = web_link(value)
            elif header == "Courriel":
                link = mailto_link(value)
            if link is not None:
                cell.hyperlink = link
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
    # Excel caps a header at 255 characters, and reads « & » as a field code.
    header = xlsx_text(f"{handout.title_fr} — {handout.structure}").replace("&", "&&")
    sheet.oddHeader.center.text = header[:200]
    sheet.oddFooter.center.text = "Page &P/&N"
    book.properties.title = xlsx_text(handout.title_fr)[:200]
    book.properties.creator = xlsx_text(handout.structure)[:200]
    book.properties.description = f"Édité le {french_date(handout.today)}"
    data = io.BytesIO()
    book.save(data)
    write_file(output, data.getvalue(), private=True, example="selection.xlsx")


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return "00/00/0000"
    return str(value)
