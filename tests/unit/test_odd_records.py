"""One odd record costs that record, not the answer: bad UTF-8 bytes and lone surrogates are
marked, an unreadable entry is skipped and counted in the sync report."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from lba_desktop.data import parsers
from lba_desktop.data.catalogue import CatalogueStore
from lba_desktop.data.http import decode_json
from lba_desktop.data.lba_client import LbaClient
from lba_desktop.models import Kind
from lba_desktop.sync import make_scope
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.server import FakeUpstream
from tests.unit.test_sync import make_service

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "upstream"


def training(n: int, title: str) -> dict:
    return {
        "cleMinistereEducatif": f"K{n}",
        "title": title,
        "place": {"latitude": 44.93, "longitude": 2.44, "insee": "15014", "zipCode": "15000"},
        "romes": [{"code": "D1102"}],
    }


def body_with_bad_text() -> bytes:
    """Three trainings: one with an invalid UTF-8 byte, one with a lone surrogate escape."""
    text = json.dumps(
        {"results": [training(1, "CAP Boulanger"), training(2, "BAD"), training(3, "SUR")]}
    )
    return (
        text.replace('"BAD"', '"P\xe2tissier"')
        .encode("latin-1")
        .replace(b'"SUR"', b'"Traiteur \\ud800"')
    )


def test_bad_utf8_and_a_lone_surrogate_keep_the_whole_answer() -> None:
    payload = decode_json(body_with_bad_text())
    titles = [r["title"] for r in payload["results"]]
    assert titles == ["CAP Boulanger", "P\ufffdtissier", "Traiteur \ufffd"]
    outcome = parsers.parse_formations(payload)
    assert {item.id for item in outcome.items} == {"K1", "K2", "K3"}
    json.dumps([item.title for item in outcome.items]).encode("utf-8")  # storable as is


@pytest.fixture
def stand_in() -> Iterator[str]:
    """An upstream stand-in on 127.0.0.1 whose answer carries such bytes."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            data = body_with_bad_text()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/api"
    finally:
        server.shutdown()
        server.server_close()


def test_a_client_reads_such_an_answer(stand_in: str) -> None:
    client = LbaClient(stand_in, "tests@example.org", sleep=lambda s: None)
    answer = client.formations_par_region(departement="15")
    assert len(answer["results"]) == 3


def test_an_unreadable_record_is_skipped_and_counted_in_the_sync_report(
    fake_upstream: FakeUpstream,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = parsers._formation
    odd = {"seen": 0}

    def sometimes_unreadable(raw: object, col: object) -> None:
        # A shape no rule foresaw: the parser itself fails on every 10th training.
        odd["seen"] += 1
        if odd["seen"] % 10 == 0:
            raise TypeError("forme inattendue")
        real(raw, col)

    monkeypatch.setattr(parsers, "_formation", sometimes_unreadable)
    result = make_service(fake_upstream).run(make_scope(departements=["15"]))
    assert result.ok, result.summary_fr()
    assert result.unreadable == odd["seen"] // 10 > 0
    assert f"{result.unreadable} enregistrement(s) illisible(s)" in result.summary_fr()
    store = CatalogueStore(Path(make_service(fake_upstream).catalogue_path))
    kept = store.counts()[Kind.FORMATION]
    assert kept == odd["seen"] - result.unreadable


def test_a_deeply_nested_answer_is_refused_in_french() -> None:
    from lba_desktop.data.http import UpstreamFailure

    with pytest.raises(UpstreamFailure, match="illisible"):
        decode_json(b"[" * 100_000 + b"]" * 100_000)
