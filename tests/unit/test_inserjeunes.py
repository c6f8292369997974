"""InserJeunes: the files' parser, the client against the fake portal, the catalogue table and
its join onto trainings (by UAI and CFD, with the région's and France's figure beside)."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import orjson
import pytest

from lba_desktop.data.catalogue import CatalogueStore, CatalogueWriter
from lba_desktop.data.catalogue_schema import SCHEMA_VERSION, migrate
from lba_desktop.data.http import UpstreamFailure
from lba_desktop.data.inserjeunes_client import InserJeunesClient
from lba_desktop.data.insertion_store import (
    STATUS_ABOVE_BTS,
    STATUS_NO_CFD,
    STATUS_NO_ROW,
    STATUS_NO_UAI,
    STATUS_OK,
    replace_level,
)
from lba_desktop.data.parsers.inserjeunes import (
    NOT_PUBLISHED,
    TOO_FEW,
    UNREADABLE,
    InserJeunesFileError,
    InsertionRow,
    cohort_fr,
    millesime_of,
    parse_inserjeunes_csv,
)
from lba_desktop.data.referentials import load_regions
from lba_desktop.models import Item, Kind
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401
from tests.fake_upstream.server import FakeUpstream

FIXTURES = Path(__file__).parent.parent / "fixtures" / "inserjeunes"
REGIONS = {code: r.name for code, r in load_regions().items()}


def _parse(name: str, level: str, **kwargs: str) -> dict[tuple[str, str], InsertionRow]:
    outcome = parse_inserjeunes_csv(
        (FIXTURES / name).read_bytes(), level=level, regions=REGIONS, **kwargs
    )
    return {(row.uai, row.cfd): row for row in outcome.rows}


def test_the_latest_millesime_is_kept_with_its_cohort() -> None:
    outcome = parse_inserjeunes_csv(
        (FIXTURES / "cfa_formation_fine.csv").read_bytes(), level="etablissement", regions=REGIONS
    )
    assert outcome.millesime == "2023-2024"
    assert outcome.older_dropped == 1
    assert outcome.unreadable == 1  # the row without a UAI
    row = {(r.uai, r.cfd): r for r in outcome.rows}[("0150001A", "50022137")]
    assert row.millesime == "2023-2024"
    assert row.rates["emploi_6"] == 64.5  # « 64,5 »
    assert row.rates["emploi_12"] == 71
    assert row.region == "84"
    assert row.cfa == "CFA Fictif du Cantal"
    assert row.diploma_type == "CAP"
    # No CFA has 18 or 24 months for this cohort yet: not published, not « too few ».
    assert row.missing == {"emploi_18": NOT_PUBLISHED, "emploi_24": NOT_PUBLISHED}
    assert cohort_fr(row.millesime) == "sortants 2023 et 2024 (cumul 2023-2024)"


def test_empty_cells_of_a_published_horizon_are_too_few_leavers() -> None:
    rows = _parse("cfa_formation_fine.csv", "etablissement")
    small = rows[("0150001A", "40025214")]
    assert small.rates["emploi_6"] is None
    assert small.missing["emploi_6"] == TOO_FEW
    assert small.missing["poursuite"] == TOO_FEW
    assert small.missing["emploi_24"] == NOT_PUBLISHED
    odd = rows[("0150002B", "32031213")]
    assert odd.region == "84"  # « Auvergne-Rhône-Alpes » spelt with accents
    assert odd.missing["poursuite"] == TOO_FEW  # « ND »
    assert odd.rates["emploi_6"] is None and odd.missing["emploi_6"] == UNREADABLE  # 140 %
    assert odd.rates["emploi_12"] == 55


def test_a_depp_national_file_reads_with_its_own_headers() -> None:
    rows = _parse("national_depp.csv", "national", millesime="2021_2022")
    row = rows[("", "50022137")]
    assert row.millesime == "2021-2022"
    assert row.rates["emploi_6"] == 66 and row.rates["emploi_12"] == 82
    assert row.rates["poursuite"] == 22
    assert row.leavers == 38
    assert row.missing["interruption"] == NOT_PUBLISHED


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "vide"),
        ("Année;Libellé\ncumul 2023-2024;x\n".encode(), "UAI, code formation"),
        (b"\xff\xfe\x00\x00garbage", "colonnes"),
        ("Année;UAI;Code formation apprentissage\n2023;X;Y\n".encode(), "aucune ligne"),
    ],
)
def test_a_file_that_is_not_inserjeunes_is_refused_in_french(content: bytes, message: str) -> None:
    with pytest.raises(InserJeunesFileError, match=message):
        parse_inserjeunes_csv(content, level="etablissement", regions=REGIONS)


def test_millesime_spellings() -> None:
    assert millesime_of("cumul 2023-2024") == "2023-2024"
    assert millesime_of("2022-2021") == "2021-2022"
    assert millesime_of("2023") == ""
    assert millesime_of("1990-2024") == ""


def test_client_reads_the_three_files_of_the_fake_portal(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    client = InserJeunesClient(fake_upstream.inserjeunes_url, "test")
    cfa = client.rates("etablissement")
    region = client.rates("region")
    national = client.rates("national")
    assert fake_upstream.calls("inserjeunes") == 3
    assert cfa.millesime == region.millesime == national.millesime == "2023-2024"
    trainings = {
        (f["company"]["uai"], f["cfd"])
        for f in fake_upstream.state.formations
        if f["target_diploma_level"][0] in "345"
    }
    assert {(r.uai, r.cfd) for r in cfa.rows} == trainings
    assert {r.region for r in region.rows} <= {"84", "75", "11"}
    assert any(r.missing.get("emploi_6") == TOO_FEW for r in cfa.rows)
    assert all(r.missing.get("emploi_18") == NOT_PUBLISHED for r in national.rows)


def test_client_says_which_dataset_is_missing(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    client = InserJeunesClient(
        fake_upstream.inserjeunes_url, "test", datasets={"etablissement": "no-such-dataset"}
    )
    with pytest.raises(UpstreamFailure):
        client.rates("etablissement")


def _training(key: str, *, uai: str, cfd: str, level: int | None, dep: str = "15") -> Item:
    return Item(
        kind=Kind.FORMATION,
        id=key,
        title=f"Formation {key}",
        departement=dep,
        lat=45.0,
        lon=2.6,
        romes=("D1102",),
        diploma_level=level,
        details={"uai": uai, "cfd": cfd},
    )


def test_the_join_gives_each_training_its_rates_or_why_not(tmp_path: Path) -> None:
    cfa = _parse("cfa_formation_fine.csv", "etablissement")
    path = tmp_path / "catalogue.sqlite"
    writer = CatalogueWriter(path, today=date(2026, 12, 3))
    writer.add_items(
        [
            _training("own", uai="0150001A", cfd="50022137", level=3),
            _training("small", uai="0150001A", cfd="40025214", level=4),
            _training("licence", uai="0150001A", cfd="25031001", level=6),
            _training("no-uai", uai="", cfd="50022137", level=3),
            _training("other-cfa", uai="0159999Z", cfd="50022137", level=3),
            _training("no-cfd", uai="0150001A", cfd="", level=3),
        ]
    )
    replace_level(writer.conn, "etablissement", cfa.values())
    national = InsertionRow(
        level="national", cfd="50022137", millesime="2023-2024", rates={"emploi_6": 70.0}
    )
    regional = InsertionRow(
        level="region", cfd="50022137", millesime="2023-2024", region="84",
        rates={"emploi_6": 68.0},
    )  # fmt: skip
    replace_level(writer.conn, "national", [national])
    replace_level(writer.conn, "region", [regional])
    writer.finish()
    store = CatalogueStore(path)
    blocks = {item.id: item.details["insertion"] for item in store.iter_items()}
    store.close()
    own = blocks["own"]
    assert own["status"] == STATUS_OK
    assert own["cfa"]["emploi_6"] == 64.5 and own["cfa"]["millesime"] == "2023-2024"
    assert own["region"]["emploi_6"] == 68.0 and own["region"]["name"] == "Auvergne-Rhône-Alpes"
    assert own["national"]["emploi_6"] == 70.0
    assert blocks["small"]["cfa"]["missing"]["emploi_6"] == TOO_FEW
    assert blocks["licence"] == {"status": STATUS_ABOVE_BTS}
    assert blocks["no-uai"]["status"] == STATUS_NO_UAI
    assert blocks["no-uai"]["national"]["emploi_6"] == 70.0  # France's figure still shown
    assert blocks["other-cfa"]["status"] == STATUS_NO_ROW
    assert blocks["no-cfd"]["status"] == STATUS_NO_CFD


def test_a_version_9_catalogue_shows_the_same_rates_from_one_copy_of_them(tmp_path: Path) -> None:
    """Version 9 copied each training's rates into its details; version 10 reads them from the
    rates table: an upgraded file drops the copies (and the empty unit vector columns) and
    every training shows exactly what it showed before."""
    path = tmp_path / "old.sqlite"
    writer = CatalogueWriter(path, schema_version=9, today=date(2026, 12, 3))
    writer.add_items(
        [
            _training("own", uai="0150001A", cfd="50022137", level=3),
            _training("small", uai="0150001A", cfd="40025214", level=4),
            _training("licence", uai="0150001A", cfd="25031001", level=6),
            _training("other-cfa", uai="0159999Z", cfd="50022137", level=3),
        ]
    )
    replace_level(
        writer.conn, "etablissement", _parse("cfa_formation_fine.csv", "etablissement").values()
    )
    national = InsertionRow(
        level="national", cfd="50022137", millesime="2023-2024", rates={"emploi_6": 70.0}
    )
    replace_level(writer.conn, "national", [national])
    writer.finish()
    conn = sqlite3.connect(path)
    before = {
        key: orjson.loads(raw)["insertion"]
        for key, raw in conn.execute("SELECT id, details FROM items")
    }
    assert migrate(conn) == SCHEMA_VERSION
    stored = [orjson.loads(raw) for (raw,) in conn.execute("SELECT details FROM items")]
    assert stored and all("insertion" not in d and d["uai"] for d in stored)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(items)")}
    assert not columns & {"x", "y", "z"}
    conn.close()
    store = CatalogueStore(path)
    try:
        after = {item.id: item.details["insertion"] for item in store.iter_items()}
    finally:
        store.close()
    assert after == before
    assert after["own"]["cfa"]["emploi_6"] == 64.5 and after["own"]["national"]["emploi_6"] == 70.0


def test_a_version_5_catalogue_upgrades_keeping_its_trainings(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    writer = CatalogueWriter(path, schema_version=5)
    writer.add_items([_training("kept", uai="0150001A", cfd="50022137", level=3)])
    writer.finish()
    conn = sqlite3.connect(path)
    assert migrate(conn) == SCHEMA_VERSION
    assert conn.execute("SELECT id FROM items").fetchall() == [("kept",)]
    assert conn.execute("SELECT count(*) FROM insertion_rates").fetchone()[0] == 0
    details = orjson.loads(conn.execute("SELECT details FROM items").fetchone()[0])
    assert "insertion" not in details  # nothing invented before rates arrive
