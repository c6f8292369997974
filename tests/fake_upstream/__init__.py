"""A fake of the LBA and API Apprentissage upstreams over real HTTP on 127.0.0.1, for tests."""

from tests.fake_upstream.server import FakeUpstream

__all__ = ["FakeUpstream"]
