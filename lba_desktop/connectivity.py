"""Online or offline, as the status bar tells it: « En ligne » only when every upstream service
the application calls answered lately (a sync, an appointment request, or a cheap probe when
nothing else called it), « Hors ligne » otherwise. Reading the state costs no traffic."""

from __future__ import annotations

import time
from dataclasses import dataclass

from lba_desktop.data.reachability import ANSWERS, host_of, probe
from lba_desktop.settings_env import ApiSettings, read_api_settings

# An answer counts for five minutes; after two minutes without one, a probe is due.
FRESH_S = 300.0
PROBE_AFTER_S = 120.0


@dataclass(frozen=True, slots=True)
class Connectivity:
    online: bool
    probe_due: bool  # no service answered (or failed) recently enough to tell
    detail_fr: str  # what the tooltip says


def upstream_urls(settings: ApiSettings | None = None) -> tuple[str, ...]:
    """The services a sync and the appointment requests call, one per host."""
    s = settings or read_api_settings()
    by_host: dict[str, str] = {}
    for url in (s.lba_url, s.apprentissage_url):
        by_host.setdefault(host_of(url), url)
    return tuple(by_host.values())


def current(urls: tuple[str, ...], *, now: float | None = None) -> Connectivity:
    """The state from the answers recorded so far (no network)."""
    moment = time.monotonic() if now is None else now
    answered, failed, unknown = [], [], []
    due = False
    for url in urls:
        last = ANSWERS.last(url)
        if last is None or moment - last[0] > FRESH_S:
            unknown.append(host_of(url))
            due = True
            continue
        due = due or moment - last[0] > PROBE_AFTER_S
        (answered if last[1] else failed).append(host_of(url))
    online = bool(urls) and len(answered) == len(urls)
    local = "La recherche reste possible : elle est locale."
    if online:
        detail = "Les services La bonne alternance ont répondu il y a moins de 5 minutes."
    elif failed:
        detail = f"Sans réponse : {', '.join(failed)}. {local}"
    else:
        detail = f"Pas de réponse récente des services en ligne. {local}"
    return Connectivity(online=online, probe_due=due, detail_fr=detail)


def check(urls: tuple[str, ...]) -> Connectivity:
    """Probe each service (a HEAD request, a few seconds at most), then tell the state."""
    for url in urls:
        probe(url)
    return current(urls)
