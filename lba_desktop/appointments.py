"""RDV Apprentissage requests: form and validation, outbox in user.sqlite, sender."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lba_desktop.data import userdb
from lba_desktop.data.http import ApiKeyRefused, RateLimited, RetryPolicy
from lba_desktop.data.rdv_client import (
    AppointmentRefused,
    AppointmentUnavailable,
    RdvClient,
)
from lba_desktop.errors import InvalidInput, LbaError
from lba_desktop.models import Item, Kind
from lba_desktop.people import MAX_NAME, normalise_email, normalise_phone
from lba_desktop.text import fold

if TYPE_CHECKING:
    from lba_desktop.data.catalogue import CatalogueStore
    from lba_desktop.people import PeopleService, Person, ShortlistEntry

log = logging.getLogger(__name__)

# The upstream's 12 reasons, in the order of its form, with the labels the young person sees.
REASONS: dict[str, str] = {
    "modalite": "Modalités d'inscription",
    "place": "Places disponibles",
    "accompagnement": "Accompagnement dans la recherche d'entreprise",
    "frais": "Frais d'inscription",
    "contenu": "Contenu de la formation",
    "horaire": "Horaires / rythme de la formation",
    "debouche": "Situation des élèves en sortie de formation",
    "plus": "En savoir plus sur l'alternance",
    "suivi": "Suivi de ma candidature",
    "lieu": "Lieu de la formation",
    "porte": "Portes ouvertes",
    "autre": "Autre",
}
APPOINTMENT_ORIGIN = "lba-desktop"
DUPLICATE_WINDOW = timedelta(days=4)  # upstream rule: one request per person and training
MAX_MESSAGE = 3000
# Outbox retries: 1 min, 2 min, 4 min… capped at 6 h; after MAX_ATTEMPTS the request waits
# for a person to decide (e-mail to the CFA), so a dead upstream is never hammered forever.
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=6)
MAX_ATTEMPTS = 12

userdb.register_person_table("appointment_requests", "person_id")


class ApplicantType(StrEnum):
    ETUDIANT = "etudiant"
    PARENT = "parent"

    @property
    def label_fr(self) -> str:
        return "Jeune (candidat)" if self is ApplicantType.ETUDIANT else "Parent"


class RequestStatus(StrEnum):
    BROUILLON = "brouillon"
    A_ENVOYER = "a_envoyer"
    ENVOYEE = "envoyee"
    ECHEC = "echec"
    TRANSMISE_EMAIL = "transmise_email"

    @property
    def label_fr(self) -> str:
        return STATUS_LABELS_FR[self]


STATUS_LABELS_FR: dict[RequestStatus, str] = {
    RequestStatus.BROUILLON: "Brouillon",
    RequestStatus.A_ENVOYER: "À envoyer",
    RequestStatus.ENVOYEE: "Envoyée",
    RequestStatus.ECHEC: "Échec",
    RequestStatus.TRANSMISE_EMAIL: "Transmise par e-mail",
}


class Channel(StrEnum):
    """How the request will reach the CFA."""

    EN_LIGNE = "en_ligne"
    EMAIL = "email"
    TELEPHONE = "telephone"
    AUCUN = "aucun"

    @property
    def label_fr(self) -> str:
        return CHANNEL_LABELS_FR[self]


CHANNEL_LABELS_FR: dict[Channel, str] = {
    Channel.EN_LIGNE: "En ligne (RDV Apprentissage)",
    Channel.EMAIL: "E-mail au CFA",
    Channel.TELEPHONE: "Téléphone du CFA",
    Channel.AUCUN: "Aucun contact connu",
}


# --- Form ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrainingInfo:
    """The training a request is about, as the catalogue (or the shortlist snapshot) knows it.

    `rdv_eligible` is None when the catalogue does not say (not synced, or an old snapshot).
    """

    cle_ministere_educatif: str
    title: str = ""
    cfa_name: str = ""
    cfa_email: str = ""
    cfa_phone: str = ""
    address: str = ""
    rdv_eligible: bool | None = None
    form_url: str = ""
    fictitious: bool = False

    @classmethod
    def from_item(cls, item: Item) -> TrainingInfo:
        details = item.details or {}
        eligible = details.get("rdv_eligible")
        cle = str(details.get("cle_ministere_educatif") or item.id)
        return cls(
            cle_ministere_educatif=cle,
            title=item.title,
            cfa_name=str(details.get("cfa") or item.organisation or ""),
            cfa_email=str(details.get("cfa_email") or item.email or ""),
            cfa_phone=item.phone,
            address=_full_address(item),
            rdv_eligible=eligible if isinstance(eligible, bool) else None,
            form_url=str(details.get("rdv_url") or ""),
            fictitious=item.fictitious,
        )

    @property
    def channel(self) -> Channel:
        # Demonstration trainings are invented: nothing about them may reach the real service.
        if self.rdv_eligible is not False and not self.fictitious:
            return Channel.EN_LIGNE
        if self.cfa_email:
            return Channel.EMAIL
        if self.cfa_phone:
            return Channel.TELEPHONE
        return Channel.AUCUN

    @property
    def channel_fr(self) -> str:
        """One sentence for the form: how the request will travel."""
        if self.fictitious:
            prefix = "Formation de démonstration : pas d'envoi en ligne. "
        elif self.rdv_eligible is None:
            return (
                "Envoi en ligne (RDV Apprentissage) si la formation l'accepte ; "
                "sinon, e-mail au CFA."
            )
        elif self.rdv_eligible:
            return "Cette formation accepte les demandes de rendez-vous en ligne."
        else:
            prefix = "Cette formation ne prend pas de demande en ligne. "
        channel = self.channel
        if channel is Channel.EMAIL:
            return prefix + f"La demande sera préparée en e-mail pour le CFA ({self.cfa_email})."
        if channel is Channel.TELEPHONE:
            return prefix + f"Contactez le CFA par téléphone ({self.cfa_phone})."
        return prefix + "Aucun contact du CFA n'est connu."


def _full_address(item: Item) -> str:
    if item.commune and fold(item.commune) not in fold(item.address):
        return " ".join(p for p in (item.address, item.postcode, item.commune) if p)
    return item.address


@dataclass(frozen=True, slots=True)
class AppointmentForm:
    """What the counsellor fills in; `validate_form` checks and normalises it."""

    person_id: int | None = None
    training: TrainingInfo | None = None
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    applicant_type: str = ApplicantType.ETUDIANT.value
    reasons: tuple[str, ...] = ()
    message: str = ""
    shortlist_entry_id: int | None = None

    @property
    def channel(self) -> Channel:
        return self.training.channel if self.training else Channel.AUCUN


class FormInvalid(InvalidInput):
    """The form cannot be saved; `errors` maps each field to its French message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(
            "La demande de rendez-vous est incomplète ou incorrecte : "
            + " ".join(self.errors.values()),
            hint="Corrigez les champs signalés.",
        )


