"""Appointment requests: form validation, 4-day rule, outbox sending exactly once, erasure, CLI."""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from lba_desktop.appointments import (
    REASONS,
    AppointmentForm,
    AppointmentService,
    Channel,
    DuplicateRequest,
    RequestStatus,
    TrainingInfo,
    reason_keys,
    retry_delay,
    validate_form,
)
from lba_desktop.appointments import sender as sender_module
from lba_desktop.data.http import RetryPolicy
from lba_desktop.data.rdv_client import RdvClient
from lba_desktop.errors import InvalidInput
from lba_desktop.models import Item, Kind
from lba_desktop.paths import user_db_path
from lba_desktop.people import PeopleService
from lba_desktop.people.journal import JournalKind
from tests.fake_upstream.data import rdv_eligible_keys, rdv_ineligible_keys
from tests.fake_upstream.fixtures import fake_upstream  # noqa: F401 (pytest fixture)
from tests.fake_upstream.server import FakeUpstream

# Every test here runs on user.sqlite and on PostgreSQL (see conftest.user_backend).
pytestmark = pytest.mark.usefixtures("user_backend")


FIRST = "Léa-Éloïse"
LAST = "N'Guessan-Dupré"
PHONE = "+33 6 12 34 56 78"
EMAIL = "lea.eloise@exemple.fr"
T0 = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def training(cle: str = "CLE-1#L01", **changes: Any) -> TrainingInfo:
    base = TrainingInfo(
        cle_ministere_educatif=cle,
        title="BTS Négociation et digitalisation",
        cfa_name="CFA des Métiers de l'Été",
        cfa_email="contact@cfa-ete.exemple.fr",
        cfa_phone="0471000000",
        rdv_eligible=True,
    )
    return replace(base, **changes)


def good_form(**changes: Any) -> AppointmentForm:
    base = AppointmentForm(
        person_id=1,
        training=training(),
        first_name=FIRST,
        last_name=LAST,
        phone=PHONE,
        email=EMAIL,
        applicant_type="etudiant",
        reasons=("modalite", "place"),
        message="",
    )
    return replace(base, **changes)


def formation_item(fake: FakeUpstream, cle: str, **changes: Any) -> Item:
    raw = fake.state.formation_by_id(cle)
    assert raw is not None
    item = Item(
        kind=Kind.FORMATION,
        id=cle,
        title=raw["title"],
        organisation=raw["company"]["name"],
        address=raw["place"]["fullAddress"],
        commune=raw["place"]["city"],
        postcode=raw["place"]["zipCode"],
        phone=raw["contact"]["phone"],
        email=raw["contact"]["email"],
        details={"cfa": raw["company"]["name"], "rdv_eligible": bool(raw.get("rdvContext"))},
    )
    return replace(item, **changes)


def fast_client(fake: FakeUpstream, *, read_timeout: float = 2.0) -> RdvClient:
    return RdvClient(
        fake.api_url,
        "test-key",
        sleep=lambda _s: None,
        timeout=(1.0, read_timeout),
        retry=RetryPolicy(attempts=1),
    )


@pytest.fixture
def people() -> Iterator[PeopleService]:
    with PeopleService() as service:
        yield service


@pytest.fixture
def person_id(people: PeopleService) -> int:
    return people.create_person(first_name=FIRST, last_name=LAST, phone=PHONE, email=EMAIL).id


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def world(
    fake_upstream: FakeUpstream,  # noqa: F811
    people: PeopleService,
    person_id: int,
    clock: Clock,
) -> Iterator[dict[str, Any]]:
    """A person, an eligible training from the fake upstream on their shortlist, a service."""
    cle = rdv_eligible_keys(fake_upstream.state)[0]
    item = formation_item(fake_upstream, cle)
    entry, _ = people.add_to_shortlist(person_id, item=item)
    service = AppointmentService(client=fast_client(fake_upstream), people=people, clock=clock)
    form = replace(
        service.prefill(person_id=person_id, item=item),
        reasons=("modalite", "autre"),
        message="Bonjour, je voudrais connaître les dates de rentrée d'été.",
    )
    yield {
        "fake": fake_upstream,
        "cle": cle,
        "item": item,
        "entry": entry,
        "service": service,
        "form": form,
        "person_id": person_id,
        "people": people,
        "clock": clock,
    }
    service.close()


