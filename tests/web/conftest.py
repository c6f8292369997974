"""Local API servers on 127.0.0.1 over the demo catalogue, started in threads for real HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import uvicorn

from lba_desktop.partner_api.service import ApiService
from lba_desktop.web.app import create_app

TOKEN = "jeton-de-test"


@dataclass
class LiveServer:
    url: str
    token: str | None = None

    def get(self, path: str, **kwargs: object) -> requests.Response:
        headers = dict(kwargs.pop("headers", {}) or {})  # type: ignore[call-overload]
        if self.token and "Authorization" not in headers:
            headers["Authorization"] = f"Bearer {self.token}"
        return requests.get(self.url + path, headers=headers, timeout=30, **kwargs)  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(app: object) -> Iterator[str]:
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("le serveur de test n'a pas démarré")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def api_service(demo_catalogue_file: Path) -> ApiService:
    return ApiService.open(demo_catalogue_file)


@pytest.fixture(scope="session")
def live(api_service: ApiService) -> Iterator[LiveServer]:
    """No token, no rate limit: the routes themselves."""
    for url in _serve(create_app(api_service, rates={})):
        yield LiveServer(url)


@pytest.fixture(scope="session")
def live_with_token(api_service: ApiService) -> Iterator[LiveServer]:
    for url in _serve(create_app(api_service, token=TOKEN, rates={})):
        yield LiveServer(url, token=TOKEN)


@pytest.fixture(scope="session")
def live_rate_limited(api_service: ApiService) -> Iterator[LiveServer]:
    for url in _serve(create_app(api_service, rates={"jobs": 2, "formations": 7})):
        yield LiveServer(url)


@pytest.fixture(scope="session")
def partner_service(tmp_path_factory: pytest.TempPathFactory) -> ApiService:
    """A synced catalogue with every upstream source and the fields a sync keeps."""
    from tests.web.partner_catalogue import build_partner_catalogue

    path = build_partner_catalogue(tmp_path_factory.mktemp("partner") / "catalogue.sqlite")
    return ApiService.open(path)


@pytest.fixture(scope="session")
def live_partner(partner_service: ApiService) -> Iterator[LiveServer]:
    for url in _serve(create_app(partner_service, rates={})):
        yield LiveServer(url)
