"""RDV Apprentissage client over HTTP against the fake upstream: routes, errors, idempotency."""

from __future__ import annotations

import time

import pytest
import requests

from lba_desktop.data.http import ApiKeyRefused, NetworkUnavailable, RetryPolicy, UpstreamFailure
from lba_desktop.data.rdv_client import (
    IDEMPOTENCY_HEADER,
    AppointmentAlreadyPending,
    AppointmentRefused,
    AppointmentUnavailable,
    RdvClient,
)
from tests.fake_upstream.data import rdv_eligible_keys, rdv_ineligible_keys
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.server import FakeUpstream


def client(
    fake: FakeUpstream, *, key: str = "test-key", attempts: int = 1, read: float = 2.0
) -> RdvClient:
    return RdvClient(
        fake.api_url,
        key,
        caller="tests@exemple.fr lba-desktop",
        sleep=lambda _s: None,
        timeout=(1.0, read),
        retry=RetryPolicy(attempts=attempts),
    )


def payload(cle: str, **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "firstname": "Zoé",
        "lastname": "Lefèvre",
        "phone": "0612345678",
        "email": "zoe@exemple.fr",
        "type": "etudiant",
        "applicantMessageToCfa": None,
        "applicantReasons": ["modalite", "debouche"],
        "cleMinistereEducatif": cle,
        "appointmentOrigin": "lba-desktop",
    }
    body.update(changes)
    return body