# --- Validation ---------------------------------------------------------------------------


def test_good_form_is_normalised() -> None:
    clean, errors = validate_form(good_form(first_name="  Léa-Éloïse  ", email=" a@b.fr "))
    assert errors == {}
    assert clean.first_name == "Léa-Éloïse"
    assert clean.phone == "0612345678"
    assert clean.email == "a@b.fr"
    assert clean.reasons == ("modalite", "place")


@pytest.mark.parametrize(
    "phone",
    ["06 12 34 56 78", "+33 6 12 34 56 78", "0612345678", "06.12.34.56.78", "0033612345678"],
)
def test_phone_formats_accepted(phone: str) -> None:
    clean, errors = validate_form(good_form(phone=phone))
    assert errors == {}
    assert clean.phone == "0612345678"


@pytest.mark.parametrize(
    "phone", ["", "12345", "06 12 34 56", "+44 20 7946 0958", "06123456789", "abc"]
)
def test_phone_refused(phone: str) -> None:
    _, errors = validate_form(good_form(phone=phone))
    assert set(errors) == {"phone"}
    assert "téléphone" in errors["phone"].lower()


@pytest.mark.parametrize("email", ["", "lea@", "lea exemple.fr", "@exemple.fr", "lea@exemple"])
def test_email_refused(email: str) -> None:
    _, errors = validate_form(good_form(email=email))
    assert set(errors) == {"email"}
    assert "e-mail" in errors["email"]


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_names_required_and_capped_at_50(field: str) -> None:
    assert validate_form(good_form(**{field: "É" * 50}))[1] == {}
    _, errors = validate_form(good_form(**{field: "É" * 51}))
    assert "50 caractères" in errors[field]
    _, errors = validate_form(good_form(**{field: "   "}))
    assert "obligatoire" in errors[field]


def test_accented_names_kept_intact() -> None:
    clean, errors = validate_form(good_form(first_name="Zoé  Anaïs", last_name="Çelik-Œuvrard"))
    assert errors == {}
    assert (clean.first_name, clean.last_name) == ("Zoé Anaïs", "Çelik-Œuvrard")


@pytest.mark.parametrize(("value", "ok"), [("etudiant", True), ("parent", True), ("Étudiant", True),
                                           ("prof", False), ("", False)])  # fmt: skip
def test_applicant_type(value: str, ok: bool) -> None:
    _, errors = validate_form(good_form(applicant_type=value))
    assert ("applicant_type" not in errors) is ok


def test_reasons_required_known_and_labelled() -> None:
    assert len(REASONS) == 12
    assert REASONS["debouche"] == "Situation des élèves en sortie de formation"
    assert "au moins un sujet" in validate_form(good_form(reasons=()))[1]["reasons"]
    assert "« vacances »" in validate_form(good_form(reasons=("vacances",)))[1]["reasons"]
    # French labels are accepted too (a UI may hand them back), in the upstream order.
    assert reason_keys(["Portes ouvertes", "modalite", "frais d'inscription"]) == (
        ("modalite", "frais", "porte"),
        [],
    )
    assert validate_form(good_form(reasons=tuple(REASONS), message="x"))[1] == {}


def test_autre_needs_a_message() -> None:
    _, errors = validate_form(good_form(reasons=("autre",), message="  "))
    assert "Autre" in errors["message"]
    assert validate_form(good_form(reasons=("autre",), message="Question"))[1] == {}


def test_message_length_and_missing_training() -> None:
    _, errors = validate_form(good_form(message="x" * 3001, training=None))
    assert set(errors) == {"message", "training"}


# --- Channel and pre-filling --------------------------------------------------------------


