"""The shared HTTP base over real HTTP against the fake: retries, Retry-After, errors, limiter."""

from __future__ import annotations

import itertools
import logging
import random
import socket
from datetime import UTC, datetime

import pytest

from lba_desktop.data.http import (
    ApiKeyRefused,
    HttpClient,
    NetworkUnavailable,
    RateLimited,
    RateLimiter,
    RetryPolicy,
    UpstreamFailure,
    WrongParameters,
    parse_retry_after,
    redact_url,
)
from lba_desktop.errors import OfflineError, UpstreamError
from tests.fake_upstream.fixtures import fake_upstream
from tests.fake_upstream.server import FakeUpstream

__all__ = ["fake_upstream"]  # the fixture, imported for pytest

QUERY = {"romes": "D1102", "latitude": 45.0, "longitude": 2.5, "radius": 30, "caller": "t"}


class FakeClock:
    """A monotonic clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def client(server: FakeUpstream, sleeps: list[float], **kwargs: object) -> HttpClient:
    """A client whose clock only moves when it sleeps, every sleep recorded in `sleeps`."""
    clock = FakeClock()
    clock.sleeps = sleeps
    options: dict[str, object] = {"sleep": clock.sleep, "clock": clock, "timeout": (1.0, 2.0)}
    options.update(kwargs)
    return HttpClient(server.api_url, caller="tests", **options)  # type: ignore[arg-type]


def test_retries_then_success_on_transient_500(fake_upstream: FakeUpstream) -> None:
    fake_upstream.faults.set(http_500=2)
    sleeps: list[float] = []
    body = client(fake_upstream, sleeps).get_json("v1/formations", QUERY)
    assert "results" in body
    assert fake_upstream.calls("formations") == 3
    assert len(sleeps) == 2
    assert sleeps[0] < sleeps[1] * 2  # exponential: 0.25..0.5 then 0.5..1.0


def test_500_after_all_retries_is_upstream_failure(fake_upstream: FakeUpstream) -> None:
    fake_upstream.faults.set(http_500=-1)
    with pytest.raises(UpstreamFailure) as info:
        client(fake_upstream, [], retry=RetryPolicy(attempts=3)).get_json("v1/formations", QUERY)
    assert info.value.status == 500
    assert isinstance(info.value, UpstreamError)
    assert fake_upstream.calls("formations") == 3


def test_retry_after_seconds_is_honoured(fake_upstream: FakeUpstream) -> None:
    fake_upstream.faults.set(http_429=1, retry_after="7")
    sleeps: list[float] = []
    client(fake_upstream, sleeps).get_json("v1/formations", QUERY)
    assert sleeps == [7.0]
    assert fake_upstream.calls("formations") == 2


def test_retry_after_http_date_is_honoured(fake_upstream: FakeUpstream) -> None:
    fake_upstream.faults.set(http_429=1, retry_after="Wed, 21 Oct 2015 07:28:00 GMT")
    sleeps: list[float] = []
    client(fake_upstream, sleeps).get_json("v1/formations", QUERY)
    # A date in the past: no retry wait, only the rate limiter's spacing (1/7 s).
    assert sleeps == [0.0, pytest.approx(1 / 7)]


def test_429_every_time_is_rate_limited(fake_upstream: FakeUpstream) -> None:
    fake_upstream.faults.set(http_429=-1, retry_after="3")
    sleeps: list[float] = []
    with pytest.raises(RateLimited) as info:
        client(fake_upstream, sleeps, retry=RetryPolicy(attempts=3)).get_json(
            "v1/formations", QUERY
        )
    assert sleeps == [3.0, 3.0]
    assert info.value.retry_after == 3.0
    assert "limite" in info.value.message


def test_retry_after_is_capped(fake_upstream: FakeUpstream) -> None:
    fake_upstream.faults.set(http_429=1, retry_after="86400")
    sleeps: list[float] = []
    client(fake_upstream, sleeps).get_json("v1/formations", QUERY)
    assert sleeps == [RetryPolicy().max_retry_after]


def test_400_keeps_upstream_messages(fake_upstream: FakeUpstream) -> None:
    with pytest.raises(WrongParameters) as info:
        client(fake_upstream, []).get_json("v1/formations", {"romes": "ABCDE", "caller": "t"})
    assert info.value.messages == (
        "romes : Badly formatted rome codes. Rome code must be one letter followed by 4 digit "
        "number. ex : A1234",
    )
    assert fake_upstream.calls("formations") == 1  # never retried


def test_400_v3_zod_body(fake_upstream: FakeUpstream) -> None:
    http = client(fake_upstream, [], headers={"authorization": "Bearer test-key"})
    with pytest.raises(WrongParameters) as info:
        http.get_json("v3/jobs/search", {"latitude": 95, "longitude": 2, "radius": 10})
    assert info.value.messages == ("querystring.latitude: Number doit être inférieur ou égal à 90",)


def test_401_is_api_key_refused(fake_upstream: FakeUpstream) -> None:
    with pytest.raises(ApiKeyRefused) as info:
        client(fake_upstream, []).get_json("v3/jobs/search", {})
    assert info.value.status == 401
    assert "clé" in info.value.message
    assert fake_upstream.calls("jobs_search") == 1


def test_read_timeout_after_retries(fake_upstream: FakeUpstream) -> None:
    fake_upstream.faults.set(timeout=-1, delay=1.5)
    sleeps: list[float] = []
    http = client(fake_upstream, sleeps, timeout=(1.0, 0.2), retry=RetryPolicy(attempts=2))
    with pytest.raises(UpstreamFailure) as info:
        http.get_json("v1/formations", QUERY)
    assert "délai" in info.value.message
    assert fake_upstream.calls("formations") == 2
    assert len(sleeps) == 1


def test_connection_refused_is_network_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    clock = FakeClock()
    sleeps = clock.sleeps
    http = HttpClient(
        f"http://127.0.0.1:{port}/api", sleep=clock.sleep, clock=clock, timeout=(0.5, 0.5)
    )
    with pytest.raises(NetworkUnavailable) as info:
        http.get_json("v1/formations", QUERY)
    assert isinstance(info.value, OfflineError)
    assert "connexion réseau" in info.value.message
    assert "Vérifiez la connexion" in info.value.hint
    assert len(sleeps) == RetryPolicy().attempts - 1


def test_cut_connection_is_network_unavailable(fake_upstream: FakeUpstream) -> None:
    fake_upstream.faults.set(cut_after_n_calls=1)
    http = client(fake_upstream, [], retry=RetryPolicy(attempts=2))
    http.get_json("v1/formations", QUERY)
    with pytest.raises(NetworkUnavailable):
        http.get_json("v1/formations", QUERY)
    assert fake_upstream.calls("formations") == 3


def test_malformed_json_is_upstream_failure(fake_upstream: FakeUpstream) -> None:
    fake_upstream.faults.set(malformed_json=1)
    with pytest.raises(UpstreamFailure) as info:
        client(fake_upstream, []).get_json("v1/formations", QUERY)
    assert "JSON" in info.value.message


def test_truncated_body_is_retried_then_failure(fake_upstream: FakeUpstream) -> None:
    fake_upstream.faults.set(truncated_body=1)
    body = client(fake_upstream, []).get_json("v1/formations", QUERY)
    assert "results" in body  # the second attempt got the whole body
    fake_upstream.faults.set(truncated_body=-1)
    with pytest.raises(UpstreamFailure) as info:
        client(fake_upstream, [], retry=RetryPolicy(attempts=2)).get_json("v1/formations", QUERY)
    assert "incomplète" in info.value.message


def test_logs_hide_key_and_caller(
    fake_upstream: FakeUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    fake_upstream.state.api_keys.add("very-secret-key")
    caplog.set_level(logging.INFO, logger="lba_desktop.data.http")
    http = HttpClient(
        fake_upstream.api_url,
        caller="someone@example.org",
        headers={"authorization": "Bearer very-secret-key"},
        sleep=lambda _s: None,
    )
    http.get_json("v3/jobs/search", {"departements": "15"})
    http.get_json("v1/metiers", {"title": "vente", "caller": "someone@example.org"})
    assert "v3/jobs/search" in caplog.text
    assert "very-secret-key" not in caplog.text
    assert "someone@example.org" not in caplog.text


def test_user_agent_names_app_and_caller() -> None:
    http = HttpClient("http://127.0.0.1:9/api", caller="cio@example.org Outil")
    assert http._headers["User-Agent"].startswith("lba-desktop/")
    assert http._headers["User-Agent"].endswith("(+cio@example.org Outil)")


def test_rate_limiter_spaces_calls_with_injected_clock() -> None:
    clock = FakeClock()
    limiter = RateLimiter(5.0, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(6):
        limiter.acquire()
        starts.append(clock.now)
    gaps = [round(b - a, 6) for a, b in itertools.pairwise(starts)]
    assert gaps == [0.2] * 5
    clock.now += 10  # idle time is not banked beyond the burst
    limiter.acquire()
    limiter.acquire()
    assert clock.sleeps[-1] == pytest.approx(0.2)


def test_rate_limiter_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(7.0, burst=3, clock=clock, sleep=clock.sleep)
    waits = [limiter.acquire() for _ in range(5)]
    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] > 0


def test_http_client_uses_its_limiter(fake_upstream: FakeUpstream) -> None:
    clock = FakeClock()
    http = HttpClient(fake_upstream.api_url, rate_per_second=20, sleep=clock.sleep, clock=clock)
    for _ in range(3):
        http.get_json("v1/metiers/all")
    assert clock.sleeps == [pytest.approx(0.05), pytest.approx(0.05)]


def test_parse_retry_after() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after("Thu, 01 Jan 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_backoff_is_exponential_jittered_and_capped() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=8.0)
    rng = random.Random(1)
    for attempt, full in ((1, 1.0), (2, 2.0), (3, 4.0), (6, 8.0)):
        delay = policy.backoff(attempt, rng)
        assert full / 2 <= delay <= full


def test_redact_url() -> None:
    shown = redact_url("http://h/api/v1/formations", {"caller": "a@b.fr", "romes": "D1102"})
    assert "a@b.fr" not in shown
    assert "romes=D1102" in shown
