"""A territory's figures as a workbook: métiers, professional domains and the two action
lists."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from lba_desktop.files import write_file
from lba_desktop.safe_text import xlsx_text
from lba_desktop.territory import TerritoryView, view_to_json

METIER_SHEET = (
    ("rome", "ROME"),
    ("libelle", "Métier"),
    ("formations", "Formations"),
    ("sessions_12_mois", "Formations avec une session dans les 12 mois"),
    ("places", "Places de formation (où elles sont connues)"),
    ("offres", "Offres"),
    ("partenariats", "Partenariats"),
    ("entreprises", "Entreprises susceptibles de recruter"),
    ("employeurs", "Employeurs (SIRET distincts)"),
    ("employeurs_par_formation", "Employeurs par formation"),
    ("employeurs_par_place", "Employeurs par place"),
    ("formations_sans_employeur_30km", "Formations sans employeur à moins de 30 km"),
    ("offres_sans_formation_60km", "Offres sans formation à moins de 60 km"),
)
# Each item once per domain, however many of the domain's métiers it carries.
DOMAIN_SHEET = (
    ("domaine", "Domaine professionnel (ROME)"),
    ("libelle", "Métiers du domaine"),
    ("grand_domaine_libelle", "Grand domaine"),
    ("metiers", "Métiers présents"),
    ("romes", "Codes ROME présents"),
    *METIER_SHEET[2:],
)
GAP_SHEET = (
    ("rome", "ROME"),
    ("intitule", "Intitulé"),
    ("organisme", "Organisme"),
    ("commune", "Commune"),
    ("departement", "Département"),
    ("plus_proche_km", "Le plus proche (km)"),
)


def write_territory_xlsx(view: TerritoryView, output: Path) -> Path:
    doc = view_to_json(view)
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    _sheet(book, "Métiers", METIER_SHEET, doc["metiers"])
    domains = [{**d, "romes": " ".join(d["romes"])} for d in doc["domaines"]]
    _sheet(book, "Domaines", DOMAIN_SHEET, domains)
    _sheet(book, "Formations sans employeur", GAP_SHEET, doc["formations_sans_employeur_30km"])
    _sheet(
        book,
        "Métiers sans formation",
        (
            ("rome", "ROME"),
            ("libelle", "Métier"),
            ("offres", "Offres"),
            ("offres_sans_formation", "Offres sans formation à moins de 60 km"),
        ),
        doc["metiers_sans_formation_60km"],
    )
    book.properties.title = xlsx_text(f"Territoire : {view.territory.label}")
    data = io.BytesIO()
    book.save(data)
    return write_file(output, data.getvalue(), private=False, example="territoire.xlsx")


def _sheet(
    book: Workbook, title: str, columns: tuple[tuple[str, str], ...], rows: list[dict[str, Any]]
) -> None:
    sheet = book.create_sheet(title)
    sheet.append([label for _, label in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_value(row.get(key)) for key, _ in columns])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"  # upstream text such as "=1+1" is shown, never computed
    for index, (_, label) in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + index)].width = min(max(len(label), 8), 44) + 2
    sheet.freeze_panes = "A2"


def _value(value: Any) -> Any:
    return xlsx_text(value) if isinstance(value, str) else value
