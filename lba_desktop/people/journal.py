"""A young person's dated journal: automatic events and the steps a counsellor records."""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from lba_desktop.data.userstore import StoreConnection
from lba_desktop.errors import InvalidInput

COUNSELLOR_ENV = "LBA_CONSEILLER"
MAX_COUNSELLOR = 80


class JournalKind(StrEnum):
    """What happened. The first four are steps a counsellor records; the others are written
    by the application as the follow-up goes."""

    ENTRETIEN = "entretien"
    ATELIER = "atelier"
    CANDIDATURE = "candidature"
    IMMERSION = "immersion"
    FICHE_CREEE = "fiche_creee"
    FICHE_MODIFIEE = "fiche_modifiee"
    AJOUT_SELECTION = "ajout_selection"
    RETRAIT_SELECTION = "retrait_selection"
    STATUT = "statut"
    RDV_DEMANDE = "rdv_demande"
    RDV_ENVOYEE = "rdv_envoyee"
    RDV_EMAIL = "rdv_email"
    IMPORT = "import"

    @property
    def label_fr(self) -> str:
        return KIND_LABELS_FR[self]

    @property
    def is_step(self) -> bool:
        return self in STEP_KINDS


KIND_LABELS_FR: dict[JournalKind, str] = {
    JournalKind.ENTRETIEN: "Entretien",
    JournalKind.ATELIER: "Atelier",
    JournalKind.CANDIDATURE: "Candidature",
    JournalKind.IMMERSION: "Immersion",
    JournalKind.FICHE_CREEE: "Fiche créée",
    JournalKind.FICHE_MODIFIEE: "Fiche modifiée",
    JournalKind.AJOUT_SELECTION: "Ajout à la sélection",
    JournalKind.RETRAIT_SELECTION: "Retrait de la sélection",
    JournalKind.STATUT: "Statut changé",
    JournalKind.RDV_DEMANDE: "Demande de rendez-vous enregistrée",
    JournalKind.RDV_ENVOYEE: "Demande de rendez-vous envoyée",
    JournalKind.RDV_EMAIL: "Demande de rendez-vous transmise par e-mail",
    JournalKind.IMPORT: "Fiche importée",
}
STEP_KINDS = (
    JournalKind.ENTRETIEN,
    JournalKind.ATELIER,
    JournalKind.CANDIDATURE,
    JournalKind.IMMERSION,
)
# French words a counsellor types at the command line, accents or not.
STEP_NAMES_FR = {k.value: k for k in STEP_KINDS}


@dataclass(frozen=True, slots=True)
class JournalEvent:
    """One dated line of a young person's journal."""

    id: int
    person_id: int
    happened_on: date
    recorded_at: datetime
    counsellor: str
    kind: JournalKind
    summary: str = ""
    note: str = ""
    shortlist_entry_id: int | None = None
    request_id: int | None = None

    @property
    def label_fr(self) -> str:
        return self.kind.label_fr

    @property
    def text_fr(self) -> str:
        """« Statut changé — À étudier → Contacté : CAP Boulanger » (summary and note)."""
        parts = [self.label_fr]
        if self.summary:
            parts.append(self.summary)
        if self.note:
            parts.append(self.note)
        return " — ".join(parts)


def current_counsellor() -> str:
    """Who this machine records changes as: LBA_CONSEILLER, else the name given in the
    settings, else the session's login."""
    name = " ".join(os.environ.get(COUNSELLOR_ENV, "").split())
    if not name:
        from lba_desktop.data.userdb import local_setting

        name = " ".join(local_setting("counsellor_name").split())
    if not name:
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "conseiller"
    return check_counsellor(name)


def check_counsellor(name: str) -> str:
    value = " ".join((name or "").split())
    if not value:
        raise InvalidInput(
            "Le nom du conseiller est obligatoire.",
            hint=f"Indiquez-le dans les réglages ou la variable {COUNSELLOR_ENV}.",
        )
    if len(value) > MAX_COUNSELLOR:
        raise InvalidInput(f"Le nom du conseiller dépasse {MAX_COUNSELLOR} caractères.")
    return value


def step_kind(text: str) -> JournalKind:
    """A step a counsellor records, from its French name (« entretien », « immersion »…)."""
    from lba_desktop.text import fold

    kind = STEP_NAMES_FR.get(fold(text or "").strip())
    if kind is None:
        raise InvalidInput(
            f"Étape inconnue : « {text} ».",
            hint="Étapes possibles : " + ", ".join(STEP_NAMES_FR) + ".",
        )
    return kind


def parse_day(text: str | date) -> date:
    """A date typed as 2026-12-03 or 03/12/2026."""
    if isinstance(text, date):
        return text
    raw = (text or "").strip()
    for parse in (date.fromisoformat, lambda t: datetime.strptime(t, "%d/%m/%Y").date()):
        try:
            return parse(raw)
        except ValueError:
            continue
    raise InvalidInput(
        f"Date invalide : « {text} ».", hint="Tapez-la comme 03/12/2026 ou 2026-12-03."
    )


def record(
    conn: StoreConnection,
    *,
    person_id: int,
    kind: JournalKind,
    counsellor: str,
    at: str,
    happened_on: date | None = None,
    summary: str = "",
    note: str = "",
    entry_id: int | None = None,
    request_id: int | None = None,
) -> int:
    """Add a line, inside the caller's transaction: the change and its trace commit together."""
    day = (happened_on or datetime.fromisoformat(at).date()).isoformat()
    return int(
        conn.execute(
            "INSERT INTO journal_events (person_id, happened_on, recorded_at, counsellor, kind, "
            "summary, note, shortlist_entry_id, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING id",
            (person_id, day, at, counsellor, kind.value, summary, note, entry_id, request_id),
        ).fetchone()[0]
    )


JOURNAL_SQL = "SELECT * FROM journal_events"
JOURNAL_ORDER = " ORDER BY happened_on, recorded_at, id"


def event_from_row(row: Any) -> JournalEvent:
    return JournalEvent(
        id=row["id"],
        person_id=row["person_id"],
        happened_on=date.fromisoformat(row["happened_on"]),
        recorded_at=datetime.fromisoformat(row["recorded_at"]),
        counsellor=row["counsellor"],
        kind=JournalKind(row["kind"]),
        summary=row["summary"],
        note=row["note"],
        shortlist_entry_id=row["shortlist_entry_id"],
        request_id=row["request_id"],
    )
