"""The sender: posts due requests to RDV Apprentissage once each, with backoff on failures."""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from datetime import datetime, timedelta
from typing import Any

from lba_desktop.appointments.form import Channel
from lba_desktop.appointments.outbox import Outbox
from lba_desktop.appointments.records import (
    CONFIRMED_KEY,
    IN_FLIGHT_KEY,
    LOST_ANSWER_KEY,
    AppointmentRequest,
    RequestStatus,
    SendReport,
    iso_utc,
    request_from_row,
)
from lba_desktop.data.http import ApiKeyRefused, RateLimited, RetryPolicy
from lba_desktop.data.rdv_client import (
    AppointmentAlreadyPending,
    AppointmentRefused,
    AppointmentUnavailable,
    RdvClient,
)
from lba_desktop.data.user_schema import POSTGRESQL
from lba_desktop.errors import InvalidInput, LbaError
from lba_desktop.people.journal import JournalKind

log = logging.getLogger(__name__)

# Outbox retries: 1 min, 2 min, 4 min… capped at 6 h; after MAX_ATTEMPTS the request waits
# for a person to decide (e-mail to the CFA), so a dead upstream is never hammered forever.
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=6)
MAX_ATTEMPTS = 12
# How long a claim holds: far beyond one post (two tries of at most 25 s, plus the context
# call), short enough that a request a crash left « en cours d'envoi » goes out the same day.
CLAIM_LEASE = timedelta(minutes=5)
# Requests a sender may take: due ones, or any not done nor refused for good when a person
# asks for this one (« Envoyer maintenant »), and those whose claim has expired.
_DUE = (
    "(status = 'a_envoyer' OR (status = 'echec' AND next_retry_at != '' AND next_retry_at <= ?) "
    "OR (status = 'en_cours' AND claim_expires_at <= ?))"
)
_SENDABLE = (
    "(status IN ('brouillon', 'a_envoyer') OR (status = 'echec' AND next_retry_at != '') "
    "OR (status = 'en_cours' AND claim_expires_at <= ?))"
)


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next automatic try after `attempts` failed ones (1 min, 2, 4… ≤ 6 h)."""
    return min(RETRY_CAP, RETRY_BASE * (2 ** max(0, attempts - 1)))


class AppointmentService(Outbox):
    """The outbox with its sender: save a request first, send it later, posted once.

    The upstream has no idempotency key, so exactly-once rests here: a sender claims a
    request in the same write transaction that marks it « en cours d'envoi » (SQLite lets one
    writer at a time, across processes: the window and `rdv send` cannot both take it), posts
    it, then records the answer and drops the claim. A claim expires after `CLAIM_LEASE`, so
    a process killed mid-send never blocks a request for good; the request is then posted
    again (the upstream's 4-day refusal after a lost answer is read by the outbox).
    Logs name requests by id only.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Who holds a claim: this process and this service (threads share the connection).
        self._claimant = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

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

    # -- sending

    def due(self, *, now: datetime | None = None) -> list[AppointmentRequest]:
        """Requests the sender would send now: « À envoyer » and failures whose retry is due."""
        moment = iso_utc(now or self._now())
        rows = self._read(
            f"SELECT * FROM appointment_requests WHERE {_DUE} ORDER BY created_at, id",
            (moment, moment),
        )
        return [request_from_row(r) for r in rows]

    def send_pending(self, *, now: datetime | None = None) -> SendReport:
        """Send every due request once; failures get their next retry time."""
        sent: list[int] = []
        later: list[int] = []
        refused: list[int] = []
        for request in self.due(now=now):
            result = self._send_one(request, now=now, due_only=True)
            if result is None:
                continue  # another process took it since `due()` listed it
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
        sent = self._send_one(request, now=now, due_only=False)
        # None: another process holds it; it says « Envoi en cours » until that one is done.
        return sent if sent is not None else self.get(request_id)

    def _send_one(
        self, request: AppointmentRequest, *, now: datetime | None, due_only: bool
    ) -> AppointmentRequest | None:
        moment = now or self._now()
        claimed = self._claim(request.id, moment, due_only=due_only)
        if claimed is None:
            return None
        return self._attempt(claimed, moment)

    def _claim(
        self, request_id: int, moment: datetime, *, due_only: bool
    ) -> AppointmentRequest | None:
        """Take the request for this sender, or None when another one holds it (or it is no
        longer to be sent): one conditional UPDATE in one write transaction, which marks it
        « en cours d'envoi » and counts the attempt before anything is posted."""
        now = iso_utc(moment)
        condition = _DUE if due_only else _SENDABLE
        params: tuple[Any, ...] = (now, now) if due_only else (now,)
        # On PostgreSQL the row is locked first, skipping it when another sender holds it:
        # two machines claiming at once never wait on each other, and one of them gets it.
        # SQLite has a single writer, so the conditional UPDATE alone decides there.
        skip_locked = self._store.dialect == POSTGRESQL
        with self._tx(serialize=not skip_locked) as conn:
            if skip_locked:
                locked = conn.execute(
                    f"SELECT id FROM appointment_requests WHERE id = ? AND {condition} "
                    "FOR UPDATE SKIP LOCKED",
                    (request_id, *params),
                ).fetchone()
                if locked is None:
                    return None
            cur = conn.execute(
                "UPDATE appointment_requests SET status = ?, claimed_by = ?, "
                "claim_expires_at = ?, attempts = attempts + 1, last_attempt_at = ?, "
                "next_retry_at = '', queued_at = CASE WHEN queued_at = '' THEN ? "
                f"ELSE queued_at END, updated_at = ? WHERE id = ? AND {condition}",
                (
                    RequestStatus.EN_COURS.value,
                    self._claimant,
                    iso_utc(moment + CLAIM_LEASE),
                    now,
                    now,
                    now,
                    request_id,
                    *params,
                ),
            )
            if cur.rowcount != 1:
                return None
        log.info("Demande RDV %d : prise en charge pour l'envoi", request_id)
        return self.get(request_id)

    def _finish(
        self, request_id: int, *, event: JournalKind | None = None, **columns: Any
    ) -> AppointmentRequest:
        """Record the outcome of a post and drop the claim, in one write."""
        return self._update(request_id, event=event, claimed_by="", claim_expires_at="", **columns)

    def _attempt(self, request: AppointmentRequest, moment: datetime) -> AppointmentRequest:
        attempts = request.attempts
        form_url = request.training.form_url
        # The upstream has no idempotency key: what an earlier post may have done is kept in
        # `upstream_answer`. A post still marked in flight was cut by a crash: its answer is
        # lost as surely as a timed-out one's.
        kept = dict(request.upstream_answer)
        in_flight = kept.pop(IN_FLIGHT_KEY, None)
        if in_flight and not kept.get(LOST_ANSWER_KEY):
            kept[LOST_ANSWER_KEY] = in_flight
        outcome = {"upstream_answer": json.dumps(kept, ensure_ascii=False)}
        try:
            if not request.upstream_id:
                context = self.client.create_context(request.cle_ministere_educatif)
                form_url = context.form_url or form_url
            posting = {**kept, IN_FLIGHT_KEY: iso_utc(moment)}
            self._update(request.id, upstream_answer=json.dumps(posting, ensure_ascii=False))
            receipt = self.client.submit(
                request.upstream_payload(),
                idempotency_key=request.idempotency_key,
                answer_lost=bool(kept.get(LOST_ANSWER_KEY)),
            )
        except AppointmentAlreadyPending as exc:
            if exc.after_lost_answer:
                return self._arrived_after_lost_answer(request, moment, exc, kept, form_url)
            log.info("Demande RDV %d : une demande est déjà en cours au service", request.id)
            return self._finish(
                request.id,
                status=RequestStatus.ECHEC.value,
                form_url=form_url,
                failure_reason=(
                    "demande refusée par le service : cette personne a déjà une demande en cours "
                    "pour cette formation (faite il y a moins de 4 jours, ailleurs ou en "
                    "double) : " + " ; ".join(exc.messages)
                ),
                upstream_messages=json.dumps(list(exc.messages), ensure_ascii=False),
                next_retry_at="",
                **outcome,
            )
        except AppointmentUnavailable:
            log.info("Demande RDV %d : formation sans prise de RDV en ligne", request.id)
            return self._finish(
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
                **outcome,
            )
        except AppointmentRefused as exc:
            log.info("Demande RDV %d refusée par le service (400)", request.id)
            return self._finish(
                request.id,
                status=RequestStatus.ECHEC.value,
                form_url=form_url,
                failure_reason="demande refusée par le service : " + " ; ".join(exc.messages),
                upstream_messages=json.dumps(list(exc.messages), ensure_ascii=False),
                next_retry_at="",
                **outcome,
            )
        except ApiKeyRefused as exc:
            return self._fail_for_good(request.id, exc.message, form_url=form_url, **outcome)
        except LbaError as exc:
            if getattr(exc, "answer_lost", False):
                # Kept for the next try: its 4-day refusal will mean this one arrived.
                lost = {**kept, LOST_ANSWER_KEY: kept.get(LOST_ANSWER_KEY) or iso_utc(moment)}
                outcome["upstream_answer"] = json.dumps(lost, ensure_ascii=False)
            return self._fail_for_now(
                request.id, attempts, moment, exc, form_url=form_url, **outcome
            )
        except Exception:
            # A bug must not stop the other requests; the retry cap bounds its repetition.
            log.exception("Demande RDV %d : erreur inattendue à l'envoi", request.id)
            return self._fail_for_now(
                request.id,
                attempts,
                moment,
                LbaError("erreur inattendue"),
                form_url=form_url,
                **outcome,
            )
        log.info("Demande RDV %d envoyée (réponse %s)", request.id, receipt.appointment_id)
        return self._record_sent(
            request.id,
            moment,
            form_url,
            dict(receipt.summary),
            upstream_id=receipt.appointment_id,
        )

    def _record_sent(
        self,
        request_id: int,
        moment: datetime,
        form_url: str,
        answer: dict[str, Any],
        **columns: Any,
    ) -> AppointmentRequest:
        """The request is with the upstream: sent, online, nothing left to retry."""
        return self._finish(
            request_id,
            event=JournalKind.RDV_ENVOYEE,
            status=RequestStatus.ENVOYEE.value,
            sent_at=iso_utc(moment),
            rdv_eligible=1,
            channel=Channel.EN_LIGNE.value,
            form_url=form_url,
            failure_reason="",
            upstream_messages="[]",
            next_retry_at="",
            upstream_answer=json.dumps(answer, ensure_ascii=False),
            **columns,
        )

    def _arrived_after_lost_answer(
        self,
        request: AppointmentRequest,
        moment: datetime,
        exc: AppointmentAlreadyPending,
        kept: dict[str, Any],
        form_url: str,
    ) -> AppointmentRequest:
        """The 4-day refusal after a lost answer: the upstream holds this request, sent once."""
        log.info("Demande RDV %d : arrivée (réponse perdue, refus des 4 jours)", request.id)
        answer = {
            **kept,
            LOST_ANSWER_KEY: kept.get(LOST_ANSWER_KEY) or iso_utc(moment),
            CONFIRMED_KEY: " ; ".join(exc.messages),
        }
        return self._record_sent(request.id, moment, form_url, answer)

    def _fail_for_good(
        self, request_id: int, reason: str, *, form_url: str, **columns: Any
    ) -> AppointmentRequest:
        log.info("Demande RDV %d : échec sans nouvel essai", request_id)
        return self._finish(
            request_id,
            status=RequestStatus.ECHEC.value,
            form_url=form_url,
            failure_reason=reason,
            next_retry_at="",
            **columns,
        )

    def _fail_for_now(
        self,
        request_id: int,
        attempts: int,
        moment: datetime,
        exc: LbaError,
        *,
        form_url: str,
        **columns: Any,
    ) -> AppointmentRequest:
        if attempts >= MAX_ATTEMPTS:
            return self._fail_for_good(
                request_id,
                f"{exc.message} Abandon après {attempts} essais : préparez l'e-mail au CFA "
                "ou renvoyez la demande plus tard.",
                form_url=form_url,
                **columns,
            )
        delay = retry_delay(attempts)
        if isinstance(exc, RateLimited) and exc.retry_after:
            delay = max(delay, timedelta(seconds=exc.retry_after))
        log.info("Demande RDV %d : échec %d, nouvel essai dans %s", request_id, attempts, delay)
        return self._finish(
            request_id,
            status=RequestStatus.ECHEC.value,
            form_url=form_url,
            failure_reason=exc.message,
            next_retry_at=iso_utc(moment + delay),
            **columns,
        )
