"""Client of the RDV Apprentissage routes (context, form link, appointment request) over POST."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from lba_desktop.data.http import (
    DEFAULT_TIMEOUT,
    HttpClient,
    NetworkUnavailable,
    RateLimited,
    RetryPolicy,
    Sleep,
    UpstreamFailure,
    WrongParameters,
)
from lba_desktop.data.lba_client import DEFAULT_LBA_URL
from lba_desktop.errors import UpstreamError

# No published limit for these routes: stay well under the trainings' 7 calls/s.
RATE_APPOINTMENTS = 3.0
IDEMPOTENCY_HEADER = "Idempotency-Key"
# `referrer` of the context route: an enum upstream; "lba" is La Bonne Alternance's own.
DEFAULT_REFERRER = "lba"

CONTEXT_PATH = "appointment-request/context/create"  # public, no key (V1 tag in the specs)
FORM_LINK_PATH = "v2/appointment"  # API Apprentissage key; answers the same context
SUBMIT_PATH = "appointment-request/validate"  # what LBA's own form posts (see appointments.py)


class AppointmentUnavailable(UpstreamError):
    """The training takes no online appointment request (upstream `{error: …}` in a 200)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "La prise de rendez-vous en ligne n'est pas proposée pour cette formation.",
            hint="Préparez l'e-mail au CFA ou appelez-le.",
        )
        self.detail = detail


class AppointmentRefused(UpstreamError):
    """400: the upstream refused the request itself; `messages` keeps its wording."""

    def __init__(self, messages: tuple[str, ...] | list[str]) -> None:
        self.messages = tuple(messages) or ("demande refusée",)
        super().__init__(
            "Demande de rendez-vous refusée par le service : " + " ; ".join(self.messages),
            hint="Corrigez la demande ou préparez l'e-mail au CFA.",
        )


# The upstream's refusal of a second request by the same person for the same training within
# 4 days (« Une demande de prise de RDV en date du … est actuellement en cours de traitement. »).
PENDING_MARK = "est actuellement en cours de traitement"


class AppointmentAlreadyPending(AppointmentRefused):
    """The 4-day refusal: the upstream holds a request of this person for this training.
    `after_lost_answer`: an earlier post of this call may have arrived (its answer was lost),
    so the request that is pending upstream is this one."""

    def __init__(self, messages: tuple[str, ...], *, after_lost_answer: bool) -> None:
        super().__init__(messages)
        self.after_lost_answer = after_lost_answer


def may_have_arrived(exc: Exception) -> bool:
    """Whether a failed POST may still have been processed upstream: it left (no refused or
    unresolved connection, no connect timeout, no 429 or 4xx) but its answer was lost."""
    if isinstance(exc, AppointmentRefused | AppointmentUnavailable):
        return False
    if isinstance(exc, UpstreamFailure):
        return exc.status is None or exc.status >= 500
    if isinstance(exc, NetworkUnavailable):
        cause = exc.__cause__
        if isinstance(cause, requests.exceptions.ConnectTimeout) or cause is None:
            return False
        text = repr(cause)
        return not any(m in text for m in ("NewConnectionError", "NameResolution", "refused"))
    return False


@dataclass(frozen=True, slots=True)
class TrainingContext:
    """What the upstream knows of a training open to appointment requests."""

    cle_ministere_educatif: str
    title: str = ""
    cfa_name: str = ""
    cfa_siret: str = ""
    address: str = ""
    postcode: str = ""
    city: str = ""
    cfd: str = ""
    form_url: str = ""


@dataclass(frozen=True, slots=True)
class AppointmentReceipt:
    """The upstream's answer to an accepted request (no personal data kept)."""

    appointment_id: str
    created_at: str = ""
    summary: Mapping[str, Any] = field(default_factory=dict)


class _PostHttp(HttpClient):
    """HttpClient whose POST errors speak of appointments: a 400 is a refused request with
    the upstream's reasons, a 404 an unknown training."""

    def post_json(
        self, path: str, body: Mapping[str, Any], *, headers: Mapping[str, str] | None = None
    ) -> Any:
        try:
            return super().post_json(path, body, headers=headers)
        except WrongParameters as exc:
            raise AppointmentRefused(exc.messages) from exc
        except UpstreamFailure as exc:
            if exc.status == 404:
                raise AppointmentUnavailable("formation introuvable") from exc
            raise


