"""Pure parser of the InserJeunes open data files (CSV) into insertion rates per CFA and diploma,
per région and diploma, and nationally per diploma.

The files are the DEPP/DARES exports of data.education.gouv.fr (`;`-separated, UTF-8 with a
BOM). Their headers have changed over the years (« Taux d'emploi 6 mois après la sortie » in the
DEPP files, « Taux emploi 6 mois » in the portal's exports, `taux_emploi_6_mois` as field
names): a header is matched once normalised (no accents, lower case, `_` between words) against
the known spellings of each column below.

Nothing is invented: an empty cell stays empty, with the reason it is empty. InserJeunes does
not publish a rate computed on fewer than 20 young people (an empty cell in a row that has other
figures), and the latest cohorts lack the later horizons (a column empty for the whole
millésime: « pas encore publié »)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

LEVELS = ("etablissement", "region", "national")
# Rates of one row, in the order they are shown.
RATES = ("emploi_6", "emploi_12", "emploi_18", "emploi_24", "poursuite", "interruption")
RATE_LABELS_FR = {
    "emploi_6": "En emploi 6 mois après",
    "emploi_12": "En emploi 12 mois après",
    "emploi_18": "En emploi 18 mois après",
    "emploi_24": "En emploi 24 mois après",
    "poursuite": "Poursuivent leurs études",
    "interruption": "Contrats interrompus avant leur terme",
}
# Why a figure is missing (codes kept in the catalogue; the sentences are in insertion.py).
TOO_FEW = "too_few"
NOT_PUBLISHED = "not_published"
UNREADABLE = "unreadable"

# Known spellings of each column, normalised (see `normalise_header`).
_COLUMNS: dict[str, tuple[str, ...]] = {
    "millesime": ("annee", "millesime", "cumul", "annees", "millesimes"),
    "uai": (
        "uai",
        "n_uai_de_l_etablissement",
        "uai_de_l_etablissement",
        "numero_uai",
        "code_uai",
        "uai_etablissement",
    ),
    "cfa": ("libelle", "libelle_de_l_etablissement", "libelle_etablissement", "etablissement"),
    "region": ("region", "libelle_region", "region_academique", "code_region", "nom_region"),
    "cfd": (
        "code_formation_apprentissage",
        "code_formation",
        "code_formation_diplome",
        "cfd",
        "code_diplome",
    ),
    "diploma_type": ("type_de_diplome", "type_diplome", "libelle_type_diplome"),
    "label": ("libelle_de_la_formation", "libelle_formation", "formation"),
    "leavers": (
        "nb_de_sortants_6_mois_apres_la_sortie",
        "nb_sortants_6_mois",
        "nombre_de_sortants",
        "nb_sortants",
        "effectif_sortants",
    ),
    "poursuite": (
        "taux_poursuite_etudes",
        "taux_de_poursuite_d_etudes",
        "taux_de_poursuite_etudes",
        "taux_en_formation",
    ),
    "emploi_6": ("taux_emploi_6_mois", "taux_d_emploi_6_mois_apres_la_sortie"),
    "emploi_12": ("taux_emploi_12_mois", "taux_d_emploi_12_mois_apres_la_sortie"),
    "emploi_18": ("taux_emploi_18_mois", "taux_d_emploi_18_mois_apres_la_sortie"),
    "emploi_24": ("taux_emploi_24_mois", "taux_d_emploi_24_mois_apres_la_sortie"),
    "interruption": (
        "part_de_contrats_interrompus",
        "part_contrats_interrompus",
        "taux_de_rupture_des_contrats",
        "taux_rupture_contrats",
        "taux_de_contrats_interrompus",
        "part_des_contrats_d_apprentissage_interrompus",
    ),
}
_REQUIRED = {
    "etablissement": ("millesime", "uai", "cfd"),
    "region": ("millesime", "region", "cfd"),
    "national": ("millesime", "cfd"),
}
_REQUIRED_FR = {"millesime": "millésime (Année)", "uai": "UAI", "region": "Région",
                "cfd": "code formation"}  # fmt: skip
# Cells that say « not published » in words rather than by being empty.
_SUPPRESSED = {"nd", "n_d", "s", "ns", "secret", "moins_de_20", "inf_20"}
_UAI = re.compile(r"^[0-9]{7}[A-Z]$")
_CFD = re.compile(r"^[0-9A-Z]{8}$")
_YEARS = re.compile(r"(\d{4})\D+(\d{4})")


class InserJeunesFileError(ValueError):
    """A file that cannot be read as InserJeunes data: French message, nothing is kept."""


@dataclass(frozen=True, slots=True)
class InsertionRow:
    """The figures of one CFA × diploma (or région × diploma, or France × diploma)."""

    level: str
    cfd: str
    millesime: str  # "2023-2024": the two cumulated cohorts
    uai: str = ""
    region: str = ""  # région code ("84"); "" nationally or when the file's name is unknown
    diploma_type: str = ""
    label: str = ""
    cfa: str = ""
    leavers: int | None = None
    rates: Mapping[str, float | None] = field(default_factory=dict)
    missing: Mapping[str, str] = field(default_factory=dict)  # rate -> reason code

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.level, self.uai, self.region, self.cfd)


@dataclass(slots=True)
class InserJeunesOutcome:
    rows: list[InsertionRow]
    millesime: str  # the latest in the file
    unreadable: int = 0  # rows skipped (no code, bad UAI…)
    older_dropped: int = 0  # rows of an older millésime when a newer one is in the file


def normalise_header(text: str) -> str:
    """« Taux d'emploi 6 mois après la sortie » → `taux_d_emploi_6_mois_apres_la_sortie`."""
    plain = unicodedata.normalize("NFKD", text.replace("\ufeff", ""))
    plain = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def millesime_of(value: str) -> str:
    """« cumul 2023-2024 », « 2024-2023 », « 2023_2024 » → "2023-2024"; "" when unreadable."""
    found = _YEARS.search(value or "")
    if not found:
        return ""
    first, second = sorted((int(found.group(1)), int(found.group(2))))
    if not 2000 <= first <= 2100 or second - first > 1:
        return ""
    return f"{first}-{second}"


