"""Where a sync reads its trainings: API Apprentissage whenever a key is set, V1 without one or
when LBA_FORMATIONS_SOURCE=v1 asks; `info` and the sync report say which source it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lba_desktop import paths
from lba_desktop.appointments.form import Channel, TrainingInfo
from lba_desktop.cli import main
from lba_desktop.data.catalogue import CatalogueStore
from lba_desktop.data.parsers import SOURCE_FORMATIONS
from lba_desktop.data.parsers.formations_api import SOURCE_FORMATIONS_API
from lba_desktop.local_catalogue import describe
from lba_desktop.models import Kind
from lba_desktop.sync import make_scope
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.server import FakeUpstream
from tests.unit.test_sync import make_service


def result_romes(catalogue: Path) -> list[str]:
    """The ROME codes of the synced trainings that also have a delegated offer, most first."""
    store = CatalogueStore(catalogue)
    try:
        trainings: dict[str, int] = {}
        delegated: set[str] = set()
        for item in store.iter_items():
            if item.fictitious:
                continue
            if item.kind is Kind.FORMATION:
                for rome in item.romes:
                    trainings[rome] = trainings.get(rome, 0) + 1
            elif item.kind is Kind.PARTENARIAT:
                delegated.update(item.romes)
    finally:
        store.close()
    return sorted(trainings, key=lambda r: (r not in delegated, -trainings[r], r))


@pytest.fixture
def upstream(
    fake_upstream: FakeUpstream,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> FakeUpstream:
    """The command line pointed at the fake, with the key set as a counsellor would."""
    monkeypatch.setenv("LBA_API_URL", fake_upstream.api_url)
    monkeypatch.setenv("LBA_API_APPRENTISSAGE_URL", fake_upstream.api_url)
    monkeypatch.setenv("LBA_CALLER", "tests@example.org lba-desktop")
    monkeypatch.setenv("LBA_API_KEY", "test-key")
    return fake_upstream


def _sync(capsys: pytest.CaptureFixture[str], departement: str) -> str:
    code = main(["sync", "--departements", departement, "--sources", "formations"])
    out = capsys.readouterr().out
    assert code == 0, out
    return out


def _training_sources() -> dict[str, int]:
    store = CatalogueStore(paths.catalogue_path())
    try:
        return dict(
            store.conn.execute(
                "SELECT source, count(*) FROM items WHERE kind = 'formation' GROUP BY source"
            ).fetchall()
        )
    finally:
        store.close()


def _info(capsys: pytest.CaptureFixture[str]) -> tuple[str, dict[str, object]]:
    assert main(["info"]) == 0
    text = capsys.readouterr().out
    assert main(["info", "--json"]) == 0
    return text, json.loads(capsys.readouterr().out)


def test_with_a_key_trainings_come_from_api_apprentissage_and_info_says_so(
    upstream: FakeUpstream, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _sync(capsys, "15")
    assert "Formations lues sur API Apprentissage." in out
    assert upstream.calls("formation_search") >= 1
    assert upstream.calls("formationsParRegion") == 0
    counts = _training_sources()
    assert set(counts) == {SOURCE_FORMATIONS_API} and counts[SOURCE_FORMATIONS_API] > 0
    n = counts[SOURCE_FORMATIONS_API]

    text, as_json = _info(capsys)
    assert f"Formations : API Apprentissage ({n:,})".replace(",", "\u202f") in text
    assert as_json["source_formations"] == {SOURCE_FORMATIONS_API: n}

    # This source publishes no RDV eligibility: the form says the service will tell, and the
    # CFA's e-mail (published here) is the way when it refuses.
    store = CatalogueStore(paths.catalogue_path())
    try:
        with_email = next(
            i for i in store.iter_items() if i.kind is Kind.FORMATION and "@" in i.email
        )
    finally:
        store.close()
    training = TrainingInfo.from_item(with_email)
    assert training.rdv_eligible is None
    assert training.channel is Channel.EN_LIGNE
    assert "si la formation l'accepte" in training.channel_fr
    assert with_email.email in training.channel_fr


def test_v1_can_be_forced_with_a_key(
    upstream: FakeUpstream,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LBA_FORMATIONS_SOURCE", "v1")
    out = _sync(capsys, "15")
    assert "Formations lues sur La bonne alternance (V1)." in out
    assert upstream.calls("formation_search") == 0
    assert upstream.calls("formationsParRegion") >= 1
    counts = _training_sources()
    assert set(counts) == {SOURCE_FORMATIONS}
    text, as_json = _info(capsys)
    assert "Formations : La bonne alternance (V1) (" in text
    assert as_json["source_formations"] == counts


def test_without_a_key_trainings_stay_on_v1_and_asking_for_the_api_says_why(
    upstream: FakeUpstream,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LBA_API_KEY")
    monkeypatch.setenv("LBA_FORMATIONS_SOURCE", "api-apprentissage")
    out = _sync(capsys, "15")
    assert "Formations lues sur La bonne alternance (V1)." in out
    assert "API Apprentissage demande une clé d'API" in out
    assert upstream.calls("formation_search") == 0
    assert set(_training_sources()) == {SOURCE_FORMATIONS}


def test_an_unknown_source_is_refused_in_french_and_nothing_is_synced(
    upstream: FakeUpstream,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LBA_FORMATIONS_SOURCE", "v2")
    code = main(["sync", "--departements", "15", "--sources", "formations"])
    captured = capsys.readouterr()
    assert code != 0
    said = captured.out + captured.err
    assert "source de formations inconnue" in said and "Traceback" not in said
    assert "v1 ou api-apprentissage" in said
    assert upstream.calls("formation_search") + upstream.calls("formationsParRegion") == 0
    assert not paths.catalogue_path().exists()


def test_a_partial_sync_names_both_sources_of_the_trainings_kept(
    upstream: FakeUpstream,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LBA_FORMATIONS_SOURCE", "v1")
    _sync(capsys, "15")
    monkeypatch.delenv("LBA_FORMATIONS_SOURCE")
    _sync(capsys, "19")  # Cantal's V1 trainings are kept beside Corrèze's new ones
    counts = _training_sources()
    assert set(counts) == {SOURCE_FORMATIONS, SOURCE_FORMATIONS_API}
    store = CatalogueStore(paths.catalogue_path())
    try:
        said = describe(store).details["formations_sources_fr"]
    finally:
        store.close()
    assert "API Apprentissage (" in said and "La bonne alternance (V1) (" in said
    _text, as_json = _info(capsys)
    assert as_json["source_formations"] == counts


def test_demo_data_names_no_upstream_source(
    demo_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, as_json = _info(capsys)
    assert "Formations :" not in text
    assert as_json["source_formations"] == {}


def test_json_details_of_api_apprentissage_trainings_carry_what_it_publishes(
    demo_home: Path,
    fake_upstream: FakeUpstream,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    service = make_service(fake_upstream, trainings_api=True, timeout=(0.5, 5.0))
    result = service.run(make_scope(departements=["63"]))
    assert result.ok, result.summary_fr()
    capsys.readouterr()
    code = next(iter(result_romes(paths.catalogue_path())))
    argv = ["search", "--metier", code, "--lieu", "Puy-de-Dôme", "--limit", "500"]
    assert main([*argv, "--json", "--details"]) == 0
    found = json.loads(capsys.readouterr().out)["resultats"]
    trainings = [r["details"] for r in found if r["type"] == "formation"]
    assert trainings and all(d["source"] == SOURCE_FORMATIONS_API for d in trainings)
    for d in trainings:
        assert d["description"] and d["objectif"] and d["telephone"]
        assert d["sessions"] and all({"start", "end", "places"} <= set(s) for s in d["sessions"])
        assert isinstance(d["fully_remote"], bool) and isinstance(d["qualiopi"], bool)
        assert d["rncp_code"] and isinstance(d["rncp_active"], bool)
        assert d["cle_ministere_educatif"] and d["rdv_eligible"] is None
        # The CFA's e-mail where published; « none » said only where it is missing.
        assert ("@" in d["email"]) is (d["cfa_has_email"] is None)
    assert any("@" in d["email"] for d in trainings)
    assert any(d["sessions"][0]["places"] for d in trainings)
    partners = [r["details"] for r in found if r["type"] == "partenariat"]
    assert all(d["is_delegated"] is True and d["desired_skills"] for d in partners)
