"""What the shortlist exports share: the handout record, French formatting, table columns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from lba_desktop.insertion import export_text
from lba_desktop.models import DIPLOMA_LABELS_FR, HANDI_LABEL, Item, Kind
from lba_desktop.people import Person, ShortlistEntry, ShortlistLine, shortlist_lines

DEFAULT_STRUCTURE = "Mission Locale"
UNAVAILABLE_FR = "N'est plus disponible"
FICTITIOUS_FR = "Données fictives (démonstration)"

MONTHS_FR = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


@dataclass(frozen=True, slots=True)
class Handout:
    """One person's shortlist as exported: built from that person only, by construction."""

    person: Person
    entries: tuple[ShortlistEntry, ...]
    structure: str
    today: date
    # The catalogue's trainings of the shortlist by id (their InserJeunes rates); a training
    # no longer in the catalogue, or an export made without one, has none.
    trainings: Mapping[str, Item] = field(default_factory=dict)

    def training(self, entry: ShortlistEntry) -> Item | None:
        return self.trainings.get(entry.item_id) if entry.kind is Kind.FORMATION else None

    @property
    def title_fr(self) -> str:
        return f"Sélection de {self.person.display_name}"

    @property
    def pairs(self) -> list[ShortlistLine]:
        """The parcours (training + employer) among the entries."""
        return [line for line in shortlist_lines(self.entries) if line.is_pair]

    @property
    def count_fr(self) -> str:
        """« 6 pistes dont 3 parcours »: a parcours' two sides are two pistes (two blocks)."""
        count = len(self.entries)
        text = f"{count} piste{'s' if count > 1 else ''}"
        pairs = len(self.pairs)
        if pairs:
            text += f" dont {pairs} parcours (formation + employeur)"
        return text

    def pair_notes(self) -> dict[int, list[str]]:
        """Entry id → what each export says of the parcours it belongs to: the other side's
        number and name, the employer-to-CFA distance and the young person's travel."""
        number = {e.id: n for n, e in enumerate(self.entries, 1)}
        notes: dict[int, list[str]] = {}
        for line in self.pairs:
            training, employer = line.entry, line.employer
            assert employer is not None
            between = distance_fr(line.employer_to_training_km) or "une distance inconnue"
            trip = ""
            if line.travel_km is not None:
                trip = (
                    f" ; trajets depuis le domicile : {distance_fr(line.travel_km)} "
                    "(formation + employeur)"
                )
            notes.setdefault(training.id, []).append(
                f"Parcours avec n° {number[employer.id]} « {employer.title} » "
                f"(employeur à {between} du lieu de formation){trip}"
            )
            notes.setdefault(employer.id, []).append(
                f"Parcours avec n° {number[training.id]} « {training.title} » "
                f"(lieu de formation à {between}){trip}"
            )
        return notes