class DuplicateRequest(FormInvalid):
    """The same person asked the same training less than four days ago."""

    def __init__(self, *, first_at: datetime, existing_id: int) -> None:
        local = first_at.astimezone()
        again = (first_at + DUPLICATE_WINDOW).astimezone()
        message = (
            f"Une demande de rendez-vous pour cette formation a déjà été faite le "
            f"{local:%d/%m/%Y} à {local:%H:%M} (demande n° {existing_id}). Une nouvelle demande "
            f"sera possible à partir du {again:%d/%m/%Y} à {again:%H:%M}."
        )
        super().__init__({"training": message})
        self.first_at = first_at
        self.existing_id = existing_id


def _name(value: str, label: str, errors: dict[str, str], key: str) -> str:
    text = " ".join((value or "").split())
    if not text:
        errors[key] = f"Le {label} est obligatoire."
    elif len(text) > MAX_NAME:
        errors[key] = f"Le {label} ne doit pas dépasser {MAX_NAME} caractères ({len(text)})."
    elif any(not ch.isprintable() for ch in text):
        errors[key] = f"Le {label} contient des caractères non autorisés."
    return text


def reason_keys(values: Iterable[str]) -> tuple[tuple[str, ...], list[str]]:
    """(known reason keys in the upstream order, unknown values) from keys or French labels."""
    by_label = {fold(label): key for key, label in REASONS.items()}
    found: set[str] = set()
    unknown: list[str] = []
    for raw in values:
        text = (raw or "").strip()
        if not text:
            continue
        key = text.lower() if text.lower() in REASONS else by_label.get(fold(text))
        if key is None:
            unknown.append(text)
        else:
            found.add(key)
    return tuple(k for k in REASONS if k in found), unknown