def test_channel_from_catalogue_eligibility() -> None:
    assert training(rdv_eligible=True).channel is Channel.EN_LIGNE
    assert training(rdv_eligible=None).channel is Channel.EN_LIGNE  # the upstream will tell
    assert "si la formation l'accepte" in training(rdv_eligible=None).channel_fr
    closed = training(rdv_eligible=False)
    assert closed.channel is Channel.EMAIL
    assert "contact@cfa-ete.exemple.fr" in closed.channel_fr
    assert training(rdv_eligible=False, cfa_email="").channel is Channel.TELEPHONE
    assert training(rdv_eligible=False, cfa_email="", cfa_phone="").channel is Channel.AUCUN
    demo = training(rdv_eligible=True, fictitious=True)
    assert demo.channel is Channel.EMAIL
    assert "démonstration" in demo.channel_fr


def test_no_email_offered_where_the_cfa_publishes_none() -> None:
    # 2026: trainings carry {phone, hasEmail}, no address: the phone or the RDV request is
    # the way, and the sentence says so.
    for eligible in (None, True, False):
        info = training(rdv_eligible=eligible, cfa_email="", cfa_phone="0471000000")
        assert "e-mail au CFA (" not in info.channel_fr
        assert "0471000000" in info.channel_fr and "n'est pas publié" in info.channel_fr
    assert (
        "sinon, appelez le CFA au 0471000000"
        in training(rdv_eligible=None, cfa_email="", cfa_phone="0471000000").channel_fr
    )
    assert "passe par RDV Apprentissage" in training(rdv_eligible=True, cfa_email="").channel_fr
    nothing = training(rdv_eligible=False, cfa_email="", cfa_phone="")
    assert nothing.channel_fr.endswith("Aucun contact du CFA n'est connu (ni e-mail ni "
                                       "téléphone) : voyez sa fiche.")  # fmt: skip


def test_prefill_from_person_and_catalogue_item(world: dict[str, Any]) -> None:
    service: AppointmentService = world["service"]
    form = service.prefill(person_id=world["person_id"], item=world["item"])
    assert (form.first_name, form.last_name, form.phone, form.email) == (
        FIRST,
        LAST,
        "0612345678",
        EMAIL,
    )
    assert form.training is not None
    assert form.training.cle_ministere_educatif == world["cle"]
    assert form.training.rdv_eligible is True
    assert form.shortlist_entry_id == world["entry"].id
    # From the shortlist line alone (no catalogue): eligibility unknown, snapshot kept.
    by_entry = service.prefill(person_id=world["person_id"], entry_id=world["entry"].id)
    assert by_entry.training is not None
    assert by_entry.training.rdv_eligible is None
    assert by_entry.training.cfa_email == world["item"].email


def test_demo_catalogue_training(demo_home: Path, people: PeopleService, person_id: int) -> None:
    from lba_desktop.local_catalogue import open_catalogue

    store = open_catalogue()
    try:
        item = next(i for i in store.iter_items() if i.kind is Kind.FORMATION)
        with AppointmentService(people=people, catalogue=store) as service:
            form = service.prefill(person_id=person_id, cle=item.id)
            assert form.training is not None and form.training.fictitious
            request = service.create_request(replace(form, reasons=("place",)))
            # Invented trainings never go online: the request waits for an e-mail hand-over.
            assert request.status is RequestStatus.BROUILLON
            assert request.training.rdv_eligible is False
            with pytest.raises(InvalidInput):
                service.send(request.id)
    finally:
        store.close()


# --- The 4-day rule -----------------------------------------------------------------------


def test_duplicate_within_four_days_names_the_first_date(world: dict[str, Any]) -> None:
    service: AppointmentService = world["service"]
    clock: Clock = world["clock"]
    first = service.create_request(world["form"])
    clock.advance(timedelta(days=3, hours=23))
    with pytest.raises(DuplicateRequest) as caught:
        service.create_request(world["form"])
    first_local = T0.astimezone()
    assert f"le {first_local:%d/%m/%Y}" in caught.value.errors["training"]
    assert f"n° {first.id}" in caught.value.errors["training"]
    assert "training" in service.check(world["form"])
    clock.advance(timedelta(hours=1, minutes=1))
    assert service.check(world["form"]) == {}
    second = service.create_request(world["form"])
    assert second.id != first.id
    assert second.idempotency_key != first.idempotency_key


