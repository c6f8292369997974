"""Young people followed by a counsellor and their shortlists, stored in user.sqlite."""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lba_desktop.data import userdb
from lba_desktop.errors import InvalidInput
from lba_desktop.geo import distance_km as great_circle_km
from lba_desktop.models import Item, Kind, Place, PlaceKind
from lba_desktop.text import fold

if TYPE_CHECKING:
    from lba_desktop.data.catalogue import CatalogueStore
    from lba_desktop.geocoding import Geocoder

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

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def has_home(self) -> bool:
        return self.home_lat is not None and self.home_lon is not None


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
    available: bool = True  # False once a sync removed the item from the catalogue
    checked_at: datetime | None = None

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None

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
            fictitious=self.fictitious,
        )


PERSON_FIELDS = ("first_name", "last_name", "phone", "email", "home_insee", "notes")
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


def _name(text: str, *, label: str, required: bool) -> str:
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


# --- Service ------------------------------------------------------------------------------


class PeopleService:
    """People and their shortlists. Safe to share between the window and worker threads.

    Every method takes and returns plain records (`Person`, `ShortlistEntry`), so a Qt table
    model can hold the lists it gets and call back with ids.
    """

    def __init__(
        self,
        db_path: Path | None = None,
        *,
        geocoder: Geocoder | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.db_path = db_path
        self._conn = userdb.connect(db_path)
        self._lock = threading.RLock()
        self._geocoder = geocoder
        self._clock = clock or (lambda: datetime.now(UTC))

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> PeopleService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing

    def _now(self) -> str:
        return self._clock().astimezone(UTC).replace(microsecond=0).isoformat()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return userdb.transaction(self._conn, self._lock)

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return userdb.read(self._conn, self._lock, sql, params)

    def _geocode_home(self, text: str) -> Place | None:
        text = (text or "").strip()
        if not text:
            return None
        if self._geocoder is None:
            from lba_desktop.geocoding import default_geocoder

            self._geocoder = default_geocoder()
        place = self._geocoder.resolve(text)
        if place.kind is not PlaceKind.COMMUNE:
            raise InvalidInput(
                "La commune de résidence doit être une commune.",
                hint="Tapez un nom de commune, un code postal ou un code INSEE.",
            )
        return place

    # -- people

    def create_person(
        self,
        *,
        first_name: str,
        last_name: str = "",
        phone: str = "",
        email: str = "",
        home_insee: str = "",
        notes: str = "",
    ) -> Person:
        """Add a person. `home_insee` is an INSEE code or any text the geocoder resolves to one
        commune ("Aurillac", "15000")."""
        values = {
            "first_name": _name(first_name, label="prénom (ou pseudonyme)", required=True),
            "last_name": _name(last_name, label="nom", required=False),
            "phone": normalise_phone(phone),
            "email": normalise_email(email),
            "notes": _note(notes),
            **_home_columns(self._geocode_home(home_insee)),
        }
        values["search_key"] = fold(f"{values['first_name']} {values['last_name']}")
        now = self._now()
        with self._tx() as conn:
            cur = conn.execute(
                f"INSERT INTO people ({', '.join(values)}, created_at, last_activity_at) "
                f"VALUES ({', '.join('?' for _ in values)}, ?, ?)",
                (*values.values(), now, now),
            )
            person_id = int(cur.lastrowid or 0)
        log.info("Personne %d créée", person_id)
        return self.get_person(person_id)

    def check_person(
        self,
        *,
        first_name: str = "",
        last_name: str = "",
        phone: str = "",
        email: str = "",
        home_insee: str = "",
        notes: str = "",
    ) -> dict[str, str]:
        """Field → French message for everything wrong ({} when `create_person` would accept
        it), so a form can show each message beside its field instead of one at a time."""
        checks: dict[str, Callable[[], object]] = {
            "first_name": lambda: _name(first_name, label="prénom (ou pseudonyme)", required=True),
            "last_name": lambda: _name(last_name, label="nom", required=False),
            "phone": lambda: normalise_phone(phone),
            "email": lambda: normalise_email(email),
            "home_insee": lambda: self._geocode_home(home_insee),
            "notes": lambda: _note(notes),
        }
        errors: dict[str, str] = {}
        for key, check in checks.items():
            try:
                check()
            except InvalidInput as exc:
                errors[key] = f"{exc.message} {exc.hint}".strip()
        return errors

    def update_person(self, person_id: int, **fields: str) -> Person:
        """Change some of first_name, last_name, phone, email, home_insee, notes."""
        unknown = set(fields) - set(PERSON_FIELDS)
        if unknown:
            raise TypeError(f"unknown person fields: {sorted(unknown)}")
        current = self.get_person(person_id)
        values: dict[str, Any] = {}
        if "first_name" in fields:
            values["first_name"] = _name(
                fields["first_name"], label="prénom (ou pseudonyme)", required=True
            )
        if "last_name" in fields:
            values["last_name"] = _name(fields["last_name"], label="nom", required=False)
        if "phone" in fields:
            values["phone"] = normalise_phone(fields["phone"])
        if "email" in fields:
            values["email"] = normalise_email(fields["email"])
        if "notes" in fields:
            values["notes"] = _note(fields["notes"])
        home_changed = "home_insee" in fields and fields["home_insee"] != current.home_insee
        if home_changed:
            values.update(_home_columns(self._geocode_home(fields["home_insee"])))
        values["search_key"] = fold(
            f"{values.get('first_name', current.first_name)} "
            f"{values.get('last_name', current.last_name)}"
        )
        values["last_activity_at"] = self._now()
        with self._tx() as conn:
            conn.execute(
                f"UPDATE people SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                (*values.values(), person_id),
            )
            if home_changed:
                self._recompute_distances(conn, person_id)
        return self.get_person(person_id)

    def delete_person(self, person_id: int) -> None:
        """Remove a person and their shortlist (see `erase_person` for a definitive erasure)."""
        self.erase_person(person_id)

    def erase_person(self, person_id: int) -> dict[str, int]:
        """Erase every row about the person from every table and rewrite the file, so the
        deleted bytes are gone. Returns the rows deleted per table."""
        self.get_person(person_id)
        with self._lock:
            try:
                deleted = userdb.erase_person(self._conn, person_id)
            except sqlite3.Error as exc:
                raise userdb.storage_error(exc) from exc
        log.info("Personne %d effacée (%s)", person_id, deleted)
        return deleted

    def get_person(self, person_id: int) -> Person:
        rows = self._read(_PEOPLE_SQL + " WHERE p.id = ?", (person_id,))
        if not rows:
            raise PersonNotFound(person_id)
        return _person(rows[0])

    def search_people(self, text: str = "") -> list[Person]:
        """People whose name contains `text` (accents and case ignored), or whose phone or
        email does, most recently active first."""
        key = fold(text or "").strip()
        if not key:
            rows = self._read(_PEOPLE_SQL + " ORDER BY p.last_activity_at DESC, p.id DESC")
            return [_person(r) for r in rows]
        like = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        digits = re.sub(r"\D", "", text)
        rows = self._read(
            _PEOPLE_SQL + " WHERE p.search_key LIKE ? ESCAPE '\\' OR lower(p.email) LIKE ? "
            "ESCAPE '\\' OR (? != '' AND p.phone LIKE ?) "
            "ORDER BY p.last_activity_at DESC, p.id DESC",
            (like, like, digits, f"%{digits}%"),
        )
        return [_person(r) for r in rows]

    def find_person(self, text: str) -> Person:
        """The person a user designates by id or by an unambiguous name (CLI, quick search)."""
        text = (text or "").strip()
        if text.isdigit():
            return self.get_person(int(text))
        matches = self.search_people(text)
        exact = [p for p in matches if fold(p.display_name) == fold(text)]
        if len(exact) == 1:
            return exact[0]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise InvalidInput(
                "Aucune personne ne correspond à cette recherche.",
                hint="« lba-desktop shortlist list » affiche les personnes et leur numéro.",
            )
        numbers = ", ".join(f"n° {p.id}" for p in matches[:10])
        raise InvalidInput(
            f"Plusieurs personnes correspondent ({numbers}).",
            hint="Indiquez le numéro de la personne.",
        )

    def touch(self, person_id: int) -> None:
        """Record activity (e.g. the counsellor opened the file) for the inactivity purge."""
        with self._tx() as conn:
            cur = conn.execute(
                "UPDATE people SET last_activity_at = ? WHERE id = ?", (self._now(), person_id)
            )
            if cur.rowcount == 0:
                raise PersonNotFound(person_id)

    def people_inactive_since(self, months: int = 12) -> list[Person]:
        """People with no activity for `months` months: candidates for the automatic purge
        proposal (the upstream anonymises after one year)."""
        limit = months_before(self._clock().astimezone(UTC), months).replace(microsecond=0)
        rows = self._read(
            _PEOPLE_SQL + " WHERE p.last_activity_at < ? ORDER BY p.last_activity_at",
            (limit.isoformat(),),
        )
        return [_person(r) for r in rows]

    def export_person_data(self, person_id: int) -> dict[str, Any]:
        """Everything stored about the person, table by table (right of access)."""
        self.get_person(person_id)
        with self._lock:
            return userdb.rows_of_person(self._conn, person_id)

    # -- shortlist

    def shortlist(self, person_id: int) -> list[ShortlistEntry]:
        rows = self._read(
            "SELECT * FROM shortlist_items WHERE person_id = ? ORDER BY position, id",
            (person_id,),
        )
        return [_entry(r) for r in rows]

    def get_entry(self, entry_id: int) -> ShortlistEntry:
        rows = self._read("SELECT * FROM shortlist_items WHERE id = ?", (entry_id,))
        if not rows:
            raise InvalidInput("Cette ligne n'existe plus dans la sélection.")
        return _entry(rows[0])

    def add_to_shortlist(
        self,
        person_id: int,
        *,
        item: Item,
        distance_km: float | None = None,
        status: ShortlistStatus = ShortlistStatus.A_ETUDIER,
        note: str = "",
    ) -> tuple[ShortlistEntry, bool]:
        """Add an item at the end of the person's shortlist.

        Returns (entry, created). When the item is already there, the existing line comes back
        with created=False and nothing changes. The distance is measured from the person's
        home commune; `distance_km` (e.g. from the search place) is kept only when the person
        has no home commune.
        """
        person = self.get_person(person_id)
        existing = self._read(
            "SELECT * FROM shortlist_items WHERE person_id = ? AND kind = ? AND item_id = ?",
            (person_id, item.kind.value, item.id),
        )
        if existing:
            return _entry(existing[0]), False
        snapshot = _snapshot(item)
        snapshot["distance_km"] = _home_distance(person, item, fallback=distance_km)
        now = self._now()
        with self._tx() as conn:
            position = conn.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM shortlist_items WHERE person_id = ?",
                (person_id,),
            ).fetchone()[0]
            columns = {
                "person_id": person_id,
                "kind": item.kind.value,
                "item_id": item.id,
                "position": position,
                "status": ShortlistStatus(status).value,
                "note": _note(note),
                "added_at": now,
                "updated_at": now,
                "checked_at": now,
                "available": 1,
                **snapshot,
            }
            cur = conn.execute(
                f"INSERT INTO shortlist_items ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})",
                tuple(columns.values()),
            )
            entry_id = int(cur.lastrowid or 0)
            conn.execute("UPDATE people SET last_activity_at = ? WHERE id = ?", (now, person_id))
        return self.get_entry(entry_id), True

    def remove_from_shortlist(self, entry_id: int) -> None:
        entry = self.get_entry(entry_id)
        with self._tx() as conn:
            conn.execute("DELETE FROM shortlist_items WHERE id = ?", (entry_id,))
            self._renumber(conn, entry.person_id)
            self._touch(conn, entry.person_id)

    def move(self, entry_id: int, new_position: int) -> list[ShortlistEntry]:
        """Put a line at `new_position` (0-based, clamped); returns the reordered shortlist."""
        entry = self.get_entry(entry_id)
        with self._tx() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM shortlist_items WHERE person_id = ? ORDER BY position, id",
                    (entry.person_id,),
                )
            ]
            ids.remove(entry_id)
            ids.insert(max(0, min(new_position, len(ids))), entry_id)
            conn.executemany(
                "UPDATE shortlist_items SET position = ? WHERE id = ?",
                [(i, eid) for i, eid in enumerate(ids)],
            )
            self._touch(conn, entry.person_id)
        return self.shortlist(entry.person_id)

    def set_status(self, entry_id: int, status: ShortlistStatus | str) -> ShortlistEntry:
        try:
            value = ShortlistStatus(status)
        except ValueError:
            raise InvalidInput(
                "Statut inconnu.",
                hint="Statuts possibles : " + ", ".join(STATUS_LABELS_FR.values()) + ".",
            ) from None
        return self._update_entry(entry_id, status=value.value)

    def set_note(self, entry_id: int, note: str) -> ShortlistEntry:
        return self._update_entry(entry_id, note=_note(note))

    def refresh_availability(
        self,
        store: CatalogueStore,
        *,
        person_id: int | None = None,
        refresh_snapshot: bool = True,
    ) -> int:
        """Mark each line available or not in `store` (after a sync or a data pack import).

        When the item still exists and `refresh_snapshot` is set, the snapshot takes its new
        address, contacts…; otherwise the snapshot is kept as it was. Returns how many lines
        changed availability.
        """
        sql = "SELECT * FROM shortlist_items"
        params: tuple[Any, ...] = ()
        if person_id is not None:
            sql += " WHERE person_id = ?"
            params = (person_id,)
        entries = [_entry(r) for r in self._read(sql, params)]
        people = {p.id: p for p in self.search_people()}
        now = self._now()
        changed = 0
        updates: list[tuple[str, tuple[Any, ...]]] = []
        for entry in entries:
            item = store.get(entry.kind, entry.item_id)
            available = item is not None
            changed += available != entry.available
            columns: dict[str, Any] = {"available": int(available), "checked_at": now}
            if item is not None and refresh_snapshot:
                columns.update(_snapshot(item))
                columns["distance_km"] = _home_distance(
                    people[entry.person_id], item, fallback=entry.distance_km
                )
            updates.append(
                (
                    f"UPDATE shortlist_items SET {', '.join(f'{k} = ?' for k in columns)} "
                    "WHERE id = ?",
                    (*columns.values(), entry.id),
                )
            )
        with self._tx() as conn:
            for sql_update, values in updates:
                conn.execute(sql_update, values)
        return changed

    # -- internals

    def _update_entry(self, entry_id: int, **columns: Any) -> ShortlistEntry:
        entry = self.get_entry(entry_id)
        now = self._now()
        with self._tx() as conn:
            conn.execute(
                f"UPDATE shortlist_items SET {', '.join(f'{k} = ?' for k in columns)}, "
                "updated_at = ? WHERE id = ?",
                (*columns.values(), now, entry_id),
            )
            self._touch(conn, entry.person_id)
        return self.get_entry(entry_id)

    def _touch(self, conn: sqlite3.Connection, person_id: int) -> None:
        conn.execute(
            "UPDATE people SET last_activity_at = ? WHERE id = ?", (self._now(), person_id)
        )

    @staticmethod
    def _renumber(conn: sqlite3.Connection, person_id: int) -> None:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM shortlist_items WHERE person_id = ? ORDER BY position, id",
                (person_id,),
            )
        ]
        conn.executemany(
            "UPDATE shortlist_items SET position = ? WHERE id = ?",
            [(i, eid) for i, eid in enumerate(ids)],
        )

    @staticmethod
    def _recompute_distances(conn: sqlite3.Connection, person_id: int) -> None:
        home = conn.execute(
            "SELECT home_lat, home_lon FROM people WHERE id = ?", (person_id,)
        ).fetchone()
        for entry_id, lat, lon in conn.execute(
            "SELECT id, lat, lon FROM shortlist_items WHERE person_id = ?", (person_id,)
        ).fetchall():
            distance = None
            if home[0] is not None and lat is not None and lon is not None:
                distance = round(great_circle_km(home[0], home[1], lat, lon), 1)
            conn.execute(
                "UPDATE shortlist_items SET distance_km = ? WHERE id = ?", (distance, entry_id)
            )


