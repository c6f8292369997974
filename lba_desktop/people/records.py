"""Young people and shortlist lines: statuses, records, field validation, row mapping."""

from __future__ import annotations

import logging
import math
import operator
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from lba_desktop.errors import InvalidInput
from lba_desktop.geo import distance_km as great_circle_km
from lba_desktop.models import Item, Kind, Place
from lba_desktop.text import fold

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_NAME = 50  # the RDV Apprentissage form caps first and last names at 50 characters
MAX_NOTE = 5000


class ShortlistStatus(StrEnum):
    """Where a young person stands with one shortlisted item."""

    A_ETUDIER = "a_etudier"
    A_CONTACTER = "a_contacter"
    CONTACTE = "contacte"
    CANDIDATURE_ENVOYEE = "candidature_envoyee"
    ENTRETIEN = "entretien"
    RETENU = "retenu"
    REFUSE = "refuse"

    @property
    def label_fr(self) -> str:
        return STATUS_LABELS_FR[self]

    @property
    def next_step_fr(self) -> str:
        return STATUS_NEXT_STEPS_FR[self]


STATUS_LABELS_FR: dict[ShortlistStatus, str] = {
    ShortlistStatus.A_ETUDIER: "À étudier",
    ShortlistStatus.A_CONTACTER: "À contacter",
    ShortlistStatus.CONTACTE: "Contacté",
    ShortlistStatus.CANDIDATURE_ENVOYEE: "Candidature envoyée",
    ShortlistStatus.ENTRETIEN: "Entretien / RDV",
    ShortlistStatus.RETENU: "Retenu",
    ShortlistStatus.REFUSE: "Refusé",
}
STATUS_NEXT_STEPS_FR: dict[ShortlistStatus, str] = {
    ShortlistStatus.A_ETUDIER: "Se renseigner et en parler avec votre conseiller.",
    ShortlistStatus.A_CONTACTER: "Prendre contact (téléphone, courriel ou sur place).",
    ShortlistStatus.CONTACTE: "Attendre la réponse, relancer si besoin.",
    ShortlistStatus.CANDIDATURE_ENVOYEE: "Relancer si pas de réponse sous 15 jours.",
    ShortlistStatus.ENTRETIEN: "Préparer l'entretien ou le rendez-vous.",
    ShortlistStatus.RETENU: "Félicitations ! Préparer le contrat et l'inscription.",
    ShortlistStatus.REFUSE: "Pas retenu : garder le contact, chercher d'autres pistes.",
}


# --- Records ------------------------------------------------------------------------------


def is_position(lat: float | None, lon: float | None) -> bool:
    """A point on Earth: both set, finite and in range (a snapshot may hold anything)."""
    return (
        lat is not None
        and lon is not None
        and -90 <= lat <= 90
        and -180 <= lon <= 180
        and math.isfinite(lat + lon)
    )


@dataclass(frozen=True, slots=True)
class Person:
    """A young person: the minimum a counsellor needs, nothing more."""

    id: int
    first_name: str
    last_name: str = ""
    phone: str = ""
    email: str = ""
    home_insee: str = ""
    home_label: str = ""
    home_lat: float | None = None
    home_lon: float | None = None
    home_departement: str = ""
    notes: str = ""
    created_at: datetime | None = None
    last_activity_at: datetime | None = None
    item_count: int = 0
    case_number: str = ""  # « n° de dossier » in the structure's information system
    version: int = 1
    created_by: str = ""
    updated_by: str = ""
    updated_at: datetime | None = None

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def has_home(self) -> bool:
        return is_position(self.home_lat, self.home_lon)


@dataclass(frozen=True, slots=True)
class ShortlistEntry:
    """One line of a shortlist: a reference to a catalogue item plus what the counsellor saw."""

    id: int
    person_id: int
    kind: Kind
    item_id: str
    position: int
    status: ShortlistStatus
    note: str
    added_at: datetime
    updated_at: datetime
    title: str
    organisation: str = ""
    address: str = ""
    commune: str = ""
    postcode: str = ""
    insee: str = ""
    departement: str = ""
    phone: str = ""
    email: str = ""
    url: str = ""
    lat: float | None = None
    lon: float | None = None
    distance_km: float | None = None  # from the person's home commune
    source: str = ""
    diploma_level: int | None = None
    fictitious: bool = False
    handi_friendly: bool = False  # an employer the upstream lists as « handi-engagé »
    available: bool = True  # False once a sync removed the item from the catalogue
    checked_at: datetime | None = None
    version: int = 1
    updated_by: str = ""
    # An employer's line saved with a training as one « parcours »: that training's line.
    paired_training_entry_id: int | None = None

    @property
    def has_position(self) -> bool:
        return is_position(self.lat, self.lon)

    @property
    def availability_fr(self) -> str:
        return "" if self.available else "n'est plus disponible"

    def as_item(self) -> Item:
        """The snapshot as a catalogue item, for views that already know how to show one."""
        return Item(
            kind=self.kind,
            id=self.item_id,
            title=self.title,
            organisation=self.organisation,
            address=self.address,
            commune=self.commune,
            insee=self.insee,
            postcode=self.postcode,
            departement=self.departement,
            lat=self.lat,
            lon=self.lon,
            diploma_level=self.diploma_level,
            source=self.source,
            phone=self.phone,
            email=self.email,
            url=self.url,
            handi_friendly=self.handi_friendly,
            fictitious=self.fictitious,
        )


