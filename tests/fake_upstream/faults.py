"""Fault switches of the fake upstream: `server.faults.set(...)` in tests, `POST /__faults` else."""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

# Counters mean "the next N calls"; -1 means "every call until reset".
COUNTED = ("http_500", "http_429", "timeout", "truncated_body", "malformed_json")


@dataclass
class Faults:
    http_500: int = 0  # next N calls answer 500
    http_500_rate: float = 0.0  # or each call answers 500 with this probability (seeded)
    http_429: int = 0  # next N calls answer 429 with `retry_after`
    retry_after: str = "1"  # seconds or an HTTP date
    timeout: int = 0  # next N calls wait `delay` seconds before answering
    delay: float = 2.0
    truncated_body: int = 0  # next N calls send half the body, then close the connection
    malformed_json: int = 0  # next N calls send a 200 with invalid JSON
    subsource_error: list[str] = field(default_factory=list)  # "peJobs", "formations", "jobs"…
    cut_after_n_calls: int | None = None  # after N calls in total, close without answering
    routes: list[str] = field(default_factory=list)  # only these routes are affected ([] = all)
    seed: int = 7

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(self.seed)
        self._total_calls = 0

    def set(self, **changes: Any) -> None:
        """Change switches, e.g. `faults.set(http_500=2, routes=["formations"])`."""
        with self._lock:
            for name, value in changes.items():
                if name.startswith("_") or not hasattr(self, name):
                    raise ValueError(f"unknown fault switch: {name}")
                setattr(self, name, value)

    def reset(self) -> None:
        with self._lock:
            fresh = Faults(seed=self.seed)
            for name, value in asdict(fresh).items():
                setattr(self, name, value)
            self._total_calls = 0

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return {k: v for k, v in asdict(self).items() if not k.startswith("_")}

    def applies(self, route: str) -> bool:
        return not self.routes or route in self.routes

    def count_call(self) -> bool:
        """Count one call; False when the connection must be cut (`cut_after_n_calls`)."""
        with self._lock:
            self._total_calls += 1
            return self.cut_after_n_calls is None or self._total_calls <= self.cut_after_n_calls

    def consume(self, name: str, route: str) -> bool:
        """True if fault `name` fires for this call (decrementing its counter)."""
        with self._lock:
            if self.routes and route not in self.routes:
                return False
            if (
                name == "http_500"
                and self.http_500_rate > 0
                and self._rng.random() < self.http_500_rate
            ):
                return True
            left = getattr(self, name)
            if left == 0:
                return False
            if left > 0:
                setattr(self, name, left - 1)
            return True
