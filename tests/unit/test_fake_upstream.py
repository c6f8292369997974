"""The fake upstream itself: caps and sampling, validation bodies, auth, rate limits, faults."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import requests

from lba_desktop.data import parsers
from lba_desktop.data import upstream_validation as uv
from tests.fake_upstream.data import FORMATIONS_CAP, ROMES
from tests.fake_upstream.fixtures import fake_upstream
from tests.fake_upstream.server import FakeUpstream

__all__ = ["fake_upstream"]

ROOT = Path(__file__).resolve().parents[2]


def get(server: FakeUpstream, path: str, **params: str) -> requests.Response:
    return requests.get(server.api_url + path, params={"caller": "t", **params}, timeout=5)


def test_cap_forces_a_split_by_rome(fake_upstream: FakeUpstream) -> None:
    state = fake_upstream.state
    total = [
        f for f in state.formations
        if f["place"]["departementNumber"] == "75" and f["romes"][0]["code"].startswith("D12")
    ]  # fmt: skip
    assert len(total) > FORMATIONS_CAP
    capped = get(fake_upstream, "/v1/formationsParRegion", departement="75", romeDomain="D12")
    assert len(capped.json()["results"]) == FORMATIONS_CAP
    keys: set[str] = set()
    for code, _label in ROMES["D12"]:
        part = get(fake_upstream, "/v1/formationsParRegion", departement="75", romes=code).json()
        assert len(part["results"]) < FORMATIONS_CAP
        keys |= {f["cleMinistereEducatif"] for f in part["results"]}
    assert keys == {f["cleMinistereEducatif"] for f in total}
    small = get(fake_upstream, "/v1/formationsParRegion", departement="15", romeDomain="D12")
    assert 0 < len(small.json()["results"]) < FORMATIONS_CAP


def test_sampling_is_seeded() -> None:
    samples = []
    for _ in range(2):
        with FakeUpstream(seed=5) as server:
            body = get(server, "/v1/formationsParRegion", departement="75", romeDomain="D12").json()
            samples.append([f["cleMinistereEducatif"] for f in body["results"]])
    assert samples[0] == samples[1]


def test_paths_are_case_insensitive(fake_upstream: FakeUpstream) -> None:
    response = get(fake_upstream, "/V1/FormationsParRegion", departement="19")
    assert response.status_code == 200
    assert fake_upstream.calls("formationsParRegion") == 1
    assert get(fake_upstream, "/v1/unknown").status_code == 404


def test_validation_body_is_the_shared_function(fake_upstream: FakeUpstream) -> None:
    params = {"romes": "D1102,X", "latitude": "45", "longitude": "2"}
    response = get(fake_upstream, "/v1/formations", **params)
    assert response.status_code == 400
    assert response.json() == uv.wrong_parameters_body(
        uv.validate_formations({**params, "caller": "t"})
    )
    assert response.json()["error_messages"] == [uv.MSG_ROMES_FORMAT, uv.MSG_RADIUS_MISSING]
    v1 = get(fake_upstream, "/v1/jobs", romes="D1102", latitude="45", longitude="2", radius="10")
    assert v1.json()["error_messages"] == [uv.MSG_INSEE_MISSING]


def test_v3_requires_authorization(fake_upstream: FakeUpstream) -> None:
    url = fake_upstream.api_url + "/v3/jobs/search"
    assert requests.get(url, timeout=5).status_code == 401
    ok = requests.get(url, headers={"authorization": "Bearer test-key"}, timeout=5)
    assert ok.status_code == 200
    assert set(ok.json()) == {"jobs", "recruiters", "warnings"}


def test_rate_limit_answers_429_with_retry_after() -> None:
    with FakeUpstream(rate_limits=True) as server:
        server.rate_windows.clock = lambda: 100.0  # every call in the same instant
        statuses = [
            get(server, "/v1/formationsParRegion", departement="15").status_code for _ in range(7)
        ]
        assert statuses == [200] * 7  # formations: 7 calls per second
        limited = get(server, "/v1/formationsParRegion", departement="15")
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "1"
        # Another family has its own budget.
        assert get(server, "/v1/metiers/all").status_code == 200
        server.rate_windows.clock = lambda: 101.5  # a second later the budget is back
        assert get(server, "/v1/formations", romes="D1102").status_code == 200


def test_faults_over_http_and_call_counters(fake_upstream: FakeUpstream) -> None:
    posted = requests.post(fake_upstream.url + "/__faults", json={"http_500": 1}, timeout=5)
    assert posted.json()["http_500"] == 1
    assert get(fake_upstream, "/v1/metiers/all").status_code == 500
    assert get(fake_upstream, "/v1/metiers/all").status_code == 200
    calls = requests.get(fake_upstream.url + "/__calls", timeout=5).json()
    assert calls == {"metiers_all": 2}
    assert (
        requests.post(fake_upstream.url + "/__faults", json={"nope": 1}, timeout=5).status_code
        == 400
    )
    requests.post(fake_upstream.url + "/__reset", timeout=5)
    assert fake_upstream.calls("metiers_all") == 0


def test_faults_scoped_to_routes(fake_upstream: FakeUpstream) -> None:
    fake_upstream.faults.set(http_500=-1, routes=["metiers"])
    assert get(fake_upstream, "/v1/metiers", title="vente").status_code == 500
    assert get(fake_upstream, "/v1/metiers/all").status_code == 200
    fake_upstream.faults.reset()
    assert get(fake_upstream, "/v1/metiers", title="vente").status_code == 200


def test_http_500_rate_is_seeded(fake_upstream: FakeUpstream) -> None:
    fake_upstream.faults.set(http_500_rate=0.5)
    statuses = [get(fake_upstream, "/v1/metiers/all").status_code for _ in range(20)]
    assert 0 < statuses.count(500) < 20


def test_subsource_error_in_v1_answer(fake_upstream: FakeUpstream) -> None:
    fake_upstream.faults.set(subsource_error=["peJobs", "formations"])
    body = get(
        fake_upstream, "/v1/jobsEtFormations", romes="D1106,M1607",
        latitude="45.78", longitude="3.09", radius="30", insee="63113",
    ).json()  # fmt: skip
    assert body["formations"]["result"] == "error"
    assert body["jobs"]["peJobs"]["result"] == "error"
    outcome = parsers.parse_any(body)
    assert len(outcome.warnings) == 2
    assert {i.kind.value for i in outcome.items} <= {"offre", "partenariat", "entreprise"}
    assert outcome.items


def test_mutations_between_calls(fake_upstream: FakeUpstream) -> None:
    headers = {"authorization": "test-key"}
    url = fake_upstream.api_url + "/v3/jobs/search"
    first = requests.get(url, params={"departements": "19"}, headers=headers, timeout=5).json()
    gone = [j["identifier"]["id"] for j in first["jobs"][:3]]
    assert fake_upstream.state.remove_jobs(gone) == 3
    fake_upstream.state.update_job_title(first["jobs"][3]["identifier"]["id"], "Nouveau titre")
    second = requests.get(url, params={"departements": "19"}, headers=headers, timeout=5).json()
    ids = {j["identifier"]["id"] for j in second["jobs"]}
    assert not ids & set(gone)
    assert len(second["jobs"]) == len(first["jobs"]) - 3
    assert "Nouveau titre" in {j["offer"]["title"] for j in second["jobs"]}
    # The cached generated data is untouched: a new server starts from the original set.
    with FakeUpstream() as fresh:
        assert len(fresh.state.jobs) == len(fake_upstream.state.jobs) + 3


def test_data_is_deterministic() -> None:
    with FakeUpstream(seed=11) as a, FakeUpstream(seed=11) as b:
        assert a.state.formations[:5] == b.state.formations[:5]
        assert len({"15", "19", "63", "75"} & {f["place"]["departementNumber"]
                                                 for f in a.state.formations}) == 4  # fmt: skip


def test_standalone_mode_prints_its_url() -> None:
    with FakeUpstream() as probe:  # find a free port, then release it
        port = probe.port
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fake_upstream", "--port", str(port), "--no-rate-limit"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}" in line
        deadline = time.monotonic() + 10
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/api/v1/metiers/all", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert response.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
