"""While the structure's server is away: the last copy of the counsellor's young people on this
computer, read-only, and the notes and statuses typed meanwhile, kept until the server takes
them (each one checked against the version it was typed on)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lba_desktop import paths
from lba_desktop.data import userstore
from lba_desktop.errors import InvalidInput
from lba_desktop.people.conflicts import EditConflict
from lba_desktop.people.records import (
    ShortlistEntry,
    ShortlistStatus,
    check_note,
    entry_from_row,
)
from lba_desktop.people.service import PeopleService

log = logging.getLogger(__name__)

COPY_FILE = "copie-serveur.sqlite"
ServerAway = userstore.ServerAway  # for the window, which reaches storage only through here
Change = userstore.Change
FIELDS = ("note", "status")
WAITING, CONFLICT, GONE = "attente", "conflit", "disparue"

# The copy's own table: what was typed while the server was away. No foreign key: a refresh
# of the copy replaces its people and lines, never what is waiting to be sent. `person_id`
# makes an erasure find it like any other table about a person.
_EDITS_SQL = """CREATE TABLE IF NOT EXISTS offline_edits (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL,
    entry_id INTEGER NOT NULL,
    field TEXT NOT NULL CHECK (field IN ('note', 'status')),
    value TEXT NOT NULL,
    base TEXT NOT NULL,
    typed_at TEXT NOT NULL,
    counsellor TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'attente',
    person_label TEXT NOT NULL DEFAULT '',
    UNIQUE (entry_id, field)
)"""
# Copies written before the person's name was kept with each edit.
_EDITS_LABEL_SQL = "ALTER TABLE offline_edits ADD COLUMN person_label TEXT NOT NULL DEFAULT ''"

# « The counsellor's young people »: those they created, changed last, or followed (a line or
# a journal step of theirs). Only those are kept on the computer, not the whole structure.
_MINE = (
    "created_by = ? OR updated_by = ? "
    "OR id IN (SELECT person_id FROM shortlist_items WHERE updated_by = ?) "
    "OR id IN (SELECT person_id FROM journal_events WHERE counsellor = ?)"
)


def copy_path() -> Path:
    return paths.data_root() / COPY_FILE


class ReadOnlyWhileAway(InvalidInput):
    """A change the copy cannot take: only notes and statuses wait for the server."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"Le {where} ne répond pas : les fiches sont en lecture seule.",
            hint="Les notes et statuts de la sélection restent modifiables : ils sont gardés "
            "sur cet ordinateur et enregistrés sur le serveur dès son retour.",
        )


@dataclass(frozen=True, slots=True)
class OfflineEdit:
    """One note or status typed while the server was away, with the line it was typed on."""

    id: int
    person_id: int
    entry_id: int
    field: str  # note | status
    value: str
    base: ShortlistEntry
    typed_at: datetime
    counsellor: str
    state: str
    person_label: str = ""  # the name when typed: the person may be gone since

    @property
    def who_fr(self) -> str:
        return self.person_label or f"jeune n° {self.person_id}"

    @property
    def label_fr(self) -> str:
        if self.field == "status":
            return f"statut « {ShortlistStatus(self.value).label_fr} »"
        return f"note « {self.value} »" if self.value else "note effacée"


@dataclass
class ReplayReport:
    """What the server took when it came back, and what needs a decision."""

    applied: int = 0
    conflicts: list[tuple[OfflineEdit, EditConflict]] = field(default_factory=list)
    gone: list[OfflineEdit] = field(default_factory=list)

    @property
    def summary_fr(self) -> str:
        parts = [f"{self.applied} modification(s) faite(s) hors connexion enregistrée(s)"]
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} à départager")
        if self.gone:
            parts.append(f"{len(self.gone)} sur une fiche ou une piste supprimée entre-temps")
        return ", ".join(parts) + "."


def _row_dict(row: Any) -> dict[str, Any]:
    return dict(zip(row.keys(), tuple(row), strict=True))