PERSON_FIELDS = (
    "first_name",
    "last_name",
    "phone",
    "email",
    "home_insee",
    "notes",
    "case_number",
)
MAX_CASE_NUMBER = 40
SNAPSHOT_FIELDS = (
    "title",
    "organisation",
    "address",
    "commune",
    "postcode",
    "insee",
    "departement",
    "phone",
    "email",
    "url",
    "lat",
    "lon",
    "source",
    "diploma_level",
    "fictitious",
    "handi_friendly",
)


# --- Validation ---------------------------------------------------------------------------


def normalise_phone(text: str) -> str:
    """ "06 12 34 56 78", "06.12.34.56.78" or "+33 6 12 34 56 78" → "0612345678"; "" stays ""."""
    raw = (text or "").strip()
    if not raw:
        return ""
    digits = re.sub(r"[\s.\-/()]", "", raw)
    if digits.startswith("+33"):
        digits = "0" + digits[3:].removeprefix("0")
    elif digits.startswith("0033"):
        digits = "0" + digits[4:].removeprefix("0")
    if not (digits.isdigit() and len(digits) == 10 and digits.startswith("0")):
        raise InvalidInput(
            "Numéro de téléphone invalide.",
            hint="Tapez 10 chiffres, par exemple « 06 12 34 56 78 » ou « +33 6 12 34 56 78 ».",
        )
    return digits


def normalise_email(text: str) -> str:
    email = (text or "").strip()
    if email and (not EMAIL_RE.match(email) or len(email) > 254):
        raise InvalidInput(
            "Adresse électronique invalide.", hint="Exemple : « prenom.nom@exemple.fr »."
        )
    return email


def check_name(text: str, *, label: str, required: bool) -> str:
    value = " ".join((text or "").split())
    if required and not value:
        raise InvalidInput(
            f"Le {label} est obligatoire.", hint="Un pseudonyme suffit si la personne le préfère."
        )
    if len(value) > MAX_NAME:
        raise InvalidInput(f"Le {label} dépasse {MAX_NAME} caractères.")
    return value


