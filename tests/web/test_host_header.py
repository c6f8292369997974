"""The local server answers only the Host names it serves: a page of another site whose name
points at 127.0.0.1 (DNS rebinding) gets a refusal, not the catalogue."""

from __future__ import annotations

import pytest

from lba_desktop.cli.serve import served_names
from lba_desktop.partner_api.service import ApiService
from lba_desktop.web.app import create_app
from tests.web.conftest import LiveServer, _serve

ROUTE = "/api/V1/formations?romes=D1102&latitude=44.93&longitude=2.44&radius=30&caller=t"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "127.0.0.1.evil.example"])
def test_a_foreign_host_name_is_refused(live: LiveServer, host: str) -> None:
    for path in (ROUTE, "/recherche-apprentissage", "/static/widget.js", "/api/docs"):
        answer = live.get(path, headers={"Host": host})
        assert answer.status_code == 400, path
        assert answer.json()["error"] == "host_not_allowed"
        assert "results" not in answer.text


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost", "LOCALHOST:1", "[::1]:8765"])
def test_loopback_names_are_served(live: LiveServer, host: str) -> None:
    assert live.get(ROUTE, headers={"Host": host}).status_code == 200


def test_the_address_a_server_is_bound_to_is_served_too(api_service: ApiService) -> None:
    hosts = served_names("192.168.1.20", ["lba.mission-locale.lan"])
    assert hosts == ["192.168.1.20", "lba.mission-locale.lan"]
    assert served_names("127.0.0.1", []) == []
    for url in _serve(create_app(api_service, rates={}, hosts=hosts)):
        server = LiveServer(url)
        assert server.get(ROUTE, headers={"Host": "lba.mission-locale.lan:8765"}).ok
        assert server.get(ROUTE, headers={"Host": "192.168.1.20"}).ok
        assert server.get(ROUTE, headers={"Host": "evil.example"}).status_code == 400