def test_refused_request_does_not_block_a_corrected_one(world: dict[str, Any]) -> None:
    service: AppointmentService = world["service"]
    fake: FakeUpstream = world["fake"]
    other = replace(world["form"], training=training(rdv_eligible=None))
    closed = fake.state.formation_by_id(world["cle"])
    assert closed is not None
    fake.state.add_formations(
        [{**closed, "cleMinistereEducatif": "CLE-1#L01", "id": "zz", "rdvContext": None}]
    )
    refused = service.send(service.create_request(other).id)
    assert refused.status is RequestStatus.ECHEC and not refused.will_retry
    assert service.check(other) == {}


# --- Outbox and sender --------------------------------------------------------------------


def test_saved_before_sending_and_sent_once_after_a_crash(world: dict[str, Any]) -> None:
    fake: FakeUpstream = world["fake"]
    request = world["service"].create_request(world["form"])
    assert request.status is RequestStatus.A_ENVOYER
    assert fake.calls("rdv_validate") == 0
    world["service"].close()  # the application stops before sending anything

    with AppointmentService(
        client=fast_client(fake), people=world["people"], clock=world["clock"]
    ) as restarted:
        stored = restarted.get(request.id)
        assert stored.idempotency_key == request.idempotency_key
        report = restarted.send_pending()
        assert report.sent == (request.id,)
        assert restarted.send_pending().attempted == 0
        sent = restarted.get(request.id)
    assert sent.status is RequestStatus.ENVOYEE
    assert sent.sent_at == T0
    assert sent.upstream_id and sent.upstream_answer["_id"] == sent.upstream_id
    assert "Envoyée le" in sent.status_detail_fr
    assert fake.state.appointments.count() == 1


def test_the_journal_dates_the_request_and_its_sending(world: dict[str, Any]) -> None:
    service: AppointmentService = world["service"]
    request = service.create_request(world["form"])
    service.send(request.id)
    events = [e for e in world["people"].journal(world["person_id"]) if e.request_id]
    assert [(e.kind, e.happened_on, e.request_id) for e in events] == [
        (JournalKind.RDV_DEMANDE, T0.date(), request.id),
        (JournalKind.RDV_ENVOYEE, T0.date(), request.id),
    ]
    assert events[-1].summary == request.training.title
    assert events[-1].counsellor == world["people"].counsellor


def test_a_request_made_elsewhere_is_a_refusal_said_plainly(world: dict[str, Any]) -> None:
    """No earlier post of ours: the 4-day refusal is about another request, not this one."""
    fake: FakeUpstream = world["fake"]
    service: AppointmentService = world["service"]
    request = service.create_request(world["form"])
    fast_client(fake).submit(request.upstream_payload(), idempotency_key="from-elsewhere")
    refused = service.send(request.id)
    assert refused.status is RequestStatus.ECHEC and refused.next_retry_at is None
    assert "moins de 4 jours, ailleurs ou en double" in refused.failure_reason
    assert fake.state.appointments.count() == 1


def test_crash_during_send_then_retry_records_it_sent_once(world: dict[str, Any]) -> None:
    """The process dies after the upstream accepted but before the answer was stored: the
    post left its « in flight » mark, so the retry's 4-day refusal means it arrived."""
    fake: FakeUpstream = world["fake"]
    service: AppointmentService = world["service"]
    request = service.create_request(world["form"])
    real_submit = service.client.submit

    def accepted_then_killed(*args: Any, **kwargs: Any) -> Any:
        real_submit(*args, **kwargs)
        raise KeyboardInterrupt  # the process goes down before the answer is stored

    service.client.submit = accepted_then_killed  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        service.send(request.id)
    del service.client.submit
    assert fake.state.appointments.count() == 1
    world["clock"].advance(sender_module.CLAIM_LEASE)  # the dead sender's claim expires
    sent = service.send(request.id)
    assert sent.status is RequestStatus.ENVOYEE
    assert "le service a confirmé l'avoir reçue" in sent.status_detail_fr
    assert fake.state.appointments.count() == 1


