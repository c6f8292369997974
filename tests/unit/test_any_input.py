"""Property tests (Hypothesis): arbitrary text and numbers through the parsers and every
exporter give a result or a clear French error, never a traceback."""

from __future__ import annotations

import json
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lba_desktop.data import parsers
from lba_desktop.data.http import UpstreamFailure, decode_json
from lba_desktop.errors import LbaError
from lba_desktop.exports import FORMATS, Handout, write_handout
from lba_desktop.models import Kind
from lba_desktop.people import Person, ShortlistEntry, ShortlistStatus
from lba_desktop.safe_text import terminal_json, terminal_text
from tests.hostile import ANSI, BAD_LINKS, BIDI, CONTROL, HTML, SCRIPT_TEMPLATE

# Shared by every property: no example database in the repository, no deadline (a PDF takes
# tens of milliseconds, more on a busy machine), at most a few seconds per property.
QUICK = settings(
    database=None, deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow]
)

# Text as an upstream or a tired typist sends it: any Unicode (controls, combining marks,
# emoji, right-to-left), the hostile strings written for these tests, very long runs.
HOSTILE = st.sampled_from([ANSI, CONTROL, HTML, SCRIPT_TEMPLATE, BIDI, *BAD_LINKS])
TEXT = st.one_of(
    st.text(max_size=60),
    HOSTILE,
    st.text(alphabet=st.characters(codec="utf-8"), max_size=400),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=3), st.integers(1000, 20_000)),
)
NUMBER = st.one_of(
    st.none(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
)
COORDINATE = st.one_of(st.none(), st.floats(-90, 90), st.floats(allow_nan=False))

# JSON as an upstream could send it: the shapes the parsers know, filled with anything.
SCALAR = st.one_of(st.none(), st.booleans(), NUMBER, TEXT)
KEYS = st.sampled_from(
    [
        "results", "jobs", "recruiters", "warnings", "ideaType", "id", "title", "place",
        "company", "contact", "romes", "diplomaLevel", "cleMinistereEducatif", "onisepUrl",
        "identifier", "offer", "workplace", "apply", "contract", "latitude", "longitude",
        "insee", "zipCode", "address", "geopoint", "coordinates", "code", "url", "email",
        "phone", "siret", "name", "partner_job_id", "result", "error", "message", "peJobs",
        "matchas", "lbaCompanies", "formations", "training", "sessions", "publication",
        "creation", "expiration", "status", "is_delegated", "location", "opening_count",
    ]
)  # fmt: skip
JSON = st.recursive(
    SCALAR,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.one_of(KEYS, st.text(max_size=8)), inner, max_size=8),
    ),
    max_leaves=40,
)


@QUICK
@given(JSON)
def test_every_parser_reads_anything(payload: Any) -> None:
    for parse in (
        parsers.parse_formations,
        parsers.parse_jobs_search,
        parsers.parse_v1_jobs,
        parsers.parse_any,
    ):
        outcome = parse(payload, locate=lambda insee, postcode: (45.0, 2.0))
        assert isinstance(outcome, parsers.ParseOutcome)
        for item in outcome.items:
            assert isinstance(item.kind, Kind) and isinstance(item.id, str)


@QUICK
@given(st.binary(max_size=300) | JSON.map(lambda v: repr(v).encode("utf-8", "surrogatepass")))
def test_any_body_decodes_or_is_refused_in_french(body: bytes) -> None:
    try:
        decode_json(body)
    except UpstreamFailure as exc:
        assert "illisible" in exc.message


def entry(n: int, values: dict[str, Any]) -> ShortlistEntry:
    moment = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    return ShortlistEntry(
        id=n,
        person_id=1,
        kind=list(Kind)[n % 4],
        item_id=values["text"][:40] or f"id{n}",
        position=n,
        status=list(ShortlistStatus)[n % len(ShortlistStatus)],
        note=values["note"],
        added_at=moment,
        updated_at=moment,
        title=values["text"],
        organisation=values["org"],
        address=values["org"],
        commune=values["note"][:50],
        postcode=values["note"][:5],
        departement="15",
        phone=values["text"][:20],
        email=values["org"][:60],
        url=values["url"],
        lat=values["lat"],
        lon=values["lon"],
        distance_km=values["distance"],
        diploma_level=values["level"],
        available=bool(n % 2),
        fictitious=bool(n % 3),
    )


ENTRY_VALUES = st.fixed_dictionaries(
    {
        "text": TEXT,
        "org": TEXT,
        "note": st.text(max_size=5000),
        "url": st.one_of(TEXT, st.sampled_from(BAD_LINKS), st.just("https://exemple.fr/x")),
        "lat": COORDINATE,
        "lon": COORDINATE,
        "distance": st.one_of(st.none(), st.floats(allow_nan=False)),
        "level": st.one_of(st.none(), st.integers(-(2**31), 2**31)),
    }
)


@settings(QUICK, max_examples=25)
@given(
    st.lists(ENTRY_VALUES, max_size=4),
    st.text(max_size=50),
    TEXT,
    st.one_of(st.none(), st.floats(-90, 90)),
)
def test_every_exporter_writes_a_file_or_says_why(
    entries: list[dict[str, Any]], name: str, structure: str, home_lat: float | None
) -> None:
    person = Person(
        id=1,
        first_name=name or "Léa",
        home_label=structure[:80],
        home_lat=home_lat,
        home_lon=2.44 if home_lat is not None else None,
        home_departement="15",
    )
    handout = Handout(
        person=person,
        entries=tuple(entry(n, values) for n, values in enumerate(entries)),
        structure=structure,
        today=date(2026, 11, 23),
    )
    with tempfile.TemporaryDirectory() as folder:
        for fmt in FORMATS:
            output = Path(folder) / f"selection.{fmt}"
            try:
                written = write_handout(handout, fmt=fmt, output=output)
            except LbaError as exc:  # a clear French refusal is an acceptable outcome
                assert exc.message.strip()
                continue
            assert written.stat().st_size > 0


@QUICK
@given(TEXT, st.integers(1, 200))
def test_terminal_text_is_one_line_without_controls(text: str, width: int) -> None:
    shown = terminal_text(text, width)
    assert len(shown) <= width
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)
    document = terminal_json(json.dumps({"t": text}, ensure_ascii=False))
    assert json.loads(document) == {"t": text}
    assert not any(0x7F <= ord(c) <= 0x9F for c in document)