class PersonNotFound(InvalidInput):
    def __init__(self, person_id: int) -> None:
        super().__init__(
            f"Personne n° {person_id} introuvable.",
            hint="« lba-desktop shortlist list » affiche les personnes et leur numéro.",
        )
        self.person_id = person_id


_PEOPLE_SQL = (
    "SELECT p.*, (SELECT count(*) FROM shortlist_items s WHERE s.person_id = p.id) AS item_count "
    "FROM people p"
)


def _note(text: str) -> str:
    note = (text or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"La note dépasse {MAX_NOTE} caractères.")
    return note


def _home_columns(place: Place | None) -> dict[str, Any]:
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


def _snapshot(item: Item) -> dict[str, Any]:
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
    }


def _home_distance(person: Person, item: Item, *, fallback: float | None) -> float | None:
    if person.has_home and item.has_position:
        assert person.home_lat is not None and person.home_lon is not None
        assert item.lat is not None and item.lon is not None
        return round(great_circle_km(person.home_lat, person.home_lon, item.lat, item.lon), 1)
    return None if person.has_home else fallback


def _person(row: sqlite3.Row) -> Person:
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
    )


def _entry(row: sqlite3.Row) -> ShortlistEntry:
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
        available=bool(row["available"]),
        checked_at=_utc(row["checked_at"]),
    )


__all__ = [
    "PeopleService",
    "Person",
    "PersonNotFound",
    "ShortlistEntry",
    "ShortlistStatus",
    "normalise_email",
    "normalise_phone",
]