def test_timeout_after_upstream_processed_then_retry_counts_once(world: dict[str, Any]) -> None:
    fake: FakeUpstream = world["fake"]
    clock: Clock = world["clock"]
    people: PeopleService = world["people"]
    fake.faults.set(timeout=1, delay=0.6, routes=["rdv_validate"])
    with AppointmentService(
        client=fast_client(fake, read_timeout=0.2), people=people, clock=clock
    ) as service:
        request = service.create_request(world["form"])
        report = service.send_pending()
        assert report.retry_later == (request.id,)
        failed = service.get(request.id)
        assert failed.status is RequestStatus.ECHEC
        assert failed.next_retry_at == T0 + retry_delay(1)
        assert "délai" in failed.failure_reason
        # The upstream finishes the request after the client gave up.
        deadline = time.monotonic() + 5
        while fake.state.appointments.count() == 0 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert fake.state.appointments.count() == 1

        assert service.send_pending().attempted == 0  # not due yet
        clock.advance(retry_delay(1))
        # The retry gets the 4-day refusal: after a lost answer, that is the proof it arrived.
        assert service.send_pending().sent == (request.id,)
        sent = service.get(request.id)
        assert sent.status is RequestStatus.ENVOYEE and sent.failure_reason == ""
        assert "réponse perdue" in sent.status_detail_fr
        assert "en cours de traitement" in sent.status_detail_fr
    assert fake.state.appointments.count() == 1
    assert fake.state.appointments.requests_per_key[request.idempotency_key] == 2


def test_server_error_leaves_a_retry_then_sends(world: dict[str, Any]) -> None:
    fake: FakeUpstream = world["fake"]
    service: AppointmentService = world["service"]
    clock: Clock = world["clock"]
    fake.faults.set(http_500=1, routes=["rdv_validate"])
    request = service.create_request(world["form"])
    failed = service.send(request.id)
    assert failed.status is RequestStatus.ECHEC
    assert failed.will_retry and failed.next_retry_at == T0 + timedelta(minutes=1)
    assert "erreur 500" in failed.failure_reason
    assert "Nouvel essai le" in failed.status_detail_fr
    assert service.due() == []
    clock.advance(timedelta(minutes=1))
    assert [r.id for r in service.due()] == [request.id]
    assert service.send_pending().sent == (request.id,)
    assert service.get(request.id).attempts == 2
    assert fake.state.appointments.count() == 1


def test_offline_then_back_online(world: dict[str, Any], people: PeopleService) -> None:
    clock: Clock = world["clock"]
    offline = RdvClient(
        "http://127.0.0.1:9/api", sleep=lambda _s: None, timeout=(0.5, 0.5),
        retry=RetryPolicy(attempts=1),
    )  # fmt: skip
    with AppointmentService(client=offline, people=people, clock=clock) as service:
        request = service.create_request(world["form"])
        failed = service.send(request.id)
        assert failed.will_retry
        assert "connexion" in failed.failure_reason
    clock.advance(timedelta(minutes=5))
    assert world["service"].send_pending().sent == (request.id,)