class LocalCopy:
    """copie-serveur.sqlite in the data folder: a user.sqlite holding the last copy of the
    counsellor's people and shortlists, plus the edits waiting for the server."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or copy_path()
        self._store: userstore.SqliteStore | None = None

    @property
    def store(self) -> userstore.SqliteStore:
        if self._store is None:
            store = userstore.SqliteStore(self.path)
            with store.transaction() as conn:
                conn.execute(_EDITS_SQL)
                columns = {r[1] for r in conn.execute("PRAGMA table_info(offline_edits)")}
                if "person_label" not in columns:
                    conn.execute(_EDITS_LABEL_SQL)
            self._store = store
        return self._store

    def exists(self) -> bool:
        return self.path.exists()

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    # -- the copy

    def refresh(self, server: PeopleService) -> int:
        """Replace the copy by the server's current rows of the counsellor's people, then lay
        the edits still waiting over them. Returns the number of people copied."""
        me = (server.counsellor,) * 4
        people = server.store.read(f"SELECT * FROM people WHERE {_MINE}", me)
        lines = server.store.read(
            f"SELECT * FROM shortlist_items WHERE person_id IN (SELECT id FROM people "
            f"WHERE {_MINE})",
            me,
        )
        ids = {row["id"] for row in people}
        events = server.store.read(
            f"SELECT * FROM journal_events WHERE person_id IN (SELECT id FROM people "
            f"WHERE {_MINE})",
            me,
        )
        waiting_for = sorted({e.person_id for e in self.pending()})
        held = {row[0] for row in self.store.read("SELECT id FROM people")}
        still_there = (
            {
                row[0]
                for row in server.store.read(
                    f"SELECT id FROM people WHERE id IN ({', '.join('?' for _ in waiting_for)})",
                    waiting_for,
                )
            }
            if waiting_for
            else set()
        )
        with self.store.transaction() as conn:
            # Someone erased on the server leaves the copy (their record, lines, journal);
            # what this counsellor typed about them meanwhile waits for their decision
            # (`gone`, `let_go`): nothing typed is lost without being asked.
            for person_id in set(waiting_for) - still_there:
                conn.execute(
                    "UPDATE offline_edits SET state = ? WHERE person_id = ?", (GONE, person_id)
                )
            conn.execute("DELETE FROM shortlist_items")
            conn.execute("DELETE FROM journal_events")
            conn.execute("DELETE FROM people")
            self._insert(conn, "people", people)
            # A parcours' employer line after the training line it names.
            self._insert(
                conn,
                "shortlist_items",
                sorted(
                    (r for r in lines if r["person_id"] in ids),
                    key=_paired,
                ),
            )
            # Requests stay on the server: the copy's journal lines point at none.
            kept_lines = {r["id"] for r in lines if r["person_id"] in ids}
            self._insert(
                conn,
                "journal_events",
                [
                    {
                        **_row_dict(r),
                        "request_id": None,
                        "shortlist_entry_id": r["shortlist_entry_id"]
                        if r["shortlist_entry_id"] in kept_lines
                        else None,
                    }
                    for r in events
                    if r["person_id"] in ids
                ],
            )
            for edit in self.pending(states=(WAITING,)):
                conn.execute(
                    f"UPDATE shortlist_items SET {edit.field} = ? WHERE id = ?",
                    (edit.value, edit.entry_id),
                )
        if held - ids:
            # Someone left the copy (erased by a colleague, or no longer followed here): the
            # write-ahead log still holds their old pages while any connection is open.
            self.store.compact()
        return len(ids)

    def _insert(self, conn: Any, table: str, rows: list[Any]) -> None:
        if not rows:
            return
        # The columns both files have: a server a version ahead still fills the copy.
        mine = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
        columns = [c for c in rows[0].keys() if c in mine]  # noqa: SIM118 (a row iterates values)
        conn.executemany(
            f'INSERT INTO "{table}" ({", ".join(columns)}) '
            f"VALUES ({', '.join('?' for _ in columns)})",
            [tuple(row[c] for c in columns) for row in rows],
        )

    def forget_person(self, person_id: int) -> None:
        """An erasure reaches this copy too (its lines and waiting edits with it)."""
        if self.exists():
            self.store.erase_person(person_id)

    def people_service(self, *, counsellor: str, where: str, geocoder: Any = None) -> OfflinePeople:
        return OfflinePeople(self, counsellor=counsellor, where=where, geocoder=geocoder)

    # -- the edits waiting for the server

    def pending(self, *, states: Iterable[str] = (WAITING, CONFLICT, GONE)) -> list[OfflineEdit]:
        wanted = tuple(states)
        rows = self.store.read(
            f"SELECT * FROM offline_edits WHERE state IN ({', '.join('?' for _ in wanted)}) "
            "ORDER BY id",
            wanted,
        )
        return [_edit_of(row) for row in rows]

    def keep(
        self,
        *,
        entry: ShortlistEntry,
        base: ShortlistEntry,
        field: str,
        value: str,
        who: str,
        person_label: str = "",
    ) -> None:
        """Record a typed value. A second change of the same field replaces the value but
        keeps the version the first one was typed on: that is what the server must check."""
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
        base_json = json.dumps(_entry_json(base))
        with self.store.transaction() as conn:
            conn.execute(
                "INSERT INTO offline_edits (person_id, entry_id, field, value, base, typed_at, "
                "counsellor, person_label) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (entry_id, field) DO "
                "UPDATE SET value = excluded.value, typed_at = excluded.typed_at, "
                "state = 'attente'",
                (entry.person_id, entry.id, field, value, base_json, now, who, person_label),
            )

    def base_of(self, entry: ShortlistEntry) -> ShortlistEntry:
        """The line as the server last gave it: the base of an earlier edit of the same line,
        else the line as the copy holds it now."""
        rows = self.store.read(
            "SELECT base FROM offline_edits WHERE entry_id = ? ORDER BY id LIMIT 1", (entry.id,)
        )
        return _entry_of_json(rows[0]["base"]) if rows else entry

    def replay(self, server: PeopleService) -> ReplayReport:
        """Send the waiting edits, oldest first, each from the version it was typed on. A line
        changed on the server since is left for the counsellor to decide (nothing is
        overwritten, nothing is dropped); a server lost again stops the replay, the rest
        waits. `ServerAway` goes up to the caller."""
        report = ReplayReport()
        for edit in self.pending(states=(WAITING,)):
            base = self._current_base(edit)
            try:
                updated = _send(server, edit, base)
            except EditConflict as conflict:
                if str(getattr(conflict.theirs, edit.field)) == edit.value:
                    self._done(edit)  # the colleague typed the same thing
                    report.applied += 1
                    continue
                self._mark(edit, CONFLICT)
                report.conflicts.append((edit, conflict))
                continue
            except userstore.ServerAway:
                raise
            except InvalidInput:
                self._mark(edit, GONE)  # the line was removed on the server meanwhile
                report.gone.append(edit)
                continue
            self._done(edit, then=updated)
            report.applied += 1
        if report.applied or report.conflicts or report.gone:
            log.info(
                "Modifications hors connexion : %d enregistrée(s), %d conflit(s), %d perdue(s)",
                report.applied,
                len(report.conflicts),
                len(report.gone),
            )
        return report

    def conflicts(self, server: PeopleService) -> list[tuple[OfflineEdit, EditConflict]]:
        """The edits waiting for a decision, each with the line as the server has it now."""
        found = []
        for edit in self.pending(states=(CONFLICT,)):
            try:
                _send(server, edit, edit.base)
            except EditConflict as conflict:
                found.append((edit, conflict))
                continue
            except userstore.ServerAway:
                raise
            except InvalidInput:
                self._mark(edit, GONE)
                continue
            self._done(edit)  # the server's line came back to that version: it is saved
        return found

    def keep_mine(self, edit: OfflineEdit, server: PeopleService, theirs: ShortlistEntry) -> None:
        """The counsellor keeps what they typed over the colleague's version."""
        self._done(edit, then=_send(server, edit, theirs))

    def gone(self) -> list[OfflineEdit]:
        """What was typed on a line or a person deleted on the server meanwhile: kept until
        the counsellor saves it elsewhere or lets it go."""
        return self.pending(states=(GONE,))

    def let_go(self, edits: Iterable[OfflineEdit]) -> int:
        """The counsellor's decision on edits nobody can receive: removed from this computer
        (after they were saved to a file, or knowingly dropped), with no readable trace left
        in the file or its write-ahead log. They were never sent: nothing on the server."""
        ids = [(e.id,) for e in edits]
        if not ids:
            return 0
        self.store.check_room_to_erase()  # refused before anything is deleted
        with self.store.transaction() as conn:
            conn.executemany("DELETE FROM offline_edits WHERE id = ?", ids)
        self.store.compact()
        return len(ids)

    def keep_theirs(self, edit: OfflineEdit) -> None:
        """The counsellor keeps the colleague's version: the typed value is let go."""
        self._done(edit)

    def _current_base(self, edit: OfflineEdit) -> ShortlistEntry:
        rows = self.store.read("SELECT base FROM offline_edits WHERE id = ?", (edit.id,))
        return _entry_of_json(rows[0]["base"]) if rows else edit.base

    def _mark(self, edit: OfflineEdit, state: str) -> None:
        with self.store.transaction() as conn:
            conn.execute("UPDATE offline_edits SET state = ? WHERE id = ?", (state, edit.id))

    def _done(self, edit: OfflineEdit, *, then: ShortlistEntry | None = None) -> None:
        """The edit is settled. When this machine just saved the line, the other edit of the
        same line (a note after a status) is now based on that save, not on the old version."""
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM offline_edits WHERE id = ?", (edit.id,))
            if then is not None:
                conn.execute(
                    "UPDATE offline_edits SET base = ? WHERE entry_id = ?",
                    (json.dumps(_entry_json(then)), edit.entry_id),
                )


