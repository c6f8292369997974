"""The sender: posts due requests to RDV Apprentissage once each, with backoff on failures."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any

from lba_desktop.appointments.form import Channel
from lba_desktop.appointments.outbox import Outbox
from lba_desktop.appointments.records import (
    AppointmentRequest,
    RequestStatus,
    SendReport,
    iso_utc,
    request_from_row,
)
from lba_desktop.data.http import ApiKeyRefused, RateLimited, RetryPolicy
from lba_desktop.data.rdv_client import AppointmentRefused, AppointmentUnavailable, RdvClient
from lba_desktop.errors import InvalidInput, LbaError

log = logging.getLogger(__name__)

# Outbox retries: 1 min, 2 min, 4 min… capped at 6 h; after MAX_ATTEMPTS the request waits
# for a person to decide (e-mail to the CFA), so a dead upstream is never hammered forever.
RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=6)
MAX_ATTEMPTS = 12


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next automatic try after `attempts` failed ones (1 min, 2, 4… ≤ 6 h)."""
    return min(RETRY_CAP, RETRY_BASE * (2 ** max(0, attempts - 1)))


class AppointmentService(Outbox):
    """The outbox with its sender: save a request first, send it later, exactly once upstream.

    Every request carries an idempotency key stored with it, so a retry after a crash, a
    timeout or a lost answer replays the first upstream answer instead of making a second
    request. Logs name requests by id only.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sending: set[int] = set()  # ids being posted by this process

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
            "SELECT * FROM appointment_requests WHERE status = ? "
            "OR (status = ? AND next_retry_at != '' AND next_retry_at <= ?) "
            "ORDER BY created_at, id",
            (RequestStatus.A_ENVOYER.value, RequestStatus.ECHEC.value, moment),
        )
        return [request_from_row(r) for r in rows]

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
            last_attempt_at=iso_utc(moment),
            next_retry_at="",
            queued_at=iso_utc(request.queued_at or moment),
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
            sent_at=iso_utc(moment),
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
            next_retry_at=iso_utc(moment + delay),
        )
