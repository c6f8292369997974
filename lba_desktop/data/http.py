"""Shared HTTP base of the upstream clients: timeouts, retries, rate limits, French errors."""

from __future__ import annotations

import email.utils
import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import orjson
import requests

from lba_desktop.data.reachability import ANSWERS
from lba_desktop.errors import OfflineError, UpstreamError

log = logging.getLogger(__name__)

try:  # the package may not be installed (running from a checkout): fall back to a fixed version
    from importlib.metadata import version as _dist_version

    APP_VERSION = _dist_version("lba-desktop")
except Exception:  # pragma: no cover - depends on the environment
    APP_VERSION = "0.1.0"

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)  # (connect, read) seconds

# Upstream limits in calls per second (DESIGN §1); each client owns one limiter per API.
RATE_FORMATIONS = 7.0
RATE_JOBS = 5.0
RATE_METIERS = 20.0

# Query parameters that may identify someone: never written to logs.
_REDACTED_PARAMS = frozenset({"caller", "email", "phone", "firstname", "lastname"})

Sleep = Callable[[float], None]
Clock = Callable[[], float]


# --- Typed failures -----------------------------------------------------------------------


class NetworkUnavailable(OfflineError):
    """No network, DNS failure, connection refused or reset: nothing reached the upstream."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "Impossible de joindre le service La Bonne Alternance : pas de connexion réseau.",
            hint="Vérifiez la connexion Internet puis relancez la mise à jour. "
            "Les données déjà présentes restent consultables.",
        )
        self.detail = detail


class ApiKeyRefused(UpstreamError):
    """401/403: the API Apprentissage key is missing, wrong or revoked."""

    def __init__(self, status: int) -> None:
        super().__init__(
            "La clé d'API a été refusée par le service (accès non autorisé).",
            hint="Vérifiez la clé API Apprentissage dans les paramètres.",
        )
        self.status = status


class WrongParameters(UpstreamError):
    """400: the request parameters were refused; `messages` keeps the upstream wording."""

    def __init__(self, messages: tuple[str, ...] | list[str]) -> None:
        self.messages = tuple(messages)
        super().__init__(
            "Paramètres de recherche refusés : " + " ; ".join(self.messages),
            hint="Corrigez les critères (métiers, rayon, niveau, lieu) puis recommencez.",
        )


class UpstreamFailure(UpstreamError):
    """5xx after retries, no answer in time, or an unreadable body (malformed, truncated)."""

    def __init__(self, detail: str, *, status: int | None = None) -> None:
        super().__init__(
            f"Le service La Bonne Alternance a rencontré un problème ({detail}).",
            hint="Réessayez plus tard. Les données déjà présentes restent consultables.",
        )
        self.detail = detail
        self.status = status


class RateLimited(UpstreamError):
    """429 still returned after the retries: we are asking too often."""

    def __init__(self, retry_after: float | None = None) -> None:
        super().__init__(
            "Le service La Bonne Alternance limite le nombre de demandes.",
            hint="Patientez quelques minutes puis relancez la mise à jour.",
        )
        self.retry_after = retry_after


# --- Rate limiting and retries ------------------------------------------------------------


class RateLimiter:
    """Token bucket shared by the threads of one client; `acquire()` waits for a free slot.

    The slot is reserved under the lock and the wait happens outside it, so concurrent callers
    queue up at 1/rate intervals instead of all waking together.
    """

    def __init__(
        self,
        rate_per_second: float,
        *,
        burst: int = 1,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive")
        self.interval = 1.0 / rate_per_second
        self.burst = max(1, burst)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        # Theoretical arrival time of the next call (GCRA form of a token bucket).
        self._next_free: float | None = None

    def acquire(self) -> float:
        """Block until the call may go; return the time waited (seconds)."""
        with self._lock:
            now = self._clock()
            if self._next_free is None:
                self._next_free = now
            allowed_at = self._next_free - (self.burst - 1) * self.interval
            wait = max(0.0, allowed_at - now)
            self._next_free = max(self._next_free, now) + self.interval
        if wait > 0:
            self._sleep(wait)
        return wait


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many attempts and how long to wait between them (exponential, jittered, capped)."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 120.0  # never obey a Retry-After longer than this

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Delay before attempt `attempt + 1` (attempt counts from 1): full jitter in [d/2, d]."""
        delay = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        return delay / 2 + rng.random() * delay / 2


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


