"""The people service: young people and their shortlists in the user-data store."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lba_desktop.data import userstore
from lba_desktop.errors import InvalidInput
from lba_desktop.geo import distance_km as great_circle_km
from lba_desktop.models import Item, Place, PlaceKind
from lba_desktop.people.conflicts import PERSON_LABELS_FR, entry_conflict, person_conflict
from lba_desktop.people.journal import JournalKind, check_counsellor, current_counsellor
from lba_desktop.people.moving import ImportReport, import_user_file
from lba_desktop.people.pairs import PairMethods
from lba_desktop.people.records import (
    PEOPLE_PAGE,
    PEOPLE_SQL,
    PERSON_FIELDS,
    STATUS_LABELS_FR,
    PageKey,
    PeoplePage,
    Person,
    PersonNotFound,
    ShortlistEntry,
    ShortlistStatus,
    check_case_number,
    check_name,
    check_note,
    entry_from_row,
    home_columns,
    home_distance,
    months_before,
    normalise_email,
    normalise_phone,
    people_filter,
    people_from_rows,
    person_from_row,
    snapshot_of,
)
from lba_desktop.people.timeline import JournalMethods
from lba_desktop.text import fold

if TYPE_CHECKING:
    from lba_desktop.data.catalogue import CatalogueStore
    from lba_desktop.geocoding import Geocoder

log = logging.getLogger(__name__)


# --- Service ------------------------------------------------------------------------------


def where_people_are_kept() -> str:
    """Where the configured user data lives, in words a counsellor can be told."""
    if userstore.is_server_url(userstore.configured_target()):
        return "sur le serveur de votre structure"
    return "sur cet ordinateur"


class PeopleService(JournalMethods, PairMethods):
    """People and their shortlists. Safe to share between the window and worker threads.

    Every method takes and returns plain records (`Person`, `ShortlistEntry`), so a Qt table
    model can hold the lists it gets and call back with ids.
    """

    def __init__(
        self,
        db_path: Path | str | userstore.UserStore | None = None,
        *,
        geocoder: Geocoder | None = None,
        clock: Callable[[], datetime] | None = None,
        counsellor: str | None = None,
    ) -> None:
        self.db_path = db_path
        # Who this machine records changes as (journal, « modifié par »).
        self.counsellor = check_counsellor(counsellor) if counsellor else current_counsellor()
        self._store = userstore.open_store(db_path)
        self._lock = threading.RLock()
        self._geocoder = geocoder
        self._clock = clock or (lambda: datetime.now(UTC))

    def close(self) -> None:
        with self._lock:
            self._store.close()

    @property
    def store(self) -> userstore.UserStore:
        return self._store

    def import_user_file(self, source: Path) -> ImportReport:
        """Copy a counsellor's user.sqlite (people, shortlists, requests, journal) into this
        store, all or nothing; a file imported before is refused."""
        return import_user_file(self._store, source, counsellor=self.counsellor)

    def watch_changes(self, callback: Callable[[userstore.Change], None]) -> userstore.Watch | None:
        """Hear what other machines change (people, shortlists, journal, requests), on a
        worker thread; None on user.sqlite, where this machine is the only writer."""
        return self._store.watch(callback)

    @property
    def _conn(self) -> sqlite3.Connection:
        """The raw user.sqlite connection (SQLite store only: tests and maintenance)."""
        assert isinstance(self._store, userstore.SqliteStore)
        return self._store.conn

    def __enter__(self) -> PeopleService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing

    def _now(self) -> str:
        return self._clock().astimezone(UTC).replace(microsecond=0).isoformat()

    def _tx(self) -> AbstractContextManager[userstore.StoreConnection]:
        return self._store.transaction()

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._store.read(sql, params)

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
        case_number: str = "",
    ) -> Person:
        """Add a person. `home_insee` is an INSEE code or any text the geocoder resolves to one
        commune ("Aurillac", "15000")."""
        values = {
            "first_name": check_name(first_name, label="prénom (ou pseudonyme)", required=True),
            "last_name": check_name(last_name, label="nom", required=False),
            "phone": normalise_phone(phone),
            "email": normalise_email(email),
            "notes": check_note(notes),
            "case_number": check_case_number(case_number),
            **home_columns(self._geocode_home(home_insee)),
        }
        values["search_key"] = fold(f"{values['first_name']} {values['last_name']}")
        now = self._now()
        values.update(
            created_at=now,
            last_activity_at=now,
            updated_at=now,
            created_by=self.counsellor,
            updated_by=self.counsellor,
        )
        with self._tx() as conn:
            cur = conn.execute(
                f"INSERT INTO people ({', '.join(values)}) "
                f"VALUES ({', '.join('?' for _ in values)}) RETURNING id",
                tuple(values.values()),
            )
            person_id = int(cur.fetchone()[0])
            self._journal(conn, person_id, JournalKind.FICHE_CREEE, now)
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
        case_number: str = "",
    ) -> dict[str, str]:
        """Field → French message for everything wrong ({} when `create_person` would accept
        it), so a form can show each message beside its field instead of one at a time."""
        checks: dict[str, Callable[[], object]] = {
            "first_name": lambda: check_name(
                first_name, label="prénom (ou pseudonyme)", required=True
            ),
            "last_name": lambda: check_name(last_name, label="nom", required=False),
            "phone": lambda: normalise_phone(phone),
            "email": lambda: normalise_email(email),
            "home_insee": lambda: self._geocode_home(home_insee),
            "notes": lambda: check_note(notes),
            "case_number": lambda: check_case_number(case_number),
        }
        errors: dict[str, str] = {}
        for key, check in checks.items():
            try:
                check()
            except InvalidInput as exc:
                errors[key] = f"{exc.message} {exc.hint}".strip()
        return errors

    def update_person(self, person_id: int, *, base: Person | None = None, **fields: str) -> Person:
        """Change some of first_name, last_name, phone, email, home_insee, notes, case_number.

        `base` is the record as the counsellor opened it: when someone else saved it since,
        nothing is written and `EditConflict` says who changed what (no lost update).
        """
        unknown = set(fields) - set(PERSON_FIELDS)
        if unknown:
            raise TypeError(f"unknown person fields: {sorted(unknown)}")
        current = self.get_person(person_id)
        if base is not None and base.version != current.version:
            raise person_conflict(base, current, fields)
        values: dict[str, Any] = {}
        if "first_name" in fields:
            values["first_name"] = check_name(
                fields["first_name"], label="prénom (ou pseudonyme)", required=True
            )
        if "last_name" in fields:
            values["last_name"] = check_name(fields["last_name"], label="nom", required=False)
        if "phone" in fields:
            values["phone"] = normalise_phone(fields["phone"])
        if "email" in fields:
            values["email"] = normalise_email(fields["email"])
        if "notes" in fields:
            values["notes"] = check_note(fields["notes"])
        if "case_number" in fields:
            values["case_number"] = check_case_number(fields["case_number"])
        home_changed = "home_insee" in fields and fields["home_insee"] != current.home_insee
        if home_changed:
            values.update(home_columns(self._geocode_home(fields["home_insee"])))
        values["search_key"] = fold(
            f"{values.get('first_name', current.first_name)} "
            f"{values.get('last_name', current.last_name)}"
        )
        now = self._now()
        values.update(last_activity_at=now, updated_at=now, updated_by=self.counsellor)
        changed = [
            PERSON_LABELS_FR[k]
            for k in PERSON_FIELDS
            if k in fields and str(fields[k]).strip() != str(getattr(current, k)).strip()
        ]
        with self._tx() as conn:
            # The version test and the write are one statement: of two saves from the same
            # version, exactly one changes the row.
            cur = conn.execute(
                f"UPDATE people SET {', '.join(f'{k} = ?' for k in values)}, "
                "version = version + 1 WHERE id = ? AND version = ?",
                (*values.values(), person_id, current.version),
            )
            if cur.rowcount == 1:
                if home_changed:
                    self._recompute_distances(conn, person_id)
                if changed:
                    self._journal(
                        conn, person_id, JournalKind.FICHE_MODIFIEE, now, ", ".join(changed)
                    )
        if cur.rowcount != 1:
            raise person_conflict(base or current, self.get_person(person_id), fields)
        return self.get_person(person_id)

    def delete_person(self, person_id: int) -> None:
        """Remove a person and their shortlist (see `erase_person` for a definitive erasure)."""
        self.erase_person(person_id)

    def erase_person(self, person_id: int) -> dict[str, int]:
        """Erase every row about the person from every table and rewrite the file, so the
        deleted bytes are gone. Returns the rows deleted per table."""
        self.get_person(person_id)
        deleted = self._store.erase_person(person_id)
        log.info("Personne %d effacée (%s)", person_id, deleted)
        return deleted

    def get_person(self, person_id: int) -> Person:
        rows = self._read(PEOPLE_SQL + " WHERE p.id = ?", (person_id,))
        if not rows:
            raise PersonNotFound(person_id)
        return person_from_row(rows[0])

    def search_people(self, text: str = "") -> list[Person]:
        """People whose name contains `text` (accents and case ignored), or whose phone or
        email does, most recently active first."""
        where, params = people_filter(text)
        rows = self._read(
            f"{PEOPLE_SQL}{where} ORDER BY p.last_activity_at DESC, p.id DESC", params
        )
        return people_from_rows(rows)

    def people_page(
        self, text: str = "", *, after: PageKey | None = None, limit: int = PEOPLE_PAGE
    ) -> PeoplePage:
        """`search_people`, `limit` people at a time: the list shows a screenful, and 2,000
        people read at each colleague's change cost more than the budget on a busy server.
        `after` is the `next_key` of the page before (keyset: a change between two pages
        neither repeats nor skips anyone who did not move)."""
        where, params = people_filter(text)
        if after is not None:
            where = f"{where} AND" if where else " WHERE"
            where += " (p.last_activity_at < ? OR (p.last_activity_at = ? AND p.id < ?))"
            params = (*params, after[0], after[0], after[1])
        rows = self._read(
            f"{PEOPLE_SQL}{where} ORDER BY p.last_activity_at DESC, p.id DESC LIMIT ?",
            (*params, limit + 1),
        )
        more = len(rows) > limit
        rows = rows[:limit]
        last = rows[-1] if more else None
        key = (last["last_activity_at"], last["id"]) if last is not None else None
        return PeoplePage(people_from_rows(rows), key)

    def find_person(self, text: str) -> Person:
        """The person a user designates by id or by an unambiguous name (CLI, quick search)."""
        text = (text or "").strip()
        if text.isdigit():
            return self.get_person(int(text))
        if not fold(text):
            # "%", "-", "." fold to nothing, and nothing matches everyone.
            raise InvalidInput(
                f"« {text} » ne désigne personne.",
                hint="Indiquez le numéro de la personne ou son nom.",
            )
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

    def find_person_exactly(self, text: str) -> Person:
        """The one person a destructive command acts on: an id, or a full name that only one
        person has (accents, case and punctuation aside). Never a part of a name, never text
        that folds to nothing (« % », « - », « . »): erasing the wrong young person cannot be
        undone."""
        text = (text or "").strip()
        if text.isdigit():
            return self.get_person(int(text))
        key = fold(text)
        if not key:
            raise InvalidInput(
                f"« {text} » ne désigne personne.",
                hint="Indiquez le numéro de la personne ou son nom complet "
                "(« lba-desktop shortlist list » les affiche).",
            )
        exact = [p for p in self.search_people(text) if fold(p.display_name) == key]
        if len(exact) == 1:
            return exact[0]
        if exact:
            numbers = ", ".join(f"n° {p.id}" for p in exact[:10])
            raise InvalidInput(
                f"Plusieurs personnes portent ce nom ({numbers}).",
                hint="Indiquez le numéro de la personne.",
            )
        near = self.search_people(text)
        hint = "Indiquez le numéro de la personne ou son nom complet."
        if near:
            hint = (
                "Nom incomplet ? Personnes dont le nom contient ce texte : "
                + ", ".join(f"n° {p.id} ({p.display_name})" for p in near[:5])
                + ". Indiquez le numéro."
            )
        raise InvalidInput("Aucune personne ne porte exactement ce nom.", hint=hint)

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
            PEOPLE_SQL + " WHERE p.last_activity_at < ? ORDER BY p.last_activity_at",
            (limit.isoformat(),),
        )
        return people_from_rows(rows)

    def export_person_data(self, person_id: int) -> dict[str, Any]:
        """Everything stored about the person, table by table (right of access)."""
        self.get_person(person_id)
        return self._store.rows_of_person(person_id)

    # -- shortlist

    def shortlist(self, person_id: int) -> list[ShortlistEntry]:
        rows = self._read(
            "SELECT * FROM shortlist_items WHERE person_id = ? ORDER BY position, id",
            (person_id,),
        )
        return [entry_from_row(r) for r in rows]

    def get_entry(self, entry_id: int) -> ShortlistEntry:
        rows = self._read("SELECT * FROM shortlist_items WHERE id = ?", (entry_id,))
        if not rows:
            raise InvalidInput("Cette ligne n'existe plus dans la sélection.")
        return entry_from_row(rows[0])

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
        with self._tx() as conn:
            entry_id, created = self._insert_entry(
                conn, person, item, distance_km=distance_km, status=status, note=note
            )
        return self.get_entry(entry_id), created

    def _insert_entry(
        self,
        conn: userstore.StoreConnection,
        person: Person,
        item: Item,
        *,
        distance_km: float | None = None,
        status: ShortlistStatus = ShortlistStatus.A_ETUDIER,
        note: str = "",
    ) -> tuple[int, bool]:
        """Add `item` at the end of the shortlist inside the caller's transaction, so that
        a parcours writes its two sides and their link at once. Returns (entry id, created)."""
        existing = conn.execute(
            "SELECT id FROM shortlist_items WHERE person_id = ? AND kind = ? AND item_id = ?",
            (person.id, item.kind.value, item.id),
        ).fetchone()
        if existing is not None:
            return int(existing[0]), False
        snapshot = snapshot_of(item)
        snapshot["distance_km"] = home_distance(person, item, fallback=distance_km)
        now = self._now()
        position = conn.execute(
            "SELECT coalesce(max(position) + 1, 0) FROM shortlist_items WHERE person_id = ?",
            (person.id,),
        ).fetchone()[0]
        columns = {
            "person_id": person.id,
            "kind": item.kind.value,
            "item_id": item.id,
            "position": position,
            "status": ShortlistStatus(status).value,
            "note": check_note(note),
            "added_at": now,
            "updated_at": now,
            "checked_at": now,
            "available": 1,
            **snapshot,
        }
        cur = conn.execute(
            f"INSERT INTO shortlist_items ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)}) RETURNING id",
            tuple(columns.values()),
        )
        entry_id = int(cur.fetchone()[0])
        conn.execute("UPDATE people SET last_activity_at = ? WHERE id = ?", (now, person.id))
        self._journal(conn, person.id, JournalKind.AJOUT_SELECTION, now, _item_line(item), entry_id)
        return entry_id, True

    def remove_from_shortlist(self, entry_id: int) -> None:
        entry = self.get_entry(entry_id)
        with self._tx() as conn:
            conn.execute("DELETE FROM shortlist_items WHERE id = ?", (entry_id,))
            # A training's employers stay, as lines of their own (see user_schema v9).
            conn.execute(
                "UPDATE shortlist_items SET paired_training_entry_id = NULL "
                "WHERE paired_training_entry_id = ?",
                (entry_id,),
            )
            self._renumber(conn, entry.person_id)
            self._touch(conn, entry.person_id)
            self._journal(
                conn,
                entry.person_id,
                JournalKind.RETRAIT_SELECTION,
                self._now(),
                _item_line(entry.as_item()),
            )

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

    def set_status(
        self,
        entry_id: int,
        status: ShortlistStatus | str,
        *,
        base: ShortlistEntry | None = None,
    ) -> ShortlistEntry:
        """Change a line's status (journalled). With `base`, a line changed by someone else
        since it was opened raises `EditConflict` and nothing is written."""
        try:
            value = ShortlistStatus(status)
        except ValueError:
            raise InvalidInput(
                "Statut inconnu.",
                hint="Statuts possibles : " + ", ".join(STATUS_LABELS_FR.values()) + ".",
            ) from None
        return self._update_entry(entry_id, base=base, status=value.value)

    def set_note(
        self, entry_id: int, note: str, *, base: ShortlistEntry | None = None
    ) -> ShortlistEntry:
        return self._update_entry(entry_id, base=base, note=check_note(note))

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
        entries = [entry_from_row(r) for r in self._read(sql, params)]
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
                columns.update(snapshot_of(item))
                columns["distance_km"] = home_distance(
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

    def _update_entry(
        self, entry_id: int, *, base: ShortlistEntry | None = None, **columns: Any
    ) -> ShortlistEntry:
        entry = self.get_entry(entry_id)
        if base is not None and base.version != entry.version:
            raise entry_conflict(base, entry, columns, self.get_person(entry.person_id))
        now = self._now()
        with self._tx() as conn:
            cur = conn.execute(
                f"UPDATE shortlist_items SET {', '.join(f'{k} = ?' for k in columns)}, "
                "updated_at = ?, updated_by = ?, version = version + 1 "
                "WHERE id = ? AND version = ?",
                (*columns.values(), now, self.counsellor, entry_id, entry.version),
            )
            if cur.rowcount == 1:
                self._touch(conn, entry.person_id)
                new_status = columns.get("status")
                if new_status is not None and new_status != entry.status.value:
                    change = (
                        f"{entry.status.label_fr} → {ShortlistStatus(new_status).label_fr} : "
                        f"{_item_line(entry.as_item())}"
                    )
                    self._journal(conn, entry.person_id, JournalKind.STATUT, now, change, entry_id)
        if cur.rowcount != 1:
            raise entry_conflict(
                base or entry, self.get_entry(entry_id), columns, self.get_person(entry.person_id)
            )
        return self.get_entry(entry_id)

    def _touch(self, conn: userstore.StoreConnection, person_id: int) -> None:
        conn.execute(
            "UPDATE people SET last_activity_at = ? WHERE id = ?", (self._now(), person_id)
        )

    @staticmethod
    def _renumber(conn: userstore.StoreConnection, person_id: int) -> None:
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
    def _recompute_distances(conn: userstore.StoreConnection, person_id: int) -> None:
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


def _item_line(item: Item) -> str:
    """« CAP Boulanger (CFA du Cantal) »: what a journal line says about an item."""
    return f"{item.title} ({item.organisation})" if item.organisation else item.title
