"""Outbox records: a stored request, its status in French, and what a send run did."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from lba_desktop.appointments.form import REASONS, ApplicantType, Channel, TrainingInfo
from lba_desktop.errors import InvalidInput

# Keys of `upstream_answer` (JSON): a post under way (left there by a crash), when a try's
# answer was lost, and the 4-day refusal that later confirmed the request had arrived (the
# upstream has no idempotency key).
IN_FLIGHT_KEY = "envoi_commence_le"
LOST_ANSWER_KEY = "reponse_perdue_le"
CONFIRMED_KEY = "confirmee_par_refus"


class RequestStatus(StrEnum):
    BROUILLON = "brouillon"
    A_ENVOYER = "a_envoyer"
    EN_COURS = "en_cours"  # claimed by one process, being posted (see AppointmentService)
    ENVOYEE = "envoyee"
    ECHEC = "echec"
    TRANSMISE_EMAIL = "transmise_email"

    @property
    def label_fr(self) -> str:
        return STATUS_LABELS_FR[self]


STATUS_LABELS_FR: dict[RequestStatus, str] = {
    RequestStatus.BROUILLON: "Brouillon",
    RequestStatus.A_ENVOYER: "À envoyer",
    RequestStatus.EN_COURS: "Envoi en cours",
    RequestStatus.ENVOYEE: "Envoyée",
    RequestStatus.ECHEC: "Échec",
    RequestStatus.TRANSMISE_EMAIL: "Transmise par e-mail",
}


@dataclass(frozen=True, slots=True)
class AppointmentRequest:
    """One request of the outbox, as stored."""

    id: int
    person_id: int
    shortlist_entry_id: int | None
    cle_ministere_educatif: str
    idempotency_key: str
    status: RequestStatus
    channel: Channel
    first_name: str
    last_name: str
    phone: str
    email: str
    applicant_type: ApplicantType
    reasons: tuple[str, ...]
    message: str
    origin: str
    training: TrainingInfo
    created_at: datetime
    updated_at: datetime
    queued_at: datetime | None = None
    sent_at: datetime | None = None
    transmitted_at: datetime | None = None
    attempts: int = 0
    last_attempt_at: datetime | None = None
    next_retry_at: datetime | None = None
    failure_reason: str = ""
    upstream_messages: tuple[str, ...] = ()
    upstream_id: str = ""
    upstream_answer: Mapping[str, Any] = field(default_factory=dict)
    claim_expires_at: datetime | None = None  # while « Envoi en cours »

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def status_label_fr(self) -> str:
        return self.status.label_fr

    @property
    def reason_labels_fr(self) -> tuple[str, ...]:
        return tuple(REASONS[r] for r in self.reasons if r in REASONS)

    @property
    def will_retry(self) -> bool:
        return self.status is RequestStatus.ECHEC and self.next_retry_at is not None

    @property
    def delivery_note_fr(self) -> str:
        """Said of a request whose answer was lost and that the 4-day refusal confirmed."""
        if self.status is RequestStatus.ENVOYEE and self.upstream_answer.get(CONFIRMED_KEY):
            return (
                "réponse perdue ; le service a confirmé l'avoir reçue : « "
                f"{self.upstream_answer[CONFIRMED_KEY]} »"
            )
        return ""

    @property
    def status_detail_fr(self) -> str:
        """The status with its date and, for a failure, the reason and what happens next."""
        status = self.status
        if status is RequestStatus.ENVOYEE and self.sent_at:
            return f"Envoyée le {_fr_datetime(self.sent_at)}" + (
                f" ({self.delivery_note_fr})" if self.delivery_note_fr else ""
            )
        if status is RequestStatus.TRANSMISE_EMAIL and self.transmitted_at:
            return f"Transmise par e-mail le {_fr_datetime(self.transmitted_at)}"
        if status is RequestStatus.ECHEC:
            text = f"Échec : {self.failure_reason}" if self.failure_reason else "Échec"
            if self.next_retry_at:
                return f"{text} Nouvel essai le {_fr_datetime(self.next_retry_at)}."
            return f"{text} Pas de nouvel essai automatique."
        if status is RequestStatus.EN_COURS and self.claim_expires_at:
            return (
                "Envoi en cours (repris automatiquement après le "
                f"{_fr_datetime(self.claim_expires_at)} s'il n'aboutit pas)"
            )
        if status is RequestStatus.A_ENVOYER and self.queued_at:
            return f"À envoyer (depuis le {_fr_datetime(self.queued_at)})"
        return status.label_fr

    def upstream_payload(self) -> dict[str, Any]:
        """The body of `POST /appointment-request/validate`."""
        return {
            "firstname": self.first_name,
            "lastname": self.last_name,
            "phone": self.phone,
            "email": self.email,
            "type": self.applicant_type.value,
            "applicantMessageToCfa": self.message or None,
            "applicantReasons": list(self.reasons),
            "cleMinistereEducatif": self.cle_ministere_educatif,
            "appointmentOrigin": self.origin,
        }


@dataclass(frozen=True, slots=True)
class SendReport:
    """What one `send_pending` run did, by request id."""

    sent: tuple[int, ...] = ()
    retry_later: tuple[int, ...] = ()
    refused: tuple[int, ...] = ()

    @property
    def attempted(self) -> int:
        return len(self.sent) + len(self.retry_later) + len(self.refused)

    @property
    def summary_fr(self) -> str:
        if not self.attempted:
            return "Aucune demande à envoyer."
        parts = [f"{len(self.sent)} envoyée(s)"]
        if self.retry_later:
            parts.append(f"{len(self.retry_later)} à réessayer plus tard")
        if self.refused:
            parts.append(f"{len(self.refused)} refusée(s)")
        return ", ".join(parts) + "."


def _fr_datetime(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{local:%d/%m/%Y} à {local:%H:%M}"


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _when(value: str) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def request_from_row(row: sqlite3.Row) -> AppointmentRequest:
    eligible = row["rdv_eligible"]
    return AppointmentRequest(
        id=row["id"],
        person_id=row["person_id"],
        shortlist_entry_id=row["shortlist_entry_id"],
        cle_ministere_educatif=row["cle_ministere_educatif"],
        idempotency_key=row["idempotency_key"],
        status=RequestStatus(row["status"]),
        channel=Channel(row["channel"]) if row["channel"] else Channel.EN_LIGNE,
        first_name=row["first_name"],
        last_name=row["last_name"],
        phone=row["phone"],
        email=row["email"],
        applicant_type=ApplicantType(row["applicant_type"]),
        reasons=tuple(r for r in row["reasons"].split(",") if r),
        message=row["message"],
        origin=row["origin"],
        training=TrainingInfo(
            cle_ministere_educatif=row["cle_ministere_educatif"],
            title=row["training_title"],
            cfa_name=row["cfa_name"],
            cfa_email=row["cfa_email"],
            cfa_phone=row["cfa_phone"],
            address=row["training_address"],
            rdv_eligible=None if eligible is None else bool(eligible),
            form_url=row["form_url"],
        ),
        created_at=datetime.fromisoformat(row["created_at"]),
        updated_at=datetime.fromisoformat(row["updated_at"]),
        queued_at=_when(row["queued_at"]),
        sent_at=_when(row["sent_at"]),
        transmitted_at=_when(row["transmitted_at"]),
        attempts=row["attempts"],
        last_attempt_at=_when(row["last_attempt_at"]),
        next_retry_at=_when(row["next_retry_at"]),
        failure_reason=row["failure_reason"],
        upstream_messages=tuple(json.loads(row["upstream_messages"] or "[]")),
        upstream_id=row["upstream_id"],
        upstream_answer=json.loads(row["upstream_answer"] or "{}"),
        claim_expires_at=_when(row["claim_expires_at"]),
    )


class RequestNotFound(InvalidInput):
    def __init__(self, request_id: int) -> None:
        super().__init__(
            f"Demande de rendez-vous n° {request_id} introuvable.",
            hint="« lba-desktop rdv list » affiche les demandes et leur numéro.",
        )
        self.request_id = request_id
