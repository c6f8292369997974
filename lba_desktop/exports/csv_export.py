"""A shortlist as CSV for a French Excel: UTF-8 with BOM, semicolons, decimal commas."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path
from typing import Any

from lba_desktop.exports.common import HEADERS, Handout, short_date, table_rows
from lba_desktop.files import write_file

COORDINATE_COLUMNS = {"Latitude", "Longitude"}


def _cell(header: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return short_date(value)
    if isinstance(value, float):
        digits = 6 if header in COORDINATE_COLUMNS else 1
        return f"{value:.{digits}f}".replace(".", ",")
    return str(value)


def write_csv(handout: Handout, output: Path) -> None:
    write_file(output, render_csv(handout), private=True, example="selection.csv")


def render_csv(handout: Handout) -> bytes:
    # Excel only detects UTF-8 with the BOM, and expects `;` where the decimal mark is a comma.
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in table_rows(handout):
        writer.writerow([_cell(h, v) for h, v in zip(HEADERS, row, strict=True)])
    return text.getvalue().encode("utf-8-sig")