def test_context_of_an_eligible_training(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    cle = rdv_eligible_keys(fake_upstream.state)[0]
    context = client(fake_upstream, key="").create_context(cle)
    assert context.cle_ministere_educatif == cle
    assert context.title and context.cfa_name and context.postcode
    assert "cleMinistereEducatif=" in context.form_url
    assert fake_upstream.calls("rdv_context") == 1


def test_context_of_a_training_without_online_requests(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    rdv = client(fake_upstream)
    with pytest.raises(AppointmentUnavailable) as caught:
        rdv.create_context(rdv_ineligible_keys(fake_upstream.state)[0])
    assert "e-mail au CFA" in caught.value.hint
    with pytest.raises(AppointmentUnavailable):
        rdv.create_context("INCONNUE#L01")  # 404 Formation introuvable


def test_context_body_is_validated(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    session = requests.Session()
    answer = session.post(
        fake_upstream.api_url + "/appointment-request/context/create",
        json={"idCleMinistereEducatif": "", "referrer": "inconnu", "extra": 1},
        timeout=5,
    )
    assert answer.status_code == 400
    issues = answer.json()["data"]["validationError"]["issues"]
    assert {tuple(i["path"]) for i in issues} == {("extra",), ("idCleMinistereEducatif",),
                                                  ("referrer",)}  # fmt: skip


def test_form_link_needs_the_api_key(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    cle = rdv_eligible_keys(fake_upstream.state)[0]
    assert client(fake_upstream).form_link(cle).form_url.startswith("https://")
    with pytest.raises(ApiKeyRefused):
        client(fake_upstream, key="mauvaise").form_link(cle)
    with pytest.raises(AppointmentUnavailable):
        client(fake_upstream).form_link(rdv_ineligible_keys(fake_upstream.state)[0])


def test_a_repeated_submit_is_a_new_request_refused_within_4_days(
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    """The upstream reads no idempotency key: the same post again is the 4-day refusal."""
    cle = rdv_eligible_keys(fake_upstream.state)[0]
    rdv = client(fake_upstream)
    first = rdv.submit(payload(cle), idempotency_key="k-1")
    assert first.summary["cle_ministere_educatif"] == cle
    assert "email" not in first.summary  # nothing personal is kept from the answer
    with pytest.raises(AppointmentAlreadyPending) as refused:
        rdv.submit(payload(cle), idempotency_key="k-1")
    assert not refused.value.after_lost_answer  # this call had no earlier post
    assert "en cours de traitement" in refused.value.messages[0]
    book = fake_upstream.state.appointments
    assert book.count() == 1 and book.requests_per_key["k-1"] == 2
    assert fake_upstream.calls("rdv_validate") == 2
    with pytest.raises(ValueError):
        rdv.submit(payload(cle), idempotency_key="")


def test_a_retry_after_a_lost_answer_says_the_request_arrived(
    fake_upstream: FakeUpstream,  # noqa: F811
) -> None:
    cle = rdv_eligible_keys(fake_upstream.state)[0]
    # The first post is processed, but after the client stopped waiting for its answer.
    fake_upstream.faults.set(timeout=1, delay=0.5, routes=["rdv_validate"])
    book = fake_upstream.state.appointments

    def until_processed(_seconds: float) -> None:  # the backoff, long enough to see it done
        deadline = time.monotonic() + 5
        while book.count() == 0 and time.monotonic() < deadline:
            time.sleep(0.02)

    rdv = RdvClient(
        fake_upstream.api_url,
        caller="tests@exemple.fr lba-desktop",
        sleep=until_processed,
        timeout=(1.0, 0.2),
        retry=RetryPolicy(attempts=3),
    )
    with pytest.raises(AppointmentAlreadyPending) as pending:
        rdv.submit(payload(cle), idempotency_key="k")
    assert pending.value.after_lost_answer
    assert fake_upstream.state.appointments.count() == 1


def test_submit_refusals_keep_the_upstream_messages(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    cle = rdv_eligible_keys(fake_upstream.state)[0]
    rdv = client(fake_upstream)
    with pytest.raises(AppointmentRefused) as caught:
        rdv.submit(payload(cle, phone="12", applicantReasons=["vacances"]), idempotency_key="a")
    assert caught.value.messages == ("body.applicantReasons: Invalid enum value",)
    with pytest.raises(AppointmentRefused) as caught:
        rdv.submit(payload(cle, phone="12", lastname="x" * 51), idempotency_key="b")
    assert set(caught.value.messages) == {
        "body.lastname: String must contain at most 50 character(s)",
        "body.phone: Invalid phone number",
    }
    with pytest.raises(AppointmentRefused) as caught:
        rdv.submit(payload(cle, applicantReasons=["autre"]), idempotency_key="c")
    assert "autre" in caught.value.messages[0]
    with pytest.raises(AppointmentRefused) as caught:
        rdv.submit(payload(rdv_ineligible_keys(fake_upstream.state)[0]), idempotency_key="d")
    assert caught.value.messages == ("Formation introuvable.",)
    rdv.submit(payload(cle), idempotency_key="e")
    with pytest.raises(AppointmentRefused) as caught:
        rdv.submit(payload(cle, email="ZOE@exemple.fr"), idempotency_key="f")
    assert "en date du" in caught.value.messages[0]
    assert fake_upstream.state.appointments.count() == 1


def test_server_errors_retried_with_the_same_key(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    cle = rdv_eligible_keys(fake_upstream.state)[0]
    fake_upstream.faults.set(http_500=1, routes=["rdv_validate"])
    receipt = client(fake_upstream, attempts=2).submit(payload(cle), idempotency_key="k-500")
    assert receipt.appointment_id
    assert fake_upstream.calls("rdv_validate") == 2
    assert fake_upstream.state.appointments.count() == 1
    fake_upstream.faults.set(http_500=1, routes=["rdv_validate"])
    with pytest.raises(UpstreamFailure) as caught:
        client(fake_upstream).submit(payload(cle, email="b@exemple.fr"), idempotency_key="k2")
    assert caught.value.status == 500


def test_timeout_and_offline(fake_upstream: FakeUpstream) -> None:  # noqa: F811
    cle = rdv_eligible_keys(fake_upstream.state)[0]
    fake_upstream.faults.set(timeout=1, delay=0.5, routes=["rdv_validate"])
    with pytest.raises(UpstreamFailure, match="délai"):
        client(fake_upstream, read=0.2).submit(payload(cle), idempotency_key="slow")
    offline = RdvClient("http://127.0.0.1:9/api", timeout=(0.5, 0.5), retry=RetryPolicy(attempts=1))
    with pytest.raises(NetworkUnavailable):
        offline.create_context(cle)


def test_key_and_personal_data_stay_out_of_urls_and_logs(
    fake_upstream: FakeUpstream,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    cle = rdv_eligible_keys(fake_upstream.state)[0]
    seen: list[requests.PreparedRequest] = []
    session = requests.Session()
    session.hooks["response"].append(lambda r, *a, **k: seen.append(r.request))
    rdv = RdvClient(
        fake_upstream.api_url, "test-key", session=session, retry=RetryPolicy(attempts=1)
    )
    rdv.create_context(cle)
    rdv.submit(payload(cle), idempotency_key="k-log")
    context_call, submit_call = seen
    assert "authorization" not in {k.lower() for k in context_call.headers}
    assert submit_call.headers[IDEMPOTENCY_HEADER] == "k-log"
    assert "Zo" not in (submit_call.url or "")
    for value in ("Zoé", "Lefèvre", "0612345678", "zoe@exemple.fr", "test-key"):
        assert value not in caplog.text