def french_date(day: date) -> str:
    """23 novembre 2026 (1er for the first day, as French writes it)."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS_FR[day.month - 1]} {day.year}"


def short_date(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def local_date(moment: datetime | None) -> date | None:
    """Timestamps are stored in UTC; the counsellor reads them in local time."""
    return moment.astimezone().date() if moment else None


def french_number(value: float | None, digits: int = 1) -> str:
    if value is None:
        return ""
    return f"{value:.{digits}f}".replace(".", ",")


def distance_fr(value: float | None) -> str:
    return f"{french_number(value)} km" if value is not None else ""


def diploma_fr(level: int | None) -> str:
    if level is None:
        return ""
    return f"{level} — {DIPLOMA_LABELS_FR.get(level, '')}".rstrip(" —")


def phone_fr(phone: str) -> str:
    """0612345678 → 06 12 34 56 78 (other shapes left as they are)."""
    digits = phone.replace(" ", "")
    if len(digits) == 10 and digits.isdigit():
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return phone


def where_fr(entry: ShortlistEntry) -> str:
    town = " ".join(p for p in (entry.postcode, entry.commune) if p)
    if entry.address and town and town.lower() not in entry.address.lower():
        return f"{entry.address}, {town}"
    return entry.address or town


# One column of the CSV and XLSX tables: header, value (typed: str, float, date or None) and
# width hint in characters.
Column = tuple[str, Callable[[int, ShortlistEntry], Any], int]

COLUMNS: tuple[Column, ...] = (
    ("N°", lambda n, e: n, 5),
    ("Type", lambda n, e: e.kind.label_fr, 14),
    ("Intitulé", lambda n, e: e.title, 40),
    ("Organisme", lambda n, e: e.organisation, 30),
    ("Adresse", lambda n, e: e.address, 30),
    ("Code postal", lambda n, e: e.postcode, 11),
    ("Commune", lambda n, e: e.commune, 20),
    ("Distance du domicile (km)", lambda n, e: e.distance_km, 12),
    ("Téléphone", lambda n, e: phone_fr(e.phone), 15),
    ("Courriel", lambda n, e: e.email, 28),
    ("Lien", lambda n, e: e.url, 40),
    ("Niveau de diplôme", lambda n, e: diploma_fr(e.diploma_level), 18),
    ("Statut", lambda n, e: e.status.label_fr, 18),
    ("Prochaine étape", lambda n, e: e.status.next_step_fr, 30),
    ("Note", lambda n, e: e.note, 40),
    ("Ajouté le", lambda n, e: local_date(e.added_at), 11),
    ("Disponibilité", lambda n, e: "Disponible" if e.available else UNAVAILABLE_FR, 16),
    (HANDI_LABEL, lambda n, e: "Oui" if e.handi_friendly else "", 12),
    ("Données fictives", lambda n, e: "Oui" if e.fictitious else "Non", 9),
    ("Source", lambda n, e: e.source, 14),
    ("Identifiant", lambda n, e: e.item_id, 20),
    ("Latitude", lambda n, e: e.lat, 10),
    ("Longitude", lambda n, e: e.lon, 10),
)
INSERTION_HEADER = "Taux d'insertion (InserJeunes)"
# A parcours' two lines name each other (« formation de n° 3 », « employeur de n° 2 »), with
# the distance between the CFA and the workplace.
PARCOURS_HEADER = "Parcours"
PAIR_DISTANCE_HEADER = "Distance employeur – formation (km)"
HEADERS: tuple[str, ...] = (
    *(c[0] for c in COLUMNS),
    INSERTION_HEADER,
    PARCOURS_HEADER,
    PAIR_DISTANCE_HEADER,
)
INSERTION_WIDTH = 60


def insertion_fr(handout: Handout, entry: ShortlistEntry) -> str:
    """The rates with their cohorts (or why there are none) of a training; "" otherwise."""
    training = handout.training(entry)
    return export_text(training) if training is not None else ""


# Spreadsheets run a cell starting with one of these as a formula: typed text must stay text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _pair_cells(handout: Handout) -> dict[int, tuple[str, float | None]]:
    """Entry id → (« formation de n° 3 », distance employer–CFA) for entries in a parcours;
    a training with two employers names both, and its distance is left empty."""
    number = {e.id: n for n, e in enumerate(handout.entries, 1)}
    said: dict[int, list[str]] = {}
    km: dict[int, list[float | None]] = {}
    for line in handout.pairs:
        training, employer = line.entry, line.employer
        assert employer is not None
        said.setdefault(training.id, []).append(f"formation de n° {number[employer.id]}")
        said.setdefault(employer.id, []).append(f"employeur de n° {number[training.id]}")
        for side in (training.id, employer.id):
            km.setdefault(side, []).append(line.employer_to_training_km)
    return {
        entry_id: (", ".join(texts), km[entry_id][0] if len(km[entry_id]) == 1 else None)
        for entry_id, texts in said.items()
    }


def table_rows(handout: Handout, *, neutralise: bool = True) -> list[list[Any]]:
    clean = neutralise_formula if neutralise else (lambda value: value)
    pairs = _pair_cells(handout)
    return [
        [
            *(clean(get(n, e)) for _, get, _ in COLUMNS),
            clean(insertion_fr(handout, e)),
            *pairs.get(e.id, ("", None)),
        ]
        for n, e in enumerate(handout.entries, 1)
    ]
