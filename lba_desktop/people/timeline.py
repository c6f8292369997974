"""The journal side of the people service: record a step, read a timeline or a period."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from typing import Any

from lba_desktop.data.userstore import StoreConnection
from lba_desktop.errors import InvalidInput
from lba_desktop.people import journal
from lba_desktop.people.journal import JournalEvent, JournalKind
from lba_desktop.people.records import Person, check_note


class JournalMethods:
    """Mixed into `PeopleService`, whose store, clock and counsellor it uses."""

    counsellor: str
    _clock: Callable[[], datetime]
    _now: Callable[[], str]
    _tx: Callable[[], AbstractContextManager[StoreConnection]]
    _read: Callable[[str, Sequence[Any]], list[Any]]
    get_person: Callable[[int], Person]
    _touch: Callable[[StoreConnection, int], None]

    def record_step(
        self, person_id: int, kind: JournalKind | str, *, on: date | str, note: str = ""
    ) -> JournalEvent:
        """A step the counsellor records (entretien, atelier, candidature, immersion), dated
        the day it happened, which may be earlier than today."""
        step = kind if isinstance(kind, JournalKind) else journal.step_kind(kind)
        if not step.is_step:
            raise InvalidInput("Seules les étapes se saisissent à la main.")
        day = journal.parse_day(on)
        if day > self._clock().astimezone(UTC).date():
            raise InvalidInput(
                "La date de l'étape est dans le futur.", hint="Indiquez le jour où elle a eu lieu."
            )
        self.get_person(person_id)
        now = self._now()
        with self._tx() as conn:
            event_id = self._journal(conn, person_id, step, now, note=check_note(note), on=day)
            self._touch(conn, person_id)
        (row,) = self._read(journal.JOURNAL_SQL + " WHERE id = ?", (event_id,))
        return journal.event_from_row(row)

    def journal(self, person_id: int) -> list[JournalEvent]:
        """The person's timeline, oldest first."""
        self.get_person(person_id)
        rows = self._read(
            journal.JOURNAL_SQL + " WHERE person_id = ?" + journal.JOURNAL_ORDER, (person_id,)
        )
        return [journal.event_from_row(r) for r in rows]

    def journal_between(
        self, start: date, end: date, *, counsellor: str = ""
    ) -> list[JournalEvent]:
        """Every person's events from `start` to `end` included (the reporting export),
        optionally those one counsellor recorded."""
        sql = journal.JOURNAL_SQL + " WHERE happened_on >= ? AND happened_on <= ?"
        params: list[Any] = [start.isoformat(), end.isoformat()]
        if counsellor:
            sql += " AND counsellor = ?"
            params.append(" ".join(counsellor.split()))
        rows = self._read(sql + journal.JOURNAL_ORDER, params)
        return [journal.event_from_row(r) for r in rows]

    def journal_counsellors(self) -> list[str]:
        """Everyone who recorded something in the journal, for a report's choice."""
        rows = self._read(
            "SELECT DISTINCT counsellor FROM journal_events WHERE counsellor <> '' "
            "ORDER BY counsellor",
            (),
        )
        return [str(r[0]) for r in rows]

    def _journal(
        self,
        conn: StoreConnection,
        person_id: int,
        kind: JournalKind,
        now: str,
        summary: str = "",
        entry_id: int | None = None,
        *,
        note: str = "",
        on: date | None = None,
    ) -> int:
        return journal.record(
            conn,
            person_id=person_id,
            kind=kind,
            counsellor=self.counsellor,
            at=now,
            happened_on=on,
            summary=summary,
            note=note,
            entry_id=entry_id,
        )
