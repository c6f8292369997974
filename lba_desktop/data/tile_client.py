"""Map tiles over HTTP from the configured provider: the application's User-Agent, short
timeouts, the provider's rate limit; any failure is an absent tile, never an error shown."""

from __future__ import annotations

import logging

import requests

from lba_desktop.data.http import APP_VERSION, RateLimiter

log = logging.getLogger(__name__)

# A tile that takes longer than this is not worth the wait: the names are already there.
TIMEOUT = (2.0, 5.0)
PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff"


class TileClient:
    """Fetches `template` with {z}, {x}, {y} filled in, at most `rate` tiles a second."""

    def __init__(self, template: str, *, rate: float, session: requests.Session | None = None
                 ) -> None:  # fmt: skip
        self.template = template
        self.session = session or requests.Session()
        self.limiter = RateLimiter(rate, burst=4)
        self.headers = {"User-Agent": f"lba-desktop/{APP_VERSION} (carte)"}

    def fetch(self, z: int, x: int, y: int) -> bytes | None:
        """The tile's image bytes, or None (offline, refused, not an image)."""
        url = self.template.format(z=z, x=x, y=y)
        self.limiter.acquire()
        try:
            response = self.session.get(url, headers=self.headers, timeout=TIMEOUT)
        except requests.RequestException as exc:
            log.debug("Tuile %s/%s/%s indisponible : %s", z, x, y, type(exc).__name__)
            return None
        if response.status_code != 200:
            log.debug("Tuile %s/%s/%s : HTTP %s", z, x, y, response.status_code)
            return None
        data = response.content
        # Only images reach the page's cache (a captive portal answers 200 with HTML).
        return data if data.startswith((PNG, JPEG)) else None
