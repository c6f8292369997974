"""What a counsellor reads of a training's InserJeunes rates: the table of the details and the
PDF (this CFA, its région and France side by side, each with its cohort), the short cell of the
results list and its sort value, and the flat text of exports. A rate never appears without
its cohort; a missing one says why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lba_desktop.data.insertion_store import (
    STATUS_ABOVE_BTS,
    STATUS_NO_CFD,
    STATUS_NO_ROW,
    STATUS_NO_UAI,
    STATUS_OK,
)
from lba_desktop.data.parsers.inserjeunes import (
    NOT_PUBLISHED,
    RATE_LABELS_FR,
    RATES,
    TOO_FEW,
    UNREADABLE,
    cohort_fr,
)
from lba_desktop.models import Item, Kind

SOURCE_FR = "InserJeunes (DEPP, DARES)"
MISSING_FR = {
    TOO_FEW: "moins de 20 jeunes",
    NOT_PUBLISHED: "pas encore publié",
    UNREADABLE: "illisible",
}
STATUS_FR = {
    STATUS_NO_UAI: "Ce CFA n'a pas de code UAI connu : pas de taux propre à ce CFA.",
    STATUS_NO_CFD: "Le code du diplôme (CFD) n'est pas connu : pas de taux InserJeunes.",
    STATUS_ABOVE_BTS: "InserJeunes ne couvre que les diplômes du CAP au BTS : pas de taux "
    "pour cette formation.",
    STATUS_NO_ROW: "InserJeunes ne publie pas de chiffres pour ce CFA et ce diplôme "
    "(formation récente ou trop peu d'apprentis).",
}
NOT_SYNCED_FR = (
    "Taux d'insertion non disponibles : synchronisez la source InserJeunes "
    "(lba-desktop sync --sources formations,inserjeunes)."
)
FICTITIOUS_FR = "Chiffres fictifs de démonstration, pas des données InserJeunes."
# The results list's short reasons (its column is narrow; the details say it in full).
SHORT_FR = {
    STATUS_NO_UAI: "sans UAI",
    STATUS_NO_CFD: "sans CFD",
    STATUS_ABOVE_BTS: "après BTS",
    STATUS_NO_ROW: "non publié",
    TOO_FEW: "< 20 jeunes",
    NOT_PUBLISHED: "non publié",
    UNREADABLE: "illisible",
}


@dataclass(frozen=True, slots=True)
class InsertionColumn:
    title: str  # « Ce CFA », « Auvergne-Rhône-Alpes », « France »
    cohort: str  # « sortants 2023 et 2024 (cumul 2023-2024) »


@dataclass(frozen=True, slots=True)
class InsertionTable:
    """Rows of rates (label, one text per column) with the columns' cohorts and notes."""

    columns: tuple[InsertionColumn, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    notes: tuple[str, ...]
    fictitious: bool = False

    @property
    def empty(self) -> bool:
        return not self.columns

    @property
    def cohort(self) -> str:
        """The cohort all columns share, "" when they differ (each column then says its own)."""
        cohorts = {c.cohort for c in self.columns}
        return cohorts.pop() if len(cohorts) == 1 else ""


def block_of(item: Item) -> Mapping[str, Any] | None:
    """The training's InserJeunes block, None for other kinds or a catalogue without rates."""
    if item.kind is not Kind.FORMATION:
        return None
    block = item.details.get("insertion")
    return block if isinstance(block, Mapping) else None


def percent(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text} %"


def _cell(figures: Mapping[str, Any], rate: str) -> str:
    value = figures.get(rate)
    if isinstance(value, int | float):
        return percent(float(value))
    reason = (figures.get("missing") or {}).get(rate, NOT_PUBLISHED)
    return MISSING_FR.get(reason, "non publié")


def insertion_table(item: Item) -> InsertionTable:
    """The details' and PDF's table; `empty` with a note when there is nothing to compare."""
    block = block_of(item)
    if block is None:
        notes = (NOT_SYNCED_FR,) if item.kind is Kind.FORMATION else ()
        return InsertionTable((), (), notes)
    status = str(block.get("status") or "")
    notes: list[str] = [STATUS_FR[status]] if status in STATUS_FR else []
    sources: list[tuple[str, Mapping[str, Any]]] = []
    if isinstance(block.get("cfa"), Mapping):
        sources.append(("Ce CFA", block["cfa"]))
    if isinstance(block.get("region"), Mapping):
        sources.append((str(block["region"].get("name") or "Région"), block["region"]))
    if isinstance(block.get("national"), Mapping):
        sources.append(("France", block["national"]))
    if status == STATUS_OK and len(sources) == 1:
        notes.append("Pas de chiffre régional ni national publié pour ce diplôme.")
    columns = tuple(
        InsertionColumn(title, cohort_fr(str(figures.get("millesime") or "")))
        for title, figures in sources
    )
    rows: list[tuple[str, tuple[str, ...]]] = []
    unpublished: list[str] = []
    for rate in RATES:
        if not any(rate in f or rate in (f.get("missing") or {}) for _t, f in sources):
            continue
        cells = tuple(_cell(figures, rate) for _t, figures in sources)
        if all(cell == MISSING_FR[NOT_PUBLISHED] for cell in cells):
            unpublished.append(_HORIZON_FR.get(rate, RATE_LABELS_FR[rate].lower()))
        else:
            rows.append((RATE_LABELS_FR[rate], cells))
    if unpublished:
        notes.insert(0, f"Pas encore publié pour cette cohorte : {', '.join(unpublished)}.")
    fictitious = bool(block.get("fictitious"))
    if fictitious:
        notes.append(FICTITIOUS_FR)
    return InsertionTable(columns, tuple(rows), tuple(notes), fictitious)


_HORIZON_FR = {
    "emploi_6": "emploi à 6 mois",
    "emploi_12": "emploi à 12 mois",
    "emploi_18": "emploi à 18 mois",
    "emploi_24": "emploi à 24 mois",
}


def employment_6(item: Item) -> tuple[float | None, str]:
    """The results list's cell: (rate at 6 months of this CFA or None, text with its cohort
    or the reason it is missing). Text is "" outside trainings."""
    block = block_of(item)
    if block is None:
        return None, ""
    status = str(block.get("status") or "")
    figures = block.get("cfa")
    if status != STATUS_OK or not isinstance(figures, Mapping):
        return None, SHORT_FR.get(status, "—")
    value = figures.get("emploi_6")
    millesime = str(figures.get("millesime") or "")
    if isinstance(value, int | float):
        return float(value), f"{percent(float(value))} ({millesime})"
    reason = (figures.get("missing") or {}).get("emploi_6", NOT_PUBLISHED)
    return None, SHORT_FR.get(reason, "—")


def sort_value(item: Item) -> float:
    """Rates first from the highest when sorted descending; trainings without one after."""
    value, _text = employment_6(item)
    return value if value is not None else -1.0


def export_text(item: Item) -> str:
    """One line for CSV/XLSX exports: every figure with its cohort, or why there is none."""
    table = insertion_table(item)
    if table.empty:
        return " ".join(table.notes)
    parts = []
    for i, column in enumerate(table.columns):
        figures = "; ".join(f"{label} {cells[i]}" for label, cells in table.rows)
        parts.append(f"{column.title} ({column.cohort}) : {figures}")
    return " | ".join(parts + list(table.notes))


# The hand-out's words: short, one line per compared place.
_PDF_LABELS = {
    "emploi_6": "en emploi à 6 mois",
    "emploi_12": "à 12 mois",
    "emploi_18": "à 18 mois",
    "emploi_24": "à 24 mois",
    "poursuite": "poursuite d'études",
    "interruption": "contrats interrompus",
}


def insertion_lines(item: Item) -> list[str]:
    """The PDF hand-out's lines under a training: one per compared place with its cohort,
    then why a figure is missing."""
    if block_of(item) is None:
        return []  # a hand-out does not tell the young person to run a sync
    table = insertion_table(item)
    lines: list[str] = []
    for i, column in enumerate(table.columns):
        cells = [
            f"{_PDF_LABELS[rate]} {cells[i]}"
            for rate, (_label, cells) in zip(_rates_of(table), table.rows, strict=True)
        ]
        head = "InserJeunes — " if i == 0 else ""
        lines.append(f"{head}{column.title} ({column.cohort}) : {', '.join(cells)}")
    if not lines and table.notes:
        return [f"InserJeunes : {table.notes[0]}"]
    return lines + list(table.notes)


def _rates_of(table: InsertionTable) -> list[str]:
    by_label = {label: rate for rate, label in RATE_LABELS_FR.items()}
    return [by_label[label] for label, _cells in table.rows]