class RdvClient:
    """The three appointment routes; personal data goes in JSON bodies, never in URLs or logs."""

    def __init__(
        self,
        base_url: str = DEFAULT_LBA_URL,
        api_key: str = "",
        *,
        caller: str = "",
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
        clock: Any = time.monotonic,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
    ) -> None:
        session = session or requests.Session()
        common: dict[str, Any] = {
            "caller": caller,
            "rate_per_second": RATE_APPOINTMENTS,
            "session": session,
            "sleep": sleep,
            "clock": clock,
            "timeout": timeout,
            "retry": retry,
        }
        self._public = _PostHttp(base_url, **common)
        # The request itself is posted once per try, retried here: the upstream has no
        # idempotency key, so the loop must know when a try's answer was lost.
        self._submit_http = _PostHttp(base_url, **{**common, "retry": RetryPolicy(attempts=1)})
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = random.Random()
        # The key goes only with the route that needs it.
        keyed = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self._keyed = _PostHttp(base_url, headers=keyed, **common)
        self.has_api_key = bool(api_key)

    @classmethod
    def from_environment(cls, **kwargs: Any) -> RdvClient:
        """Base URL, key and caller from LBA_API_URL / LBA_API_KEY / LBA_CALLER."""
        return cls(
            os.environ.get("LBA_API_URL") or DEFAULT_LBA_URL,
            os.environ.get("LBA_API_KEY", ""),
            caller=os.environ.get("LBA_CALLER", ""),
            **kwargs,
        )

    def create_context(self, cle: str, *, referrer: str = DEFAULT_REFERRER) -> TrainingContext:
        """`POST /appointment-request/context/create`: the training, or AppointmentUnavailable."""
        body = self._public.post_json(
            CONTEXT_PATH, {"idCleMinistereEducatif": cle, "referrer": referrer}
        )
        return _context(body, cle)

    def form_link(self, cle: str) -> TrainingContext:
        """`POST /v2/appointment` (API key): the training and the LBA form link."""
        body = self._keyed.post_json(FORM_LINK_PATH, {"cle_ministere_educatif": cle})
        return _context(body, cle)

    def submit(
        self, payload: Mapping[str, Any], *, idempotency_key: str, answer_lost: bool = False
    ) -> AppointmentReceipt:
        """`POST /appointment-request/validate`. The upstream reads no idempotency key (the
        header is sent for a proxy or a future version): a retry after a lost answer gets
        the 4-day refusal, raised as `AppointmentAlreadyPending(after_lost_answer=True)`.
        `answer_lost`: an earlier call for this request may have arrived."""
        if not idempotency_key:
            raise ValueError("an idempotency key is required")
        lost = answer_lost
        attempts = max(1, self._retry.attempts)
        for attempt in range(1, attempts + 1):
            try:
                body = self._submit_http.post_json(
                    SUBMIT_PATH, payload, headers={IDEMPOTENCY_HEADER: idempotency_key}
                )
            except AppointmentRefused as exc:
                if any(PENDING_MARK in m for m in exc.messages):
                    raise AppointmentAlreadyPending(exc.messages, after_lost_answer=lost) from exc
                raise
            except (UpstreamFailure, NetworkUnavailable, RateLimited) as exc:
                lost = lost or may_have_arrived(exc)
                if attempt == attempts:
                    # Read by the outbox, which keeps it for the request's next try.
                    exc.answer_lost = lost  # type: ignore[attr-defined]
                    raise
                self._sleep(self._retry.backoff(attempt, self._rng))
                continue
            break
        appointment = body.get("appointment") if isinstance(body, dict) else None
        appointment = appointment if isinstance(appointment, dict) else {}
        appointment_id = str(appointment.get("_id") or appointment.get("id") or "")
        if not appointment_id:
            # A 200 the client cannot read: the request was most likely created.
            unreadable = UpstreamFailure("réponse inattendue (pas de numéro de demande)")
            unreadable.answer_lost = True  # type: ignore[attr-defined]
            raise unreadable
        created = str(appointment.get("created_at") or appointment.get("createdAt") or "")
        # Only non-personal fields are kept: the answer is stored in user.sqlite.
        summary = {
            k: appointment[k]
            for k in ("_id", "cle_ministere_educatif", "appointment_origin", "created_at")
            if k in appointment
        }
        return AppointmentReceipt(
            appointment_id=appointment_id, created_at=created, summary=summary
        )


def _context(body: Any, cle: str) -> TrainingContext:
    if not isinstance(body, dict):
        raise UpstreamFailure("réponse inattendue")
    if body.get("error"):
        raise AppointmentUnavailable(str(body["error"]))

    def text(key: str) -> str:
        value = body.get(key)
        return "" if value is None else str(value)

    return TrainingContext(
        cle_ministere_educatif=text("cle_ministere_educatif") or cle,
        title=text("intitule_long"),
        cfa_name=text("etablissement_formateur_entreprise_raison_sociale"),
        cfa_siret=text("etablissement_formateur_siret"),
        address=text("lieu_formation_adresse"),
        postcode=text("code_postal"),
        city=text("localite"),
        cfd=text("cfd"),
        form_url=text("form_url"),
    )
