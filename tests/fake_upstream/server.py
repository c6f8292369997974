"""The fake upstream server: a ThreadingHTTPServer on 127.0.0.1 running in a background thread."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer
from types import TracebackType

from tests.fake_upstream.data import FakeState
from tests.fake_upstream.faults import Faults
from tests.fake_upstream.handler import FakeHandler, RateWindows


class FakeUpstream:
    """Both upstream APIs over real HTTP; `api_url` is what a client takes as its base URL."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 2026,
        rate_limits: bool = False,
        verbose: bool = False,
    ) -> None:
        self.state = FakeState(seed=seed, rate_limits_enabled=rate_limits)
        self.faults = Faults()
        self.rate_windows = RateWindows()
        self.verbose = verbose
        self.stopping = threading.Event()
        handler = type("BoundFakeHandler", (FakeHandler,), {"fake": self})
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False  # a handler still sleeping must not block stop()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return self.url + "/api"

    @property
    def inserjeunes_url(self) -> str:
        """Base URL of the fake open data portal (the InserJeunes client's `base_url`)."""
        return self.url + "/api/explore/v2.1/catalog/datasets"

    def calls(self, route: str) -> int:
        """How many requests reached `route` ("formations", "jobs_search", …)."""
        return self.state.count(route)

    def start(self) -> FakeUpstream:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._httpd.serve_forever(poll_interval=0.2)

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeUpstream:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
