"""Pytest fixture starting the fake upstream on 127.0.0.1 port 0 for one test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_upstream.server import FakeUpstream


@pytest.fixture
def fake_upstream() -> Iterator[FakeUpstream]:
    """A running fake (rate limits off, no faults); import it with
    `from tests.fake_upstream.fixtures import fake_upstream`."""
    server = FakeUpstream().start()
    try:
        yield server
    finally:
        server.stop()