def redact_url(url: str, params: Mapping[str, Any] | None = None) -> str:
    """The URL as written to logs: personal or identifying query values replaced by '***'."""
    parts = urlsplit(url)
    pairs: list[tuple[str, str]] = []
    if parts.query:
        for chunk in parts.query.split("&"):
            key, _, val = chunk.partition("=")
            pairs.append((key, "***" if key.lower() in _REDACTED_PARAMS else val))
    for key, val in (params or {}).items():
        if val is None:
            continue
        pairs.append((key, "***" if key.lower() in _REDACTED_PARAMS else str(val)))
    query = urlencode(pairs, safe="*,:()") if pairs else ""
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


# --- The shared client --------------------------------------------------------------------


class HttpClient:
    """A `requests.Session` wrapper that every upstream client uses for its calls."""

    def __init__(
        self,
        base_url: str,
        *,
        caller: str = "",
        rate_per_second: float = RATE_FORMATIONS,
        session: requests.Session | None = None,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/") + "/"
        self.session = session or requests.Session()
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.limiter = RateLimiter(rate_per_second, clock=clock, sleep=sleep)
        agent = f"lba-desktop/{APP_VERSION}"
        if caller:
            agent += f" (+{caller})"
        self._headers = {"User-Agent": agent, "Accept": "application/json"}
        self._headers.update(headers or {})

    def url(self, path: str) -> str:
        return urljoin(self.base_url, path.lstrip("/"))

    def get_json(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        """GET `path` (relative to the base URL, or absolute) and return the decoded JSON."""
        response = self._request("GET", self.url(path), params)
        return self._decode(response)

    def get_bytes(self, url: str) -> bytes:
        """GET an absolute URL (e.g. a bulk export file) and return its body."""
        return self._request("GET", url, None).content

    def post_json(
        self, path: str, body: Mapping[str, Any], *, headers: Mapping[str, str] | None = None
    ) -> Any:
        """POST a JSON body and return the decoded answer. A POST is retried like a GET, so
        callers that create something upstream send an idempotency key in `headers`."""
        response = self._request(
            "POST", self.url(path), None, json_body=dict(body), extra_headers=headers
        )
        return self._decode(response)

    # The retry loop: every outcome either returns, retries after a wait, or raises typed.
    def _request(
        self,
        method: str,
        url: str,
        params: Mapping[str, Any] | None,
        *,
        json_body: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        clean = {k: v for k, v in (params or {}).items() if v is not None}
        shown = redact_url(url, clean)
        headers = {**self._headers_for(url), **(extra_headers or {})}
        last_error: Exception | None = None
        for attempt in range(1, self.retry.attempts + 1):
            self.limiter.acquire()
            started = time.monotonic()
            try:
                response = self.session.request(
                    method,
                    url,
                    params=clean,
                    json=json_body,
                    headers=headers,
                    timeout=self.timeout,
                )
                # Read the body now so a truncated body fails inside the retry loop.
                _ = response.content
            except requests.exceptions.ConnectTimeout as exc:
                last_error = NetworkUnavailable(f"délai de connexion dépassé ({shown})")
                last_error.__cause__ = exc
            except requests.exceptions.ReadTimeout as exc:
                # For a POST the upstream may have processed it: see post_json.
                last_error = UpstreamFailure("pas de réponse dans le délai imparti")
                last_error.__cause__ = exc
            except (
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError,
            ) as exc:
                last_error = UpstreamFailure("réponse incomplète")
                last_error.__cause__ = exc
            except requests.exceptions.ConnectionError as exc:
                last_error = NetworkUnavailable(type(exc).__name__)
                last_error.__cause__ = exc
            else:
                elapsed = time.monotonic() - started
                log.info(
                    "%s %s -> %s (%.0f ms)", method, shown, response.status_code, elapsed * 1000
                )
                status = response.status_code
                ANSWERS.record(url, answered=status < 500)
                if status < 400:
                    return response
                if status in (401, 403):
                    raise ApiKeyRefused(status)
                if status == 400:
                    raise WrongParameters(_error_messages(response))
                if status == 429:
                    wait = parse_retry_after(response.headers.get("Retry-After"))
                    last_error = RateLimited(wait)
                    if attempt < self.retry.attempts:
                        self._wait(attempt, wait)
                        continue
                    break
                if status >= 500:
                    last_error = UpstreamFailure(f"erreur {status}", status=status)
                    if attempt < self.retry.attempts:
                        self._wait(attempt, parse_retry_after(response.headers.get("Retry-After")))
                        continue
                    break
                if status == 404:
                    raise UpstreamFailure("ressource introuvable", status=404)
                raise UpstreamFailure(f"erreur {status}", status=status)
            if isinstance(last_error, NetworkUnavailable | UpstreamFailure):
                ANSWERS.record(url, answered=False)
            # INFO, not WARNING: a retried failure is expected; the caller sees the final one.
            log.info("%s %s failed (attempt %d): %s", method, shown, attempt, last_error.message)
            if attempt < self.retry.attempts:
                self._wait(attempt, None)
        assert last_error is not None
        raise last_error

    def _headers_for(self, url: str) -> dict[str, str]:
        # The API key goes only to the API's own host, never to an export file's storage host.
        if urlsplit(url).netloc == urlsplit(self.base_url).netloc:
            return self._headers
        return {k: v for k, v in self._headers.items() if k.lower() != "authorization"}

    def _wait(self, attempt: int, retry_after: float | None) -> None:
        if retry_after is not None:
            delay = min(retry_after, self.retry.max_retry_after)
        else:
            delay = self.retry.backoff(attempt, self._rng)
        self._sleep(delay)

    @staticmethod
    def _decode(response: requests.Response) -> Any:
        return decode_json(response.content)


_SURROGATE = re.compile("[\ud800-\udfff]")


def decode_json(content: bytes) -> Any:
    """An upstream JSON body. One invalid UTF-8 byte or lone surrogate escape (« \\ud800 »)
    makes orjson refuse it all, which cost a whole département: such a body is decoded again
    leniently, the bad characters becoming U+FFFD, so only the odd text is marked."""
    try:
        # orjson: decoding is most of a sync's parsing time with the standard library.
        return orjson.loads(content)
    except orjson.JSONDecodeError:
        pass
    try:
        return _without_surrogates(json.loads(content.decode("utf-8", errors="replace")))
    except (ValueError, RecursionError) as exc:  # not JSON, or nested beyond reason
        raise UpstreamFailure("réponse illisible (JSON invalide)") from exc


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_surrogates(v) for v in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def _error_messages(response: requests.Response) -> tuple[str, ...]:
    """Upstream 400 bodies: LBA `{error, error_messages}` or the Fastify/Zod `{message}`."""
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return ("requête refusée (400)",)
    if isinstance(body, dict):
        messages = body.get("error_messages")
        if isinstance(messages, list) and messages:
            return tuple(str(m) for m in messages)
        data = body.get("data")
        failure = data.get("validationError") if isinstance(data, dict) else None
        issues = failure.get("issues") if isinstance(failure, dict) else None
        if isinstance(failure, dict) and isinstance(issues, list) and issues:
            context = str(failure.get("validationContext") or "querystring")
            found = [
                ".".join([context, *(str(p) for p in issue.get("path", []))])
                + f": {issue.get('message', '')}"
                for issue in issues
                if isinstance(issue, dict)
            ]
            if found:
                return tuple(found)
        message = body.get("message")
        if isinstance(message, str) and message:
            return (message,)
        if isinstance(body.get("error"), str):
            return (body["error"],)
    return ("requête refusée (400)",)