def _send(server: PeopleService, edit: OfflineEdit, base: ShortlistEntry) -> ShortlistEntry:
    if edit.field == "status":
        return server.set_status(edit.entry_id, edit.value, base=base)
    return server.set_note(edit.entry_id, edit.value, base=base)


def _entry_json(entry: ShortlistEntry) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in entry.__dataclass_fields__:
        value = getattr(entry, name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif hasattr(value, "value"):  # Kind, ShortlistStatus
            value = value.value
        elif isinstance(value, bool):
            value = int(value)
        values[name] = value
    values["checked_at"] = values.get("checked_at") or ""
    return values


def _entry_of_json(text: str) -> ShortlistEntry:
    # entry_from_row reads by name: a dict answers like a stored row.
    return entry_from_row(json.loads(text))


def _edit_of(row: Any) -> OfflineEdit:
    return OfflineEdit(
        id=row["id"],
        person_id=row["person_id"],
        entry_id=row["entry_id"],
        field=row["field"],
        value=row["value"],
        base=_entry_of_json(row["base"]),
        typed_at=datetime.fromisoformat(row["typed_at"]),
        counsellor=row["counsellor"],
        state=row["state"],
        person_label=row["person_label"],
    )


def _refused(name: str) -> Callable[..., Any]:
    def refuse(self: OfflinePeople, *args: Any, **kwargs: Any) -> Any:
        raise ReadOnlyWhileAway(self.where)

    refuse.__name__ = name
    refuse.__doc__ = "Refused while the server is away (the copy is read-only)."
    return refuse


class OfflinePeople(PeopleService):
    """The people service over the local copy while the server is away: everything reads as
    usual; a note or a status is saved in the copy and kept for the server; any other change
    is refused in French."""

    offline = True

    def __init__(
        self, copy: LocalCopy, *, counsellor: str, where: str, geocoder: Any = None
    ) -> None:
        self.copy = copy
        self.where = where  # « serveur PostgreSQL hôte/base », for messages
        super().__init__(copy.store, counsellor=counsellor, geocoder=geocoder)

    def close(self) -> None:
        self.copy.close()

    def set_status(
        self, entry_id: int, status: ShortlistStatus | str, *, base: ShortlistEntry | None = None
    ) -> ShortlistEntry:
        before = self.get_entry(entry_id)
        updated = super().set_status(entry_id, status, base=base)
        self._keep(before, updated, "status", updated.status.value)
        return updated

    def set_note(
        self, entry_id: int, note: str, *, base: ShortlistEntry | None = None
    ) -> ShortlistEntry:
        before = self.get_entry(entry_id)
        updated = super().set_note(entry_id, check_note(note), base=base)
        self._keep(before, updated, "note", updated.note)
        return updated

    def _keep(self, before: ShortlistEntry, updated: ShortlistEntry, name: str, value: str) -> None:
        self.copy.keep(
            entry=updated,
            base=self.copy.base_of(before),
            field=name,
            value=value,
            who=self.counsellor,
            person_label=self.get_person(updated.person_id).display_name,
        )

    def touch(self, person_id: int) -> None:
        """Activity is recorded on the server, not in the copy."""

    def refresh_availability(self, store: Any, **kwargs: Any) -> int:
        """The copy's lines are checked again once the server is back."""
        return 0

    create_person = _refused("create_person")
    update_person = _refused("update_person")
    delete_person = _refused("delete_person")
    erase_person = _refused("erase_person")
    add_to_shortlist = _refused("add_to_shortlist")
    remove_from_shortlist = _refused("remove_from_shortlist")
    move = _refused("move")
    record_step = _refused("record_step")
    import_user_file = _refused("import_user_file")


def is_offline(people: Any) -> bool:
    return bool(getattr(people, "offline", False))


def on_server(people: Any) -> bool:
    """Whether `people` works on the structure's server (not user.sqlite, not the copy)."""
    return people.store.dialect == userstore.user_schema.POSTGRESQL


def configured_server_label() -> str:
    """« serveur PostgreSQL hôte/base » of LBA_USER_DB (for messages while it is away)."""
    from lba_desktop.data.user_pg import server_label

    return server_label(str(userstore.configured_target()))


def _paired(row: Any) -> bool:
    """An employer line of a parcours (a server a version behind has no such column)."""
    names = row.keys()  # a row iterates its values, not its names
    return "paired_training_entry_id" in names and row["paired_training_entry_id"] is not None
