"""A shortlist as CSV for a French Excel: UTF-8 with BOM, semicolons, decimal commas."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from lba_desktop.exports.common import HEADERS, Handout, short_date, table_rows

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
    # Excel only detects UTF-8 with the BOM, and expects `;` where the decimal mark is a comma.
    with open(output, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(HEADERS)
        for row in table_rows(handout):
            writer.writerow([_cell(h, v) for h, v in zip(HEADERS, row, strict=True)])