def test_backoff_grows_and_stops(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    fake: FakeUpstream = world["fake"]
    service: AppointmentService = world["service"]
    clock: Clock = world["clock"]
    monkeypatch.setattr(sender_module, "MAX_ATTEMPTS", 4)
    fake.faults.set(http_500=-1, routes=["rdv_validate"])
    request = service.create_request(world["form"])
    waits = []
    for _ in range(4):
        service.send_pending()
        current = service.get(request.id)
        if current.next_retry_at is None:
            break
        waits.append(current.next_retry_at - clock.now)
        clock.now = current.next_retry_at
    assert waits == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    final = service.get(request.id)
    assert final.status is RequestStatus.ECHEC and not final.will_retry
    assert "Abandon après 4 essais" in final.failure_reason
    assert retry_delay(30) == timedelta(hours=6)


def test_refused_by_upstream_shows_reason_and_never_retries(
    world: dict[str, Any], people: PeopleService
) -> None:
    fake: FakeUpstream = world["fake"]
    service: AppointmentService = world["service"]
    clock: Clock = world["clock"]
    # The same young person was entered twice: the upstream applies its 4-day rule by e-mail.
    twin = people.create_person(first_name="Léa", last_name="Dupré", phone=PHONE, email=EMAIL)
    assert service.send(service.create_request(world["form"]).id).status is RequestStatus.ENVOYEE
    second = service.create_request(replace(world["form"], person_id=twin.id))
    refused = service.send(second.id)
    assert refused.status is RequestStatus.ECHEC
    assert refused.next_retry_at is None
    assert refused.upstream_messages and "en date du" in refused.upstream_messages[0]
    assert "refusée par le service" in refused.failure_reason
    assert "Pas de nouvel essai" in refused.status_detail_fr
    calls = fake.calls("rdv_validate")
    clock.advance(timedelta(days=1))
    assert service.send_pending().attempted == 0
    with pytest.raises(InvalidInput):
        service.send(second.id)
    assert fake.calls("rdv_validate") == calls


def test_training_without_online_requests(world: dict[str, Any]) -> None:
    fake: FakeUpstream = world["fake"]
    service: AppointmentService = world["service"]
    cle = rdv_ineligible_keys(fake.state)[0]
    item = formation_item(fake, cle, details={})  # catalogue not synced: eligibility unknown
    form = replace(world["form"], training=TrainingInfo.from_item(item))
    request = service.create_request(form)
    assert request.status is RequestStatus.A_ENVOYER
    result = service.send(request.id)
    assert result.status is RequestStatus.ECHEC and not result.will_retry
    assert "e-mail au CFA" in result.failure_reason
    assert result.channel is Channel.EMAIL
    assert fake.calls("rdv_validate") == 0


def test_closed_training_stays_a_draft(world: dict[str, Any]) -> None:
    service: AppointmentService = world["service"]
    form = replace(world["form"], training=training("CLOSED#L01", rdv_eligible=False))
    request = service.create_request(form)
    assert request.status is RequestStatus.BROUILLON
    assert request.channel is Channel.EMAIL
    assert service.send_pending().attempted == 0
    transmitted = service.mark_transmitted(request.id)
    assert transmitted.status is RequestStatus.TRANSMISE_EMAIL
    assert transmitted.status_label_fr == "Transmise par e-mail"
    assert transmitted.transmitted_at == T0


def test_edit_after_refusal_gets_a_new_key(world: dict[str, Any]) -> None:
    service: AppointmentService = world["service"]
    fake: FakeUpstream = world["fake"]
    request = service.create_request(world["form"])
    # A request for the same e-mail and training already reached the upstream elsewhere.
    fast_client(fake).submit(request.upstream_payload(), idempotency_key="elsewhere")
    refused = service.send(request.id)
    assert refused.status is RequestStatus.ECHEC and refused.upstream_messages
    edited = service.update_request(
        request.id, replace(world["form"], message="Autre question", email="autre@exemple.fr")
    )
    assert edited.status is RequestStatus.BROUILLON
    assert edited.idempotency_key != request.idempotency_key
    assert service.send(edited.id).status is RequestStatus.ENVOYEE


def test_statuses_per_person_entry_and_view(world: dict[str, Any]) -> None:
    service: AppointmentService = world["service"]
    entry = world["entry"]
    assert service.for_entry(entry.id) is None
    request = service.create_request(world["form"])
    assert request.shortlist_entry_id == entry.id
    service.send_pending()
    latest = service.latest_by_entry(world["person_id"])
    assert list(latest) == [entry.id]
    assert latest[entry.id].status is RequestStatus.ENVOYEE
    assert service.for_entry(entry.id).id == request.id  # type: ignore[union-attr]
    assert [r.id for r in service.list_requests(person_id=world["person_id"])] == [request.id]
    assert service.list_requests(statuses=[RequestStatus.ECHEC]) == []
    assert service.counts()[RequestStatus.ENVOYEE] == 1


def test_erasing_the_person_removes_their_requests(
    world: dict[str, Any], user_backend: str
) -> None:
    service: AppointmentService = world["service"]
    people: PeopleService = world["people"]
    request = service.create_request(world["form"])
    service.send(request.id)
    exported = people.export_person_data(world["person_id"])
    assert exported["appointment_requests"][0]["email"] == EMAIL
    deleted = people.erase_person(world["person_id"])
    assert deleted["appointment_requests"] == 1
    assert service.list_requests() == []
    if user_backend == "sqlite":
        raw = sqlite3.connect(user_db_path())
        assert raw.execute("SELECT count(*) FROM appointment_requests").fetchone()[0] == 0
        raw.close()
        data = user_db_path().read_bytes()
        assert EMAIL.encode() not in data and b"N'Guessan" not in data
    else:
        with psycopg.connect(user_backend) as raw:
            assert raw.execute("SELECT count(*) FROM appointment_requests").fetchone() == (0,)
            assert raw.execute("SELECT count(*) FROM people").fetchone() == (0,)
        # Nothing about the person went to a local file either.
        assert not user_db_path().exists() or EMAIL.encode() not in user_db_path().read_bytes()


def test_no_personal_data_in_logs(world: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake: FakeUpstream = world["fake"]
    service: AppointmentService = world["service"]
    fake.faults.set(http_500=1, routes=["rdv_validate"])
    request = service.create_request(world["form"])
    service.send(request.id)
    world["clock"].advance(timedelta(minutes=2))
    service.send_pending()
    logged = caplog.text
    assert f"Demande RDV {request.id}" in logged
    for value in ("Léa", "Éloïse", "Guessan", "0612345678", "06 12", EMAIL, "lea.eloise"):
        assert value not in logged


# --- CLI ----------------------------------------------------------------------------------


def test_cli_new_list_send_export(
    fake_upstream: FakeUpstream,  # noqa: F811
    people: PeopleService,
    person_id: int,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    from lba_desktop.cli import main

    monkeypatch.setenv("LBA_API_URL", fake_upstream.api_url)
    cle = rdv_eligible_keys(fake_upstream.state)[1]
    people.add_to_shortlist(person_id, item=formation_item(fake_upstream, cle))
    args = ["rdv", "new", "--personne", str(person_id), "--formation", cle]
    assert main([*args, "--raisons", "modalite,autre", "--message", ""]) == 2
    assert "Autre" in capsys.readouterr().err
    assert main([*args, "--raisons", "modalite,autre", "--message", "Bonjour"]) == 0
    assert "n° 1 enregistrée" in capsys.readouterr().out

    assert main(["rdv", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["statut"] == "a_envoyer" and rows[0]["raisons"] == ["modalite", "autre"]

    assert main(["rdv", "send"]) == 2
    capsys.readouterr()
    assert main(["rdv", "send", "--all"]) == 0
    assert "1 envoyée(s)" in capsys.readouterr().out
    assert fake_upstream.state.appointments.count() == 1

    eml, pdf = tmp_path / "demande.eml", tmp_path / "copie.pdf"
    assert main(["rdv", "export", "1", "--eml", str(eml), "--pdf", str(pdf)]) == 0
    assert eml.read_bytes().startswith(b"To: ") and pdf.read_bytes().startswith(b"%PDF")
    assert main(["rdv", "list"]) == 0
    assert "Envoyée le" in capsys.readouterr().out
    assert main([*args, "--raisons", "place"]) == 2
    assert "déjà été faite le" in capsys.readouterr().err


def test_use_catalogue_switches_the_training_source(
    demo_home: Path, people: PeopleService, person_id: int
) -> None:
    from lba_desktop.local_catalogue import open_catalogue

    store = open_catalogue()
    try:
        item = next(i for i in store.iter_items() if i.kind is Kind.FORMATION)
        with AppointmentService(people=people) as service:
            with pytest.raises(InvalidInput):
                service.training_for(cle=item.id)
            service.use_catalogue(store)
            assert service.training_for(cle=item.id).title == item.title
    finally:
        store.close()