def cohort_fr(millesime: str) -> str:
    """The cohort a rate was measured on, as a counsellor reads it."""
    years = millesime.split("-")
    if len(years) == 2 and years[0] != years[1]:
        return f"sortants {years[0]} et {years[1]} (cumul {millesime})"
    return f"sortants {millesime}"


def _rate(raw: str) -> tuple[float | None, str]:
    text = raw.strip().replace("%", "").replace("\u202f", "").replace(" ", "")
    if not text:
        return None, ""
    if normalise_header(text) in _SUPPRESSED or text.startswith("<"):
        return None, TOO_FEW
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None, UNREADABLE
    if not 0.0 <= value <= 100.0:
        return None, UNREADABLE
    return round(value, 1), ""


def _int(raw: str) -> int | None:
    text = raw.strip().replace(" ", "").replace("\u202f", "")
    return int(text) if text.isdigit() else None


def _region_lookup(regions: Mapping[str, str]) -> dict[str, str]:
    lookup = {normalise_header(name): code for code, name in regions.items()}
    lookup.update({code: code for code in regions})
    return lookup


def parse_inserjeunes_csv(
    content: bytes | str,
    *,
    level: str,
    regions: Mapping[str, str] | None = None,
    millesime: str = "",
) -> InserJeunesOutcome:
    """Rows of one InserJeunes file (`level`: etablissement, region or national). Only the
    latest millésime of each CFA × diploma is kept; `millesime` is the one of a file without
    that column (the DEPP's files name it in the file name). Raises `InserJeunesFileError`
    when the file is not such a file (wrong columns, not text)."""
    if level not in LEVELS:
        raise ValueError(level)
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = content.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise InserJeunesFileError("Le fichier InserJeunes n'est pas du texte.") from exc
    else:
        text = content.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise InserJeunesFileError("Le fichier InserJeunes est vide.")
    names = [normalise_header(h) for h in header]
    where: dict[str, int] = {}
    for column, spellings in _COLUMNS.items():
        for spelling in spellings:
            if spelling in names:
                where[column] = names.index(spelling)
                break
    default_millesime = millesime_of(millesime)
    absent = [c for c in _REQUIRED[level] if c not in where]
    if default_millesime and "millesime" in absent:
        absent.remove("millesime")
    if absent:
        raise InserJeunesFileError(
            "Le fichier InserJeunes n'a pas les colonnes attendues : "
            + ", ".join(_REQUIRED_FR[c] for c in absent)
            + "."
        )
    region_code = _region_lookup(regions or {})
    parsed: list[tuple[InsertionRow, dict[str, str]]] = []
    unreadable = 0
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue

        def cell(column: str, cells: list[str] = cells) -> str:
            index = where.get(column)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        row_millesime = millesime_of(cell("millesime")) or default_millesime
        cfd = cell("cfd").upper()
        uai = cell("uai").upper()
        region = ""
        if "region" in where:
            raw_region = cell("region")
            region = region_code.get(raw_region) or region_code.get(
                normalise_header(raw_region), ""
            )
        if (
            not row_millesime
            or not _CFD.match(cfd)
            or (level == "etablissement" and not _UAI.match(uai))
            or (level == "region" and not region)
        ):
            unreadable += 1
            continue
        rates: dict[str, float | None] = {}
        reasons: dict[str, str] = {}
        for name in RATES:
            if name not in where:
                rates[name], reasons[name] = None, NOT_PUBLISHED
                continue
            rates[name], reasons[name] = _rate(cell(name))
        parsed.append(
            (
                InsertionRow(
                    level=level,
                    cfd=cfd,
                    millesime=row_millesime,
                    uai=uai if level == "etablissement" else "",
                    region=region if level != "national" else "",
                    diploma_type=cell("diploma_type"),
                    label=cell("label"),
                    cfa=cell("cfa") if level == "etablissement" else "",
                    leavers=_int(cell("leavers")),
                    rates=rates,
                ),
                reasons,
            )
        )
    if not parsed:
        raise InserJeunesFileError("Le fichier InserJeunes ne contient aucune ligne lisible.")
    # A horizon with no figure anywhere in a millésime is not published yet for that cohort.
    published = {
        (row.millesime, name) for row, _ in parsed for name, v in row.rates.items() if v is not None
    }
    latest: dict[tuple[str, str, str, str], InsertionRow] = {}
    for row, reasons in parsed:
        missing = {}
        for name, value in row.rates.items():
            if value is not None:
                continue
            reason = reasons.get(name, "")
            if reason in ("", TOO_FEW) and (row.millesime, name) not in published:
                reason = NOT_PUBLISHED
            missing[name] = reason or TOO_FEW
        row = InsertionRow(**{**_fields(row), "missing": missing})
        kept = latest.get(row.key)
        if kept is None or kept.millesime < row.millesime:
            latest[row.key] = row
    rows = list(latest.values())
    return InserJeunesOutcome(
        rows=rows,
        millesime=max(r.millesime for r in rows),
        unreadable=unreadable,
        older_dropped=len(parsed) - len(rows),
    )


def _fields(row: InsertionRow) -> dict[str, object]:
    return {name: getattr(row, name) for name in InsertionRow.__slots__}