def validate_form(form: AppointmentForm) -> tuple[AppointmentForm, dict[str, str]]:
    """The normalised form and the French error message of each wrong field ({} when valid).

    Fields: first_name, last_name, phone, email, applicant_type, reasons, message, training.
    """
    errors: dict[str, str] = {}
    first = _name(form.first_name, "prénom", errors, "first_name")
    last = _name(form.last_name, "nom", errors, "last_name")
    phone = (form.phone or "").strip()
    if not phone:
        errors["phone"] = "Le téléphone est obligatoire."
    else:
        try:
            phone = normalise_phone(phone)
        except InvalidInput:
            errors["phone"] = (
                "Numéro de téléphone invalide : 10 chiffres, par exemple « 06 12 34 56 78 » "
                "ou « +33 6 12 34 56 78 »."
            )
    email = (form.email or "").strip()
    if not email:
        errors["email"] = "L'adresse e-mail est obligatoire."
    else:
        try:
            email = normalise_email(email)
        except InvalidInput:
            errors["email"] = "Adresse e-mail invalide (exemple : « prenom.nom@exemple.fr »)."
    applicant = fold(form.applicant_type or "").strip()
    if applicant not in {t.value for t in ApplicantType}:
        errors["applicant_type"] = (
            "Indiquez si la demande vient du jeune (étudiant) ou d'un parent."
        )
    reasons, unknown = reason_keys(form.reasons)
    if unknown:
        errors["reasons"] = "Motif inconnu : " + ", ".join(f"« {u} »" for u in unknown) + "."
    elif not reasons:
        errors["reasons"] = "Choisissez au moins un sujet à aborder avec le CFA."
    message = (form.message or "").strip()
    if len(message) > MAX_MESSAGE:
        errors["message"] = f"Le message ne doit pas dépasser {MAX_MESSAGE} caractères."
    elif "autre" in reasons and not message:
        errors["message"] = "Avec le sujet « Autre », précisez votre demande dans le message."
    if form.training is None or not form.training.cle_ministere_educatif.strip():
        errors["training"] = "Choisissez la formation concernée."
    if form.person_id is None:
        errors["person"] = "Choisissez la personne qui fait la demande."
    clean = replace(
        form,
        first_name=first,
        last_name=last,
        phone=phone,
        email=email,
        applicant_type=applicant,
        reasons=reasons,
        message=message,
    )
    return clean, errors


# --- Outbox records -----------------------------------------------------------------------


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
    def status_detail_fr(self) -> str:
        """The status with its date and, for a failure, the reason and what happens next."""
        status = self.status
        if status is RequestStatus.ENVOYEE and self.sent_at:
            return f"Envoyée le {_fr_datetime(self.sent_at)}"
        if status is RequestStatus.TRANSMISE_EMAIL and self.transmitted_at:
            return f"Transmise par e-mail le {_fr_datetime(self.transmitted_at)}"
        if status is RequestStatus.ECHEC:
            text = f"Échec : {self.failure_reason}" if self.failure_reason else "Échec"
            if self.next_retry_at:
                return f"{text} Nouvel essai le {_fr_datetime(self.next_retry_at)}."
            return f"{text} Pas de nouvel essai automatique."
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


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def _when(value: str) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _request(row: sqlite3.Row) -> AppointmentRequest:
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
    )


