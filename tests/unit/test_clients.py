"""LbaClient and ApprentissageClient against the fake: local validation, routes, parsing."""

from __future__ import annotations

import pytest

from lba_desktop.data import parsers
from lba_desktop.data import upstream_validation as uv
from lba_desktop.data.apprentissage_client import DEFAULT_APPRENTISSAGE_URL, ApprentissageClient
from lba_desktop.data.http import ApiKeyRefused, UpstreamFailure, WrongParameters
from lba_desktop.data.lba_client import DEFAULT_LBA_URL, LbaClient
from lba_desktop.models import Kind
from tests.fake_upstream.fixtures import fake_upstream
from tests.fake_upstream.server import FakeUpstream

__all__ = ["fake_upstream"]

CALLER = "tests@example.org lba-desktop"


def lba(server: FakeUpstream) -> LbaClient:
    return LbaClient(server.api_url, CALLER, sleep=lambda _s: None, timeout=(1.0, 5.0))


def jobs(server: FakeUpstream, key: str = "test-key") -> ApprentissageClient:
    return ApprentissageClient(server.api_url, key, sleep=lambda _s: None, timeout=(1.0, 5.0))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"romes": ["D1102"] * 21}, uv.MSG_ROMES_TOO_MANY),
        ({"romes": ["D11022"]}, uv.MSG_ROMES_FORMAT),
        ({"radius": 300}, uv.MSG_RADIUS_RANGE),
        ({"latitude": 91}, uv.MSG_LAT_RANGE),
        ({"longitude": -181}, uv.MSG_LON_RANGE),
        ({"diploma": "9 (Doctorat)"}, uv.MSG_DIPLOMA),
    ],
)
def test_formations_refused_locally(
    fake_upstream: FakeUpstream, kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {"romes": ["D1102"], "latitude": 45.0, "longitude": 2.5, "radius": 30}
    args.update(kwargs)
    with pytest.raises(WrongParameters) as info:
        lba(fake_upstream).formations(**args)  # type: ignore[arg-type]
    assert message in info.value.messages
    assert fake_upstream.calls("formations") == 0


def test_formations_all_france_radius_and_diploma_level(fake_upstream: FakeUpstream) -> None:
    body = lba(fake_upstream).formations(["D1102", "D1106"], 45.0, 2.5, 20000, diploma=3)
    assert body["results"]
    assert {f["target_diploma_level"] for f in body["results"]} == {"3 (CAP...)"}
    assert fake_upstream.calls("formations") == 1


def test_caller_is_required(fake_upstream: FakeUpstream) -> None:
    client = LbaClient(fake_upstream.api_url, "", sleep=lambda _s: None)
    with pytest.raises(WrongParameters) as info:
        client.formations_par_region(departement="15")
    assert info.value.messages == (uv.MSG_CALLER,)
    assert fake_upstream.calls("formationsParRegion") == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, uv.MSG_REGION_OR_ROME),
        ({"departement": "15", "region": "84"}, uv.MSG_REGION_AND_DEP),
        ({"departement": "2A"}, uv.MSG_DEP_FORMAT),
        ({"region": "99"}, uv.MSG_REGION_UNKNOWN),
        ({"departement": "15", "romes": ["D1102"], "rome_domain": "D11"}, uv.MSG_ROME_AND_DOMAIN),
        ({"departement": "15", "rome_domain": "D1"}, uv.MSG_DOMAIN_FORMAT),
    ],
)
def test_formations_par_region_refused_locally(
    fake_upstream: FakeUpstream, kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(WrongParameters) as info:
        lba(fake_upstream).formations_par_region(**kwargs)  # type: ignore[arg-type]
    assert message in info.value.messages
    assert fake_upstream.calls("formationsParRegion") == 0


def test_formations_par_region_parsed(fake_upstream: FakeUpstream) -> None:
    body = lba(fake_upstream).formations_par_region(departement="15", rome_domain="D")
    outcome = parsers.parse_formations(body)
    assert outcome.items
    assert {i.kind for i in outcome.items} == {Kind.FORMATION}
    assert {i.departement for i in outcome.items} == {"15"}
    assert all(r.startswith("D") for i in outcome.items for r in i.romes)


def test_formation_by_id_and_not_found(fake_upstream: FakeUpstream) -> None:
    key = fake_upstream.state.formations[3]["cleMinistereEducatif"]
    assert "#" in key  # must be escaped in the path
    body = lba(fake_upstream).formation(key)
    assert body["results"][0]["cleMinistereEducatif"] == key
    with pytest.raises(UpstreamFailure) as info:
        lba(fake_upstream).formation("nope")
    assert info.value.status == 404
    with pytest.raises(WrongParameters):
        lba(fake_upstream).formation("a/b")


def test_metiers(fake_upstream: FakeUpstream) -> None:
    client = lba(fake_upstream)
    found = client.metiers("boulangerie")["labelsAndRomes"]
    assert found[0]["romes"] == ["D1102"]
    assert "Secrétariat" in client.metiers_all()["metiers"]
    with pytest.raises(WrongParameters):
        client.metiers("  ")
    assert fake_upstream.calls("metiers") == 1


def test_jobs_search_three_kinds(fake_upstream: FakeUpstream) -> None:
    body = jobs(fake_upstream).jobs_search(departements=["63"], romes=None)
    assert set(body) >= {"jobs", "recruiters", "warnings"}
    outcome = parsers.parse_jobs_search(body)
    assert {i.kind for i in outcome.items} == {Kind.OFFRE, Kind.PARTENARIAT, Kind.ENTREPRISE}
    assert {i.departement for i in outcome.items} == {"63"}
    near = jobs(fake_upstream).jobs_search(45.78, 3.09, 10, romes=["M1607"], target_diploma_level=5)
    assert all(j["offer"]["rome_codes"] == ["M1607"] for j in near["jobs"])
    assert all(j["offer"]["target_diploma"]["european"] == "5" for j in near["jobs"])


def test_jobs_search_refused_locally(fake_upstream: FakeUpstream) -> None:
    with pytest.raises(WrongParameters) as info:
        jobs(fake_upstream).jobs_search(latitude=45.0, radius=10, target_diploma_level=9)
    assert "querystring.longitude: latitude et longitude vont ensemble" in info.value.messages
    assert len(info.value.messages) == 2
    with pytest.raises(WrongParameters):
        jobs(fake_upstream).jobs_search(opco="Opco inventé")
    assert fake_upstream.calls("jobs_search") == 0


def test_jobs_without_or_with_wrong_key(fake_upstream: FakeUpstream) -> None:
    for key in ("", "wrong"):
        with pytest.raises(ApiKeyRefused):
            jobs(fake_upstream, key).jobs_search(departements="15")
    assert fake_upstream.calls("jobs_search") == 2


def test_export_and_download(fake_upstream: FakeUpstream) -> None:
    client = jobs(fake_upstream)
    info = client.jobs_export()
    assert info["lastUpdate"]
    exported = client.download_export(info["url"])
    # Closed and expired offers are held by the fake but not exported, as upstream.
    assert 0 < len(exported) < len(fake_upstream.state.jobs)
    assert {j["offer"]["status"] for j in exported} == {"Active"}
    assert len(parsers.parse_any(exported).items) == len(exported)


def test_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    default = LbaClient.from_environment()
    assert default._formations.base_url == DEFAULT_LBA_URL + "/"
    assert ApprentissageClient.from_environment()._http.base_url == DEFAULT_APPRENTISSAGE_URL + "/"
    monkeypatch.setenv("LBA_API_URL", "http://127.0.0.1:1/api")
    monkeypatch.setenv("LBA_API_APPRENTISSAGE_URL", "http://127.0.0.1:2/api")
    monkeypatch.setenv("LBA_CALLER", "cio@example.org")
    monkeypatch.setenv("LBA_API_KEY", "k")
    client = LbaClient.from_environment()
    assert client._formations.base_url == "http://127.0.0.1:1/api/"
    assert client.caller == "cio@example.org"
    apprentissage = ApprentissageClient.from_environment()
    assert apprentissage._http.base_url == "http://127.0.0.1:2/api/"
    assert apprentissage._http._headers["authorization"] == "Bearer k"
