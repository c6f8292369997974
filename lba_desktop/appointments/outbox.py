"""The outbox in user.sqlite: save, edit, queue, list and hand over requests by e-mail."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from lba_desktop.appointments.form import (
    APPOINTMENT_ORIGIN,
    DUPLICATE_WINDOW,
    AppointmentForm,
    Channel,
    DuplicateRequest,
    FormInvalid,
    TrainingInfo,
    validate_form,
)
from lba_desktop.appointments.records import (
    AppointmentRequest,
    RequestNotFound,
    RequestStatus,
    iso_utc,
    request_from_row,
)
from lba_desktop.data import userdb, userstore
from lba_desktop.data.userstore import StoreConnection
from lba_desktop.errors import InvalidInput
from lba_desktop.models import Item, Kind
from lba_desktop.people import journal
from lba_desktop.people.journal import JournalKind

if TYPE_CHECKING:
    from lba_desktop.data.catalogue import CatalogueStore
    from lba_desktop.data.rdv_client import RdvClient
    from lba_desktop.people import PeopleService, Person, ShortlistEntry

log = logging.getLogger(__name__)

userdb.register_person_table("appointment_requests", "person_id")


class Outbox:
    """The outbox: save a request first, send it later, exactly once upstream.

    A request is posted by one process only: the sender claims it in the transaction that
    marks it « en cours d'envoi » (see `AppointmentService`). Logs name requests by id only.
    """

    def __init__(
        self,
        db_path: Path | str | userstore.UserStore | None = None,
        *,
        client: RdvClient | None = None,
        people: PeopleService | None = None,
        catalogue: CatalogueStore | None = None,
        clock: Callable[[], datetime] | None = None,
        origin: str = APPOINTMENT_ORIGIN,
    ) -> None:
        self.db_path = db_path
        self._store = userstore.open_store(db_path)
        self._lock = threading.RLock()
        self._client = client
        self._people = people
        self._own_people = people is None
        self._catalogue = catalogue
        self._clock = clock or (lambda: datetime.now(UTC))
        self.origin = origin

    def close(self) -> None:
        with self._lock:
            self._store.close()
            if self._own_people and self._people is not None:
                self._people.close()

    def __enter__(self) -> Self:
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

    def _tx(self, *, serialize: bool = True) -> AbstractContextManager[StoreConnection]:
        return self._store.transaction(serialize=serialize)

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._store.read(sql, params)

    def _update(
        self, request_id: int, *, event: JournalKind | None = None, **columns: Any
    ) -> AppointmentRequest:
        """Write some columns; with `event`, the person's journal records it in the same
        transaction."""
        columns["updated_at"] = iso_utc(self._now())
        counsellor = self.people.counsellor if event is not None else ""
        with self._tx() as conn:
            cur = conn.execute(
                f"UPDATE appointment_requests SET {', '.join(f'{k} = ?' for k in columns)} "
                "WHERE id = ? RETURNING person_id, training_title",
                (*columns.values(), request_id),
            )
            row = cur.fetchone()
            if row is None:
                raise RequestNotFound(request_id)
            if event is not None:
                journal.record(
                    conn,
                    person_id=row[0],
                    kind=event,
                    counsellor=counsellor,
                    at=columns["updated_at"],
                    summary=row[1],
                    request_id=request_id,
                )
        return self.get(request_id)

    @staticmethod
    def _refuse_while_sending(request: AppointmentRequest) -> None:
        """A request another process (or this one) is posting is left alone until it ends."""
        if request.status is RequestStatus.EN_COURS:
            raise InvalidInput(
                f"La demande n° {request.id} est en cours d'envoi.",
                hint="Attendez la fin de l'envoi (quelques secondes) puis recommencez.",
            )

    @staticmethod
    def _refused(request: AppointmentRequest) -> bool:
        return request.status is RequestStatus.ECHEC and request.next_retry_at is None

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
        since = iso_utc(self._now() - DUPLICATE_WINDOW)
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
            "created_at": iso_utc(now),
            "updated_at": iso_utc(now),
            "queued_at": iso_utc(now) if status is RequestStatus.A_ENVOYER else "",
        }
        counsellor = self.people.counsellor
        # The duplicate check and the insert share one write transaction: two windows (or a
        # window and the CLI) cannot both slip a request in.
        with self._tx() as conn:
            self._check_duplicate(clean, exclude_id=None)
            cur = conn.execute(
                f"INSERT INTO appointment_requests ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' for _ in columns)}) RETURNING id",
                tuple(columns.values()),
            )
            request_id = int(cur.fetchone()[0])
            journal.record(
                conn,
                person_id=clean.person_id,
                kind=JournalKind.RDV_DEMANDE,
                counsellor=counsellor,
                at=columns["created_at"],
                summary=training.title,
                request_id=request_id,
            )
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
        self._refuse_while_sending(current)
        if self._refused(current):
            raise InvalidInput(
                f"La demande n° {request_id} a été refusée : {current.failure_reason}",
                hint="Modifiez-la ou préparez l'e-mail au CFA.",
            )
        return self._update(
            request_id,
            status=RequestStatus.A_ENVOYER.value,
            queued_at=iso_utc(self._now()),
            next_retry_at="",
        )

    def delete_request(self, request_id: int) -> None:
        """Remove a request that was never sent (a sent one stays as the record of it)."""
        current = self.get(request_id)
        if current.status is RequestStatus.ENVOYEE:
            raise InvalidInput("Une demande envoyée ne se supprime pas.")
        self._refuse_while_sending(current)
        with self._tx() as conn:
            conn.execute("DELETE FROM appointment_requests WHERE id = ?", (request_id,))
        log.info("Demande RDV %d supprimée", request_id)

    def get(self, request_id: int) -> AppointmentRequest:
        rows = self._read("SELECT * FROM appointment_requests WHERE id = ?", (request_id,))
        if not rows:
            raise RequestNotFound(request_id)
        return request_from_row(rows[0])

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
        return [request_from_row(r) for r in rows]

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
        return request_from_row(rows[0]) if rows else None

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
        self._refuse_while_sending(current)
        now = iso_utc(self._now())
        log.info("Demande RDV %d transmise par e-mail", request_id)
        return self._update(
            request_id,
            event=JournalKind.RDV_EMAIL,
            status=RequestStatus.TRANSMISE_EMAIL.value,
            channel=Channel.EMAIL.value,
            transmitted_at=now,
            next_retry_at="",
        )
