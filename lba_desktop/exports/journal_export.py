"""The journal for the structure's information system: a period's events as CSV, and every
stored row of one person or of all as JSON."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from lba_desktop.errors import InvalidInput
from lba_desktop.exports.common import DEFAULT_STRUCTURE, neutralise_formula, short_date
from lba_desktop.people import Person
from lba_desktop.people.journal import JournalEvent

JOURNAL_HEADERS = (
    "Date",
    "N° de dossier",
    "N° jeune",
    "Prénom",
    "Nom",
    "Conseiller",
    "Type",
    "Détail",
    "Note",
    "Enregistré le",
)


def journal_rows(events: Iterable[JournalEvent], people: Mapping[int, Person]) -> list[list[str]]:
    """One row per event, ready to re-key: typed text stays text in a spreadsheet."""
    rows = []
    for event in events:
        person = people.get(event.person_id)
        cells = [
            short_date(event.happened_on),
            person.case_number if person else "",
            str(event.person_id),
            person.first_name if person else "",
            person.last_name if person else "",
            event.counsellor,
            event.label_fr,
            event.summary,
            event.note,
            event.recorded_at.astimezone().strftime("%d/%m/%Y %H:%M"),
        ]
        rows.append([str(neutralise_formula(" ".join(c.split()))) for c in cells])
    return rows


def render_journal_csv(events: Iterable[JournalEvent], people: Mapping[int, Person]) -> bytes:
    """UTF-8 with BOM and semicolons, as a French Excel opens it."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(JOURNAL_HEADERS)
    writer.writerows(journal_rows(events, people))
    return text.getvalue().encode("utf-8-sig")


def render_people_json(documents: Mapping[int, Mapping[str, Any]], *, origin: str) -> bytes:
    """Every stored row of each person, table by table (right of access, moving out)."""
    payload = {
        "exporte_le": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "origine": origin,
        "personnes": [{"numero": pid, "tables": tables} for pid, tables in documents.items()],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, default=_plain).encode("utf-8")


def _plain(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


REPORT_FORMATS = ("csv", "pdf")


def render_journal_report(
    service: Any,
    *,
    start: date,
    end: date,
    counsellor: str = "",
    fmt: str = "csv",
    person_id: int | None = None,
    structure: str = "",
    today: date | None = None,
) -> tuple[bytes, int]:
    """The reporting export of a period (and a counsellor, a person) as CSV or PDF, with the
    number of events in it; the command line and the window both write this."""
    if fmt not in REPORT_FORMATS:
        raise InvalidInput("Format de rapport inconnu.", hint="Choisissez CSV ou PDF.")
    if start > end:
        raise InvalidInput("La période commence après sa fin.", hint="Vérifiez les deux dates.")
    events = service.journal_between(start, end, counsellor=counsellor)
    if person_id is not None:
        events = [e for e in events if e.person_id == person_id]
    people = {p.id: p for p in service.search_people()}
    if fmt == "csv":
        return render_journal_csv(events, people), len(events)
    from lba_desktop.exports.journal_pdf import JournalReport, render_journal_pdf
    from lba_desktop.settings import load_settings

    report = JournalReport(
        start=start,
        end=end,
        counsellor=" ".join(counsellor.split()),
        structure=structure.strip() or load_settings().structure_name or DEFAULT_STRUCTURE,
        today=today or date.today(),
    )
    return render_journal_pdf(events, people, report), len(events)


OFFLINE_HEADERS = ("Jeune", "N° jeune", "Piste", "Organisme", "Saisie", "Saisie le", "Conseiller")


def render_offline_edits_csv(edits: Iterable[Any]) -> bytes:
    """What was typed away from the server on a person or a line deleted since, so the
    counsellor keeps it outside the application (UTF-8 with BOM and semicolons)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(OFFLINE_HEADERS)
    for edit in edits:
        cells = (
            edit.who_fr,
            str(edit.person_id),
            edit.base.title,
            edit.base.organisation,
            edit.label_fr,
            edit.typed_at.astimezone().strftime("%d/%m/%Y %H:%M"),
            edit.counsellor,
        )
        writer.writerow([str(neutralise_formula(" ".join(c.split()))) for c in cells])
    return text.getvalue().encode("utf-8-sig")
