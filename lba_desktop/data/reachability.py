"""Whether the upstream services answered lately: every upstream call records its outcome by
host, and `probe` asks a host cheaply (a HEAD request) when nothing called it for a while."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlsplit

import requests

# Connect and read timeouts of a probe: a rural connection answers in well under that.
PROBE_TIMEOUT = (3.05, 5.0)


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


class AnswerLog:
    """The last outcome per host: (monotonic time, answered). Any thread may record."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last: dict[str, tuple[float, bool]] = {}

    def record(self, url: str, *, answered: bool, at: float | None = None) -> None:
        with self._lock:
            self._last[host_of(url)] = (time.monotonic() if at is None else at, answered)

    def last(self, url: str) -> tuple[float, bool] | None:
        with self._lock:
            return self._last.get(host_of(url))

    def clear(self) -> None:
        with self._lock:
            self._last.clear()


ANSWERS = AnswerLog()


def probe(url: str, *, session: requests.Session | None = None) -> bool:
    """True when the service at `url` answers HTTP at all below 500 (a 404 for the bare API
    root still proves it is there); the outcome is recorded like any other call's."""
    try:
        response = (session or requests).head(url, timeout=PROBE_TIMEOUT, allow_redirects=False)
    except requests.RequestException:
        ANSWERS.record(url, answered=False)
        return False
    answered = response.status_code < 500
    ANSWERS.record(url, answered=answered)
    return answered
