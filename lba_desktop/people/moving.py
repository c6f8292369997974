"""Moving in: a counsellor's user.sqlite copied into the configured store, with a report."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lba_desktop.data import userdb
from lba_desktop.data.userstore import StoreConnection, UserStore
from lba_desktop.errors import InvalidInput
from lba_desktop.people import journal
from lba_desktop.people.journal import JournalKind
from lba_desktop.text import fold

log = logging.getLogger(__name__)

# Copied in this order, each after the tables its rows point to.
TABLES = ("people", "person_profiles", "shortlist_items", "appointment_requests", "journal_events")
# A profile is numbered by its person (one each): the others by their own id.
KEYS = {"person_profiles": "person_id"}
# Columns pointing at a row of another table, whose number changes on the way.
REFERENCES = {
    # Mobility, level aimed at and métiers: what « Parcours complets » and « what's new »
    # read. The leads of « what's new » stay behind: they are counted against the catalogue
    # of the machine they were found on, and the next pass here finds this one's.
    "person_profiles": {"person_id": "people"},
    # A parcours' employer line names its training's line (copied first, see `_in_order`).
    "shortlist_items": {"person_id": "people", "paired_training_entry_id": "shortlist_items"},
    "appointment_requests": {"person_id": "people", "shortlist_entry_id": "shortlist_items"},
    "journal_events": {
        "person_id": "people",
        "shortlist_entry_id": "shortlist_items",
        "request_id": "appointment_requests",
    },
}


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What was moved, table by table, and from where."""

    source: str
    people: int
    entries: int
    requests: int
    events: int
    profiles: int = 0

    @property
    def text_fr(self) -> str:
        profiles = (
            f" (dont {self.profiles} avec {'leur' if self.profiles > 1 else 'son'} profil de "
            f"recherche)"
            if self.profiles
            else ""
        )
        return (
            f"Importé depuis {self.source} : {self.people} jeune{'s' * (self.people > 1)}"
            f"{profiles}, "
            f"{self.entries} piste{'s' * (self.entries > 1)} de sélection, "
            f"{self.requests} demande{'s' * (self.requests > 1)} de rendez-vous, "
            f"{self.events} ligne{'s' * (self.events > 1)} de journal. Les réglages de ce "
            "fichier (clé d'API, structure) restent sur son poste."
        )


def read_user_file(source: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of a user.sqlite, brought to the current schema on a private copy: the
    counsellor's file itself is never written."""
    if not source.is_file():
        raise InvalidInput(f"Fichier introuvable : {source}.", hint="Indiquez un user.sqlite.")
    with tempfile.TemporaryDirectory(prefix="lba-import-") as folder:
        copy = Path(folder) / "user.sqlite"
        try:
            # The backup API reads the file and its write-ahead log as one consistent copy.
            with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as original:
                target = sqlite3.connect(copy)
                original.backup(target)
                target.close()
            original.close()
        except sqlite3.DatabaseError as exc:
            raise InvalidInput(
                f"{source.name} n'est pas un fichier de données de LBA Desktop lisible.",
                hint="Indiquez le user.sqlite du dossier des données d'un conseiller.",
            ) from exc
        conn = userdb.connect(copy)
        try:
            rows: dict[str, list[dict[str, Any]]] = {}
            for table in TABLES:
                cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY {KEYS.get(table, "id")}')
                names = [d[0] for d in cursor.description]
                rows[table] = [dict(zip(names, r, strict=True)) for r in cursor]
            return rows
        finally:
            conn.close()
            shutil.rmtree(folder, ignore_errors=True)


def import_user_file(
    store: UserStore, source: Path, *, counsellor: str, now: datetime | None = None
) -> ImportReport:
    """Copy every person of `source` with their shortlist, requests and journal into
    `store`, in one transaction (all or nothing), under new numbers; each person's journal
    says who imported them and when. A file already imported is refused."""
    rows = read_user_file(source)
    at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat()
    with store.transaction() as conn:
        _refuse_twice(conn, rows)
        new_ids: dict[str, dict[int, int]] = {table: {} for table in TABLES}
        columns = {table: _columns(conn, table) for table in TABLES}
        for table in TABLES:
            for row in _in_order(table, rows[table]):
                key = KEYS.get(table, "id")
                values = {k: v for k, v in row.items() if k in columns[table] and k != "id"}
                if table == "people":
                    # Rebuilt rather than trusted: the quick search reads it.
                    values["search_key"] = fold(f"{row['first_name']} {row['last_name']}")
                for column, target in REFERENCES.get(table, {}).items():
                    if values.get(column) is not None:
                        values[column] = new_ids[target].get(values[column])
                new_ids[table][row[key]] = _insert(conn, table, values, returning=key)
        for old_id, person_id in new_ids["people"].items():
            journal.record(
                conn,
                person_id=person_id,
                kind=JournalKind.IMPORT,
                counsellor=counsellor,
                at=at,
                summary=f"depuis {source.name} (n° {old_id})",
            )
    report = ImportReport(
        source=source.name,
        people=len(rows["people"]),
        entries=len(rows["shortlist_items"]),
        requests=len(rows["appointment_requests"]),
        events=len(rows["journal_events"]),
        profiles=len(rows["person_profiles"]),
    )
    log.info(
        "Import : %d personnes, %d pistes, %d demandes, %d lignes de journal",
        report.people,
        report.entries,
        report.requests,
        report.events,
    )
    return report


def _in_order(table: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Lines of no parcours (trainings among them) before the employers paired with one, so
    a line's training already has its new number when the line is copied."""
    if table != "shortlist_items":
        return rows
    return sorted(rows, key=lambda r: r.get("paired_training_entry_id") is not None)


def _columns(conn: StoreConnection, table: str) -> set[str]:
    cursor: Any = conn.execute(f'SELECT * FROM "{table}" WHERE 1 = 0')
    return {getattr(d, "name", None) or d[0] for d in cursor.description}


def _insert(conn: StoreConnection, table: str, values: dict[str, Any], *, returning: str) -> int:
    names = list(values)
    return int(
        conn.execute(
            f'INSERT INTO "{table}" ({", ".join(names)}) '
            f"VALUES ({', '.join('?' for _ in names)}) RETURNING {returning}",
            tuple(values[n] for n in names),
        ).fetchone()[0]
    )


def _refuse_twice(conn: StoreConnection, rows: dict[str, list[dict[str, Any]]]) -> None:
    """A request's key is unique to it, a person's creation instant nearly so: finding them
    already there means this file (or a copy) was imported before."""
    keys = [r["idempotency_key"] for r in rows["appointment_requests"]]
    people = [(r["first_name"], r["last_name"], r["created_at"]) for r in rows["people"]]
    found = _count_present(conn, "appointment_requests", ("idempotency_key",), [(k,) for k in keys])
    found += _count_present(conn, "people", ("first_name", "last_name", "created_at"), people)
    if found:
        raise InvalidInput(
            "Ce fichier a déjà été importé : rien n'a été copié une deuxième fois.",
            hint=f"{found} fiche(s) ou demande(s) de ce fichier sont déjà dans les données.",
        )


def _count_present(
    conn: StoreConnection, table: str, columns: Sequence[str], values: list[tuple[Any, ...]]
) -> int:
    condition = " AND ".join(f"{c} = ?" for c in columns)
    return sum(
        conn.execute(f"SELECT count(*) FROM {table} WHERE {condition}", v).fetchone()[0]
        for v in values
    )
