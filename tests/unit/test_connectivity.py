"""« En ligne » only when the upstream services answered lately: a probe of the fake upstream,
a refused port, answers recorded by real calls, and answers that grew old."""

from __future__ import annotations

import time

import pytest

from lba_desktop.connectivity import FRESH_S, PROBE_AFTER_S, check, current, upstream_urls
from lba_desktop.data.http import HttpClient, NetworkUnavailable, RetryPolicy
from lba_desktop.data.reachability import ANSWERS
from lba_desktop.settings_env import ApiSettings
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.server import FakeUpstream

CLOSED = "http://127.0.0.1:9/api"


@pytest.fixture(autouse=True)
def fresh_log() -> None:
    ANSWERS.clear()


def test_the_fake_upstream_answering_is_online(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    state = check((fake_upstream.api_url,))
    assert state.online and not state.probe_due
    assert "moins de 5 minutes" in state.detail_fr


def test_a_refused_connection_is_offline() -> None:
    state = check((CLOSED,))
    assert not state.online
    assert "127.0.0.1:9" in state.detail_fr and "locale" in state.detail_fr


def test_one_service_down_out_of_two_is_offline(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    assert not check((fake_upstream.api_url, CLOSED)).online


def test_nothing_known_yet_is_offline_and_asks_for_a_probe() -> None:
    state = current((CLOSED,))
    assert not state.online and state.probe_due


def test_real_calls_are_recorded_without_any_probe(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    client = HttpClient(fake_upstream.api_url, retry=RetryPolicy(attempts=1))
    client.get_json("v1/metiers", {"title": "boulanger"})
    assert current((fake_upstream.api_url,)).online
    dead = HttpClient(CLOSED, retry=RetryPolicy(attempts=1))
    with pytest.raises(NetworkUnavailable):
        dead.get_json("v1/metiers", {"title": "boulanger"})
    assert not current((CLOSED,)).online


def test_old_answers_no_longer_count(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    url = fake_upstream.api_url
    ANSWERS.record(url, answered=True, at=time.monotonic() - PROBE_AFTER_S - 1)
    state = current((url,))
    assert state.online and state.probe_due  # still within five minutes, a probe is due
    ANSWERS.record(url, answered=True, at=time.monotonic() - FRESH_S - 1)
    assert not current((url,)).online


def test_services_on_one_host_are_probed_once() -> None:
    same = ApiSettings(lba_url="https://h.example/api", apprentissage_url="https://h.example/api")
    assert upstream_urls(same) == ("https://h.example/api",)