def _utc(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def months_before(moment: datetime, months: int) -> datetime:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    next_month = date(year + (month == 12), month % 12 + 1, 1)
    day = min(moment.day, (next_month - timedelta(days=1)).day)
    return moment.replace(year=year, month=month, day=day)


class PersonNotFound(InvalidInput):
    def __init__(self, person_id: int) -> None:
        super().__init__(
            f"Personne n° {person_id} introuvable.",
            hint="« lba-desktop shortlist list » affiche les personnes et leur numéro.",
        )
        self.person_id = person_id


PEOPLE_SQL = (
    "SELECT p.*, (SELECT count(*) FROM shortlist_items s WHERE s.person_id = p.id) AS item_count "
    "FROM people p"
)


PEOPLE_PAGE = 200  # people read at a time for the list (a screen shows about twelve)
PageKey = tuple[str, int]  # the last row's (last_activity_at as stored, id)


@dataclass(frozen=True, slots=True)
class PeoplePage:
    """One page of the people list; `next_key` reads the next one, None after the last."""

    people: list[Person]
    next_key: PageKey | None


def people_filter(text: str) -> tuple[str, tuple[Any, ...]]:
    """The WHERE of a search of the people list (name, e-mail or phone), "" for everyone."""
    key = fold(text or "").strip()
    if not key:
        return "", ()
    like = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    digits = re.sub(r"\D", "", text)
    return (
        " WHERE (p.search_key LIKE ? ESCAPE '\\' OR lower(p.email) LIKE ? ESCAPE '\\' "
        "OR (? != '' AND p.phone LIKE ?))",
        (like, like, digits, f"%{digits}%"),
    )


def check_case_number(text: str) -> str:
    value = (text or "").strip()
    if len(value) > MAX_CASE_NUMBER:
        raise InvalidInput(f"Le n° de dossier dépasse {MAX_CASE_NUMBER} caractères.")
    if any(not ch.isprintable() for ch in value):
        raise InvalidInput("Le n° de dossier contient un caractère invisible.")
    return value


def check_note(text: str) -> str:
    note = (text or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"La note dépasse {MAX_NOTE} caractères.")
    return note


def home_columns(place: Place | None) -> dict[str, Any]:
    if place is None:
        return {
            "home_insee": "",
            "home_label": "",
            "home_lat": None,
            "home_lon": None,
            "home_departement": "",
        }
    return {
        "home_insee": place.code,
        "home_label": place.label,
        "home_lat": place.lat,
        "home_lon": place.lon,
        "home_departement": place.departement,
    }


def snapshot_of(item: Item) -> dict[str, Any]:
    return {
        "title": item.title,
        "organisation": item.organisation,
        "address": item.address,
        "commune": item.commune,
        "postcode": item.postcode,
        "insee": item.insee,
        "departement": item.departement,
        "phone": item.phone,
        "email": item.email,
        "url": item.url,
        "lat": item.lat,
        "lon": item.lon,
        "source": item.source,
        "diploma_level": item.diploma_level,
        "fictitious": int(item.fictitious),
        # The mark concerns employers; a training's own flag is not shown (as in the search).
        "handi_friendly": int(item.handi_friendly and item.kind is not Kind.FORMATION),
    }


def home_distance(person: Person, item: Item, *, fallback: float | None) -> float | None:
    if person.has_home and item.has_position:
        assert person.home_lat is not None and person.home_lon is not None
        assert item.lat is not None and item.lon is not None
        return round(great_circle_km(person.home_lat, person.home_lon, item.lat, item.lon), 1)
    return None if person.has_home else fallback


def person_from_row(row: sqlite3.Row) -> Person:
    return Person(
        id=row["id"],
        first_name=row["first_name"],
        last_name=row["last_name"],
        phone=row["phone"],
        email=row["email"],
        home_insee=row["home_insee"],
        home_label=row["home_label"],
        home_lat=row["home_lat"],
        home_lon=row["home_lon"],
        home_departement=row["home_departement"],
        notes=row["notes"],
        created_at=_utc(row["created_at"]),
        last_activity_at=_utc(row["last_activity_at"]),
        item_count=row["item_count"],
        case_number=row["case_number"],
        version=row["version"],
        created_by=row["created_by"],
        updated_by=row["updated_by"],
        updated_at=_utc(row["updated_at"]),
    )


_PERSON_COLUMNS = tuple(f.name for f in fields(Person))
_PERSON_TIMES = tuple(
    i for i, name in enumerate(_PERSON_COLUMNS) if name.endswith("_at")
)  # created_at, last_activity_at, updated_at


def people_from_rows(rows: Sequence[Any]) -> list[Person]:
    """`person_from_row` for a whole list: the columns are looked up by name once, then each
    row is read by position (the people list is 2,000 rows on a structure's server, and
    reading each field by name cost more than the query itself)."""
    if not rows:
        return []
    names = list(rows[0].keys())
    pick = operator.itemgetter(*(names.index(c) for c in _PERSON_COLUMNS))
    found = []
    for row in rows:
        values = list(pick(tuple(row)))  # tuple(): C iteration, not a Python __getitem__
        for i in _PERSON_TIMES:
            values[i] = _utc(values[i])
        found.append(Person(*values))
    return found


def entry_from_row(row: sqlite3.Row) -> ShortlistEntry:
    return ShortlistEntry(
        id=row["id"],
        person_id=row["person_id"],
        kind=Kind(row["kind"]),
        item_id=row["item_id"],
        position=row["position"],
        status=ShortlistStatus(row["status"]),
        note=row["note"],
        added_at=datetime.fromisoformat(row["added_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        title=row["title"],
        organisation=row["organisation"],
        address=row["address"],
        commune=row["commune"],
        postcode=row["postcode"],
        insee=row["insee"],
        departement=row["departement"],
        phone=row["phone"],
        email=row["email"],
        url=row["url"],
        lat=row["lat"],
        lon=row["lon"],
        distance_km=row["distance_km"],
        source=row["source"],
        diploma_level=row["diploma_level"],
        fictitious=bool(row["fictitious"]),
        handi_friendly=bool(row["handi_friendly"]),
        available=bool(row["available"]),
        checked_at=_utc(row["checked_at"]),
        version=row["version"],
        updated_by=row["updated_by"],
        paired_training_entry_id=row["paired_training_entry_id"],
    )
