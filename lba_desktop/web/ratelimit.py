"""Per-client rate limits as upstream: one small in-memory token bucket per IP and route family."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

# Upstream limits per second (DESIGN.md §1); `local` is our widget's autocomplete.
DEFAULT_RATES: Mapping[str, float] = {"formations": 7, "jobs": 5, "metiers": 20, "local": 20}


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass
class RateLimiter:
    """`take(client, family)` answers None when allowed, else the seconds to wait."""

    rates: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))
    # Clients seen long ago are forgotten so a scan of many addresses cannot grow memory.
    max_clients: int = 10_000
    _buckets: dict[tuple[str, str], _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, client: str, family: str, now: float | None = None) -> float | None:
        rate = self.rates.get(family)
        if not rate:
            return None
        now = time.monotonic() if now is None else now
        key = (client, family)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self.max_clients:
                    self._buckets.clear()
                # A burst of one second's worth, as a per-second limit allows.
                bucket = self._buckets[key] = _Bucket(tokens=rate, stamp=now)
            bucket.tokens = min(rate, bucket.tokens + (now - bucket.stamp) * rate)
            bucket.stamp = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return None
            return (1 - bucket.tokens) / rate


def retry_after_header(wait: float) -> str:
    """Retry-After takes whole seconds: round up, at least 1."""
    return str(max(1, math.ceil(wait)))


def parse_rates(text: str) -> dict[str, float]:
    """`formations=7,jobs=5` → rates over the defaults; `0` switches a family off."""
    rates = dict(DEFAULT_RATES)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        if name.strip() not in DEFAULT_RATES:
            raise ValueError(f"famille inconnue : « {name.strip()} »")
        rates[name.strip()] = float(value)
    return rates