class RequestNotFound(InvalidInput):
    def __init__(self, request_id: int) -> None:
        super().__init__(
            f"Demande de rendez-vous n° {request_id} introuvable.",
            hint="« lba-desktop rdv list » affiche les demandes et leur numéro.",
        )
        self.request_id = request_id


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next automatic try after `attempts` failed ones (1 min, 2, 4… ≤ 6 h)."""
    return min(RETRY_CAP, RETRY_BASE * (2 ** max(0, attempts - 1)))


# --- Service ------------------------------------------------------------------------------


class AppointmentService:
    """The outbox: save a request first, send it later, exactly once upstream.

    Every request carries an idempotency key stored with it, so a retry after a crash, a
    timeout or a lost answer replays the first upstream answer instead of making a second
    request. Logs name requests by id only.
    """

    def __init__(
        self,
        db_path: Path | None = None,
        *,
        client: RdvClient | None = None,
        people: PeopleService | None = None,
        catalogue: CatalogueStore | None = None,
        clock: Callable[[], datetime] | None = None,
        origin: str = APPOINTMENT_ORIGIN,
    ) -> None:
        self.db_path = db_path
        self._conn = userdb.connect(db_path)
        self._lock = threading.RLock()
        self._client = client
        self._people = people
        self._own_people = people is None
        self._catalogue = catalogue
        self._clock = clock or (lambda: datetime.now(UTC))
        self.origin = origin
        self._sending: set[int] = set()

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            if self._own_people and self._people is not None:
                self._people.close()

    def __enter__(self) -> AppointmentService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing

    def _now(self) -> datetime:
        return self._clock().astimezone(UTC).replace(microsecond=0)

    @property
    def people(self) -> PeopleService:
        if self._people is None:
            from lba_desktop.people import PeopleService

            self._people = PeopleService(self.db_path)
        return self._people

    @property
    def client(self) -> RdvClient:
        if self._client is None:
            from lba_desktop.settings_env import read_api_settings

            settings = read_api_settings()
            # Two quick tries per send: the outbox does the patient retrying.
            self._client = RdvClient(
                settings.lba_url,
                settings.api_key,
                caller=settings.caller,
                timeout=(5.0, 20.0),
                retry=RetryPolicy(attempts=2, base_delay=1.0),
            )
        return self._client

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return userdb.transaction(self._conn, self._lock)

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return userdb.read(self._conn, self._lock, sql, params)

    def _update(self, request_id: int, **columns: Any) -> AppointmentRequest:
        columns["updated_at"] = _iso(self._now())
        with self._tx() as conn:
            cur = conn.execute(
                f"UPDATE appointment_requests SET {', '.join(f'{k} = ?' for k in columns)} "
                "WHERE id = ?",
                (*columns.values(), request_id),
            )
            if cur.rowcount == 0:
                raise RequestNotFound(request_id)
        return self.get(request_id)

    def use_catalogue(self, catalogue: CatalogueStore | None) -> None:
        """Read trainings from another catalogue (after a sync or a data pack replaced it)."""
        with self._lock:
            self._catalogue = catalogue

    # -- the form

    def training_for(
        self, *, cle: str = "", item: Item | None = None, entry_id: int | None = None
    ) -> TrainingInfo:
        """The training from a catalogue item, a shortlist line or its cleMinistereEducatif.

        The catalogue is preferred (it holds the online eligibility); a shortlist snapshot is
        the fallback when a sync removed the training.
        """
        if item is not None:
            return TrainingInfo.from_item(item)
        entry: ShortlistEntry | None = None
        if entry_id is not None:
            entry = self.people.get_entry(entry_id)
            if entry.kind is not Kind.FORMATION:
                raise InvalidInput(
                    "Une demande de rendez-vous ne concerne qu'une formation.",
                    hint="Choisissez une formation de la sélection.",
                )
            cle = entry.item_id
        cle = (cle or "").strip()
        if not cle:
            raise InvalidInput("Choisissez la formation concernée.")
        found = self._catalogue.get(Kind.FORMATION, cle) if self._catalogue else None
        if found is not None:
            return TrainingInfo.from_item(found)
        if entry is not None:
            return replace(TrainingInfo.from_item(entry.as_item()), rdv_eligible=None)
        raise InvalidInput(
            f"Formation « {cle} » introuvable dans le catalogue local.",
            hint="Vérifiez le code de la formation ou mettez le catalogue à jour.",
        )

    def prefill(
        self,
        *,
        person_id: int,
        item: Item | None = None,
        entry_id: int | None = None,
        cle: str = "",
    ) -> AppointmentForm:
        """A form filled with the person's contact details and the training."""
        person: Person = self.people.get_person(person_id)
        if entry_id is None and item is None and cle:
            # The shortlist snapshot is the fallback when the catalogue lacks the training.
            entry_id = self._entry_id_for(person_id, cle.strip())
            cle = "" if entry_id is not None else cle
        training = None
        if item is not None or entry_id is not None or cle:
            training = self.training_for(cle=cle, item=item, entry_id=entry_id)
        if entry_id is None and training is not None:
            entry_id = self._entry_id_for(person_id, training.cle_ministere_educatif)
        return AppointmentForm(
            person_id=person.id,
            training=training,
            first_name=person.first_name,
            last_name=person.last_name,
            phone=person.phone,
            email=person.email,
            shortlist_entry_id=entry_id,
        )

    def check(self, form: AppointmentForm, *, exclude_id: int | None = None) -> dict[str, str]:
        """Field → French message for everything wrong, the 4-day rule included."""
        clean, errors = validate_form(form)
        if "training" not in errors and "person" not in errors:
            try:
                self._check_duplicate(clean, exclude_id=exclude_id)
            except DuplicateRequest as exc:
                errors.update(exc.errors)
        return errors

    def _check_duplicate(self, form: AppointmentForm, *, exclude_id: int | None) -> None:
        assert form.training is not None
        since = _iso(self._now() - DUPLICATE_WINDOW)
        rows = self._read(
            "SELECT id, created_at, status, next_retry_at FROM appointment_requests "
            "WHERE person_id = ? AND cle_ministere_educatif = ? AND created_at > ? "
            "AND id != ? ORDER BY created_at, id",
            (form.person_id, form.training.cle_ministere_educatif, since, exclude_id or -1),
        )
        for row in rows:
            # A request refused for good (bad data, training closed) does not count.
            refused = row["status"] == RequestStatus.ECHEC and not row["next_retry_at"]
            if not refused:
                raise DuplicateRequest(
                    first_at=datetime.fromisoformat(row["created_at"]), existing_id=row["id"]
                )

    def _entry_id_for(self, person_id: int, cle: str) -> int | None:
        rows = self._read(
            "SELECT id FROM shortlist_items WHERE person_id = ? AND kind = ? AND item_id = ?",
            (person_id, Kind.FORMATION.value, cle),
        )
        return rows[0]["id"] if rows else None

    # -- the outbox

    def create_request(self, form: AppointmentForm, *, queue: bool = True) -> AppointmentRequest:
        """Validate and save a request before anything is sent.

        With `queue`, a request for a training that may accept online requests is « À envoyer »
        (the sender picks it up); otherwise it stays « Brouillon » (e-mail or phone hand-over).
        Raises FormInvalid (field → message) or DuplicateRequest.
        """
        clean, errors = validate_form(form)
        if errors:
            raise FormInvalid(errors)
        assert clean.training is not None and clean.person_id is not None
        self.people.get_person(clean.person_id)
        now = self._now()
        training = clean.training
        online = training.channel is Channel.EN_LIGNE
        status = RequestStatus.A_ENVOYER if queue and online else RequestStatus.BROUILLON
        entry_id = clean.shortlist_entry_id
        if entry_id is None:
            entry_id = self._entry_id_for(clean.person_id, training.cle_ministere_educatif)
        columns = {
            "person_id": clean.person_id,
            "shortlist_entry_id": entry_id,
            "cle_ministere_educatif": training.cle_ministere_educatif,
            "idempotency_key": str(uuid.uuid4()),
            "status": status.value,
            "channel": training.channel.value,
            "first_name": clean.first_name,
            "last_name": clean.last_name,
            "phone": clean.phone,
            "email": clean.email,
            "applicant_type": clean.applicant_type,
            "reasons": ",".join(clean.reasons),
            "message": clean.message,
            "origin": self.origin,
            "training_title": training.title,
            "cfa_name": training.cfa_name,
            "cfa_email": training.cfa_email,
            "cfa_phone": training.cfa_phone,
            "training_address": training.address,
            # A demonstration training is invented: never online, whatever its data says.
            "rdv_eligible": 0
            if training.fictitious
            else (None if training.rdv_eligible is None else int(training.rdv_eligible)),
            "form_url": training.form_url,
            "created_at": _iso(now),
            "updated_at": _iso(now),
            "queued_at": _iso(now) if status is RequestStatus.A_ENVOYER else "",
        }
        # The duplicate check and the insert share one write transaction: two windows (or a
        # window and the CLI) cannot both slip a request in.
        with self._tx() as conn:
            self._check_duplicate(clean, exclude_id=None)
            cur = conn.execute(
                f"INSERT INTO appointment_requests ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)})",
                tuple(columns.values()),
            )
            request_id = int(cur.lastrowid or 0)
        log.info("Demande RDV %d enregistrée (%s)", request_id, status.value)
        return self.get(request_id)

    def update_request(self, request_id: int, form: AppointmentForm) -> AppointmentRequest:
        """Edit a draft or a request refused for good; it goes back to « Brouillon »."""
        current = self.get(request_id)
        if not (current.status is RequestStatus.BROUILLON or self._refused(current)):
            raise InvalidInput(
                "Cette demande ne peut plus être modifiée.",
                hint="Seuls les brouillons et les demandes refusées se modifient.",
            )
        clean, errors = validate_form(
            replace(form, person_id=current.person_id, training=form.training or current.training)
        )
        if errors:
            raise FormInvalid(errors)
        assert clean.training is not None
        changes: dict[str, Any] = {
            "first_name": clean.first_name,
            "last_name": clean.last_name,
            "phone": clean.phone,
            "email": clean.email,
            "applicant_type": clean.applicant_type,
            "reasons": ",".join(clean.reasons),
            "message": clean.message,
            "status": RequestStatus.BROUILLON.value,
            "failure_reason": "",
            "upstream_messages": "[]",
            "next_retry_at": "",
        }
        if current.attempts:
            # The old key may carry the upstream's refusal: a new content needs a new key,
            # or the upstream would replay that refusal.
            changes["idempotency_key"] = str(uuid.uuid4())
            changes["attempts"] = 0
        return self._update(request_id, **changes)

    def queue(self, request_id: int) -> AppointmentRequest:
        """« Brouillon » (or a failure) → « À envoyer »: the sender will pick it up."""
        current = self.get(request_id)
        if current.status in (RequestStatus.ENVOYEE, RequestStatus.TRANSMISE_EMAIL):
            raise InvalidInput(f"La demande n° {request_id} a déjà été transmise.")
        if self._refused(current):
            raise InvalidInput(
                f"La demande n° {request_id} a été refusée : {current.failure_reason}",
                hint="Modifiez-la ou préparez l'e-mail au CFA.",
            )
        return self._update(
            request_id,
            status=RequestStatus.A_ENVOYER.value,
            queued_at=_iso(self._now()),
            next_retry_at="",
        )

    def delete_request(self, request_id: int) -> None:
        """Remove a request that was never sent (a sent one stays as the record of it)."""
        current = self.get(request_id)
        if current.status is RequestStatus.ENVOYEE:
            raise InvalidInput("Une demande envoyée ne se supprime pas.")
        with self._tx() as conn:
            conn.execute("DELETE FROM appointment_requests WHERE id = ?", (request_id,))
        log.info("Demande RDV %d supprimée", request_id)

    def get(self, request_id: int) -> AppointmentRequest:
        rows = self._read("SELECT * FROM appointment_requests WHERE id = ?", (request_id,))
        if not rows:
            raise RequestNotFound(request_id)
        return _request(rows[0])

    def list_requests(
        self,
        *,
        person_id: int | None = None,
        statuses: Iterable[RequestStatus | str] | None = None,
    ) -> list[AppointmentRequest]:
        """Newest first; for the « Envoi des demandes » view or one person's file."""
        sql = "SELECT * FROM appointment_requests WHERE 1 = 1"
        params: list[Any] = []
        if person_id is not None:
            sql += " AND person_id = ?"
            params.append(person_id)
        if statuses is not None:
            wanted = [RequestStatus(s).value for s in statuses]
            sql += f" AND status IN ({', '.join('?' for _ in wanted)})"
            params.extend(wanted)
        rows = self._read(sql + " ORDER BY created_at DESC, id DESC", params)
        return [_request(r) for r in rows]

    def counts(self) -> dict[RequestStatus, int]:
        """Requests per status (a badge on the « Envoi des demandes » view)."""
        found = dict(
            self._read("SELECT status, count(*) FROM appointment_requests GROUP BY status")
        )
        return {s: int(found.get(s.value, 0)) for s in RequestStatus}

    def latest_by_entry(self, person_id: int) -> dict[int, AppointmentRequest]:
        """The newest request of each shortlisted training of a person, by shortlist line id."""
        entries = self._read(
            "SELECT id, item_id FROM shortlist_items WHERE person_id = ? AND kind = ?",
            (person_id, Kind.FORMATION.value),
        )
        latest: dict[str, AppointmentRequest] = {}
        for request in reversed(self.list_requests(person_id=person_id)):
            latest[request.cle_ministere_educatif] = request
        return {row["id"]: latest[row["item_id"]] for row in entries if row["item_id"] in latest}

    def for_entry(self, entry_id: int) -> AppointmentRequest | None:
        """The newest request about one shortlist line, or None."""
        rows = self._read(
            "SELECT r.* FROM appointment_requests r JOIN shortlist_items s "
            "ON s.person_id = r.person_id AND s.item_id = r.cle_ministere_educatif "
            "WHERE s.id = ? ORDER BY r.created_at DESC, r.id DESC LIMIT 1",
            (entry_id,),
        )
        return _request(rows[0]) if rows else None

    # -- sending

    def due(self, *, now: datetime | None = None) -> list[AppointmentRequest]:
        """Requests the sender would send now: « À envoyer » and failures whose retry is due."""
        moment = _iso(now or self._now())
        rows = self._read(
            "SELECT * FROM appointment_requests WHERE status = ? "
            "OR (status = ? AND next_retry_at != '' AND next_retry_at <= ?) "
            "ORDER BY created_at, id",
            (RequestStatus.A_ENVOYER.value, RequestStatus.ECHEC.value, moment),
        )
        return [_request(r) for r in rows]

    def send_pending(self, *, now: datetime | None = None) -> SendReport:
        """Send every due request once; failures get their next retry time."""
        sent: list[int] = []
        later: list[int] = []
        refused: list[int] = []
        for request in self.due(now=now):
            result = self._send_one(request, now=now)
            if result.status is RequestStatus.ENVOYEE:
                sent.append(result.id)
            elif result.will_retry or result.status is RequestStatus.A_ENVOYER:
                later.append(result.id)
            else:
                refused.append(result.id)
        return SendReport(sent=tuple(sent), retry_later=tuple(later), refused=tuple(refused))

    def send(self, request_id: int, *, now: datetime | None = None) -> AppointmentRequest:
        """Send one request now (a draft is queued first); returns it with its new status."""
        request = self.get(request_id)
        if request.status is RequestStatus.ENVOYEE:
            return request
        if request.status is RequestStatus.TRANSMISE_EMAIL:
            raise InvalidInput(f"La demande n° {request_id} a déjà été transmise par e-mail.")
        if self._refused(request):
            raise InvalidInput(
                f"La demande n° {request_id} a été refusée : {request.failure_reason}",
                hint="Modifiez-la ou préparez l'e-mail au CFA.",
            )
        if request.training.rdv_eligible is False:
            raise InvalidInput(
                f"La formation de la demande n° {request_id} ne prend pas de demande en ligne.",
                hint="Préparez l'e-mail au CFA (« rdv export ») ou appelez-le.",
            )
        return self._send_one(request, now=now)

    @staticmethod
    def _refused(request: AppointmentRequest) -> bool:
        return request.status is RequestStatus.ECHEC and request.next_retry_at is None

    def _send_one(self, request: AppointmentRequest, *, now: datetime | None) -> AppointmentRequest:
        with self._lock:
            if request.id in self._sending:
                return request
            self._sending.add(request.id)
        try:
            return self._attempt(request, now=now)
        finally:
            with self._lock:
                self._sending.discard(request.id)

    def _attempt(self, request: AppointmentRequest, *, now: datetime | None) -> AppointmentRequest:
        moment = now or self._now()
        attempts = request.attempts + 1
        # Recorded before the call: after a crash the request is still « À envoyer », and the
        # stored key makes the next try harmless even if this one reached the upstream.
        self._update(
            request.id,
            status=RequestStatus.A_ENVOYER.value,
            attempts=attempts,
            last_attempt_at=_iso(moment),
            next_retry_at="",
            queued_at=_iso(request.queued_at or moment),
        )
        form_url = request.training.form_url
        try:
            if not request.upstream_id:
                context = self.client.create_context(request.cle_ministere_educatif)
                form_url = context.form_url or form_url
            receipt = self.client.submit(
                request.upstream_payload(), idempotency_key=request.idempotency_key
            )
        except AppointmentUnavailable:
            log.info("Demande RDV %d : formation sans prise de RDV en ligne", request.id)
            return self._update(
                request.id,
                status=RequestStatus.ECHEC.value,
                rdv_eligible=0,
                channel=(Channel.EMAIL if request.training.cfa_email else Channel.TELEPHONE).value,
                failure_reason=(
                    "cette formation ne prend pas de demande de rendez-vous en ligne. "
                    "Préparez l'e-mail au CFA ou appelez-le."
                ),
                upstream_messages="[]",
                next_retry_at="",
            )
        except AppointmentRefused as exc:
            log.info("Demande RDV %d refusée par le service (400)", request.id)
            return self._update(
                request.id,
                status=RequestStatus.ECHEC.value,
                form_url=form_url,
                failure_reason="demande refusée par le service : " + " ; ".join(exc.messages),
                upstream_messages=json.dumps(list(exc.messages), ensure_ascii=False),
                next_retry_at="",
            )
        except ApiKeyRefused as exc:
            return self._fail_for_good(request.id, exc.message, form_url=form_url)
        except LbaError as exc:
            return self._fail_for_now(request.id, attempts, moment, exc, form_url=form_url)
        except Exception:
            # A bug must not stop the other requests; the retry cap bounds its repetition.
            log.exception("Demande RDV %d : erreur inattendue à l'envoi", request.id)
            return self._fail_for_now(
                request.id, attempts, moment, LbaError("erreur inattendue"), form_url=form_url
            )
        log.info("Demande RDV %d envoyée (réponse %s)", request.id, receipt.appointment_id)
        return self._update(
            request.id,
            status=RequestStatus.ENVOYEE.value,
            sent_at=_iso(moment),
            rdv_eligible=1,
            channel=Channel.EN_LIGNE.value,
            form_url=form_url,
            failure_reason="",
            upstream_messages="[]",
            next_retry_at="",
            upstream_id=receipt.appointment_id,
            upstream_answer=json.dumps(dict(receipt.summary), ensure_ascii=False),
        )

    def _fail_for_good(self, request_id: int, reason: str, *, form_url: str) -> AppointmentRequest:
        log.info("Demande RDV %d : échec sans nouvel essai", request_id)
        return self._update(
            request_id,
            status=RequestStatus.ECHEC.value,
            form_url=form_url,
            failure_reason=reason,
            next_retry_at="",
        )

    def _fail_for_now(
        self,
        request_id: int,
        attempts: int,
        moment: datetime,
        exc: LbaError,
        *,
        form_url: str,
    ) -> AppointmentRequest:
        if attempts >= MAX_ATTEMPTS:
            return self._fail_for_good(
                request_id,
                f"{exc.message} Abandon après {attempts} essais : préparez l'e-mail au CFA "
                "ou renvoyez la demande plus tard.",
                form_url=form_url,
            )
        delay = retry_delay(attempts)
        if isinstance(exc, RateLimited) and exc.retry_after:
            delay = max(delay, timedelta(seconds=exc.retry_after))
        log.info("Demande RDV %d : échec %d, nouvel essai dans %s", request_id, attempts, delay)
        return self._update(
            request_id,
            status=RequestStatus.ECHEC.value,
            form_url=form_url,
            failure_reason=exc.message,
            next_retry_at=_iso(moment + delay),
        )

    # -- hand-over by e-mail

    def prepare_email(
        self, request_id: int, path: Path, *, sender: str = "", pdf_path: Path | None = None
    ) -> Path:
        """Write « Préparer l'e-mail au CFA » as a .eml file (and the young person's PDF copy);
        the status changes only with `mark_transmitted`, once the counsellor sent it."""
        from lba_desktop import appointment_email

        request = self.get(request_id)
        if not request.training.cfa_email:
            raise InvalidInput(
                "L'adresse e-mail du CFA n'est pas connue.",
                hint=(
                    f"Appelez le CFA au {request.training.cfa_phone}."
                    if request.training.cfa_phone
                    else "Cherchez le contact du CFA sur sa fiche."
                ),
            )
        written = appointment_email.write_eml(request, path, sender=sender)
        if pdf_path is not None:
            appointment_email.write_pdf(request, pdf_path)
        log.info("Demande RDV %d : e-mail préparé", request_id)
        return written

    def mark_transmitted(self, request_id: int) -> AppointmentRequest:
        """The counsellor sent the e-mail: « Transmise par e-mail »."""
        current = self.get(request_id)
        if current.status is RequestStatus.ENVOYEE:
            raise InvalidInput(f"La demande n° {request_id} a déjà été envoyée en ligne.")
        now = _iso(self._now())
        log.info("Demande RDV %d transmise par e-mail", request_id)
        return self._update(
            request_id,
            status=RequestStatus.TRANSMISE_EMAIL.value,
            channel=Channel.EMAIL.value,
            transmitted_at=now,
            next_retry_at="",
        )


__all__ = [
    "APPOINTMENT_ORIGIN",
    "REASONS",
    "ApplicantType",
    "AppointmentForm",
    "AppointmentRequest",
    "AppointmentService",
    "Channel",
    "DuplicateRequest",
    "FormInvalid",
    "RequestNotFound",
    "RequestStatus",
    "SendReport",
    "TrainingInfo",
    "validate_form",
]
