"""Offline hand-over: the .eml parses with the standard library, the PDF copy carries the text."""

from __future__ import annotations

import email
import email.policy
import io
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lba_desktop.appointment_email import build_email, email_body, render_pdf, write_eml
from lba_desktop.appointments import (
    AppointmentForm,
    AppointmentRequest,
    AppointmentService,
    RequestStatus,
    TrainingInfo,
)
from lba_desktop.errors import InvalidInput
from lba_desktop.people import PeopleService

TITLE = "BTS Négociation et digitalisation de la relation client"
CFA_EMAIL = "accueil@cfa-ete.exemple.fr"


@pytest.fixture
def service() -> Iterator[AppointmentService]:
    with PeopleService() as people:
        people.create_person(first_name="Zoé", last_name="Lefèvre-Ançay")
        with AppointmentService(
            people=people, clock=lambda: datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
        ) as appointments:
            yield appointments


def make_request(service: AppointmentService, **training_changes: object) -> AppointmentRequest:
    training = TrainingInfo(
        cle_ministere_educatif="2026_000123_15_D1102#L01",
        title=TITLE,
        cfa_name="CFA des Métiers de l'Été",
        cfa_email=CFA_EMAIL,
        cfa_phone="0471000000",
        address="12 rue des Érables 15000 Aurillac",
        rdv_eligible=False,
    )
    form = AppointmentForm(
        person_id=1,
        training=replace(training, **training_changes),  # type: ignore[arg-type]
        first_name="Zoé",
        last_name="Lefèvre-Ançay",
        phone="+33 6 12 34 56 78",
        email="zoe.lefevre@exemple.fr",
        applicant_type="parent",
        reasons=("frais", "debouche", "autre"),
        message="Ma fille cherche une entreprise près d'Aurillac.\nÊtes-vous ouverts en août ?",
    )
    return service.create_request(form)


def parse(data: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def test_eml_parses_with_recipient_subject_and_accents(
    service: AppointmentService, tmp_path: Path
) -> None:
    request = make_request(service)
    assert request.status is RequestStatus.BROUILLON  # no online requests: e-mail hand-over
    path = service.prepare_email(request.id, tmp_path / "rdv" / "demande.eml")
    message = parse(path.read_bytes())
    assert message["To"] == CFA_EMAIL
    assert message["From"] is None  # the mail client fills in the counsellor's address
    assert message["Subject"] == f"Demande de rendez-vous – {TITLE}"
    assert message["Reply-To"].addresses[0].addr_spec == "zoe.lefevre@exemple.fr"
    assert message["X-Unsent"] == "1"
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    for text in (
        "Zoé Lefèvre-Ançay",
        "06 12 34 56 78",
        "zoe.lefevre@exemple.fr",
        "un parent",
        "Frais d'inscription",
        "Situation des élèves en sortie de formation",
        "Autre",
        "Êtes-vous ouverts en août ?",
        TITLE,
        "CFA des Métiers de l'Été",
        "2026_000123_15_D1102#L01",
    ):
        assert text in body, text
    assert body == email_body(request)
    # Writing the file does not change the status: the counsellor still has to send it.
    assert service.get(request.id).status is RequestStatus.BROUILLON
    assert service.mark_transmitted(request.id).status is RequestStatus.TRANSMISE_EMAIL


def test_sender_of_the_structure(service: AppointmentService, tmp_path: Path) -> None:
    request = make_request(service)
    message = parse(build_email(request, sender="Mission Locale <ml@exemple.fr>").as_bytes())
    assert message["From"].addresses[0].addr_spec == "ml@exemple.fr"
    path = write_eml(request, tmp_path / "out" / "a.eml", sender="ml@exemple.fr")
    assert parse(path.read_bytes())["From"] == "ml@exemple.fr"
    assert [p.name for p in path.parent.iterdir()] == ["a.eml"]  # no temporary file left


def test_no_cfa_email_points_to_the_phone(service: AppointmentService, tmp_path: Path) -> None:
    request = make_request(service, cfa_email="")
    with pytest.raises(InvalidInput) as caught:
        service.prepare_email(request.id, tmp_path / "x.eml")
    assert "0471000000" in caught.value.hint


def test_pdf_copy_for_the_young_person(service: AppointmentService, tmp_path: Path) -> None:
    from pypdf import PdfReader

    request = make_request(service)
    data = render_pdf(request, structure="Mission Locale du Cantal")
    assert data.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    for expected in ("Zoé Lefèvre-Ançay", "Frais d'inscription", "Mission Locale du Cantal",
                     "Êtes-vous ouverts en août", "12/03/2026"):  # fmt: skip
        assert expected in text, expected
    eml, pdf = tmp_path / "d.eml", tmp_path / "d.pdf"
    service.prepare_email(request.id, eml, pdf_path=pdf)
    assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "address", ["accueil@cfa.fr\nBcc: tous@exemple.fr", "a@cfa.fr, b@autre.fr", "javascript:x"]
)
def test_a_hostile_cfa_address_prepares_no_email(service, tmp_path: Path, address) -> None:
    from lba_desktop.models import Item, Kind

    # From the catalogue, such an address is no way to write to the CFA...
    training = TrainingInfo.from_item(Item(Kind.FORMATION, "F1", TITLE, email=address))
    assert training.cfa_email == ""
    # ...and an outbox request holding one (an older version stored it) writes no e-mail.
    request = make_request(service, cfa_email=address)
    with pytest.raises(InvalidInput, match="adresse e-mail du CFA"):
        write_eml(request, tmp_path / "rdv.eml")
    assert not (tmp_path / "rdv.eml").exists()


def test_controls_in_a_title_reach_neither_headers_nor_body(service) -> None:
    request = make_request(service, title="BTS\r\nBcc: tous@exemple.fr\x1b[31m", address="\x00x")
    message = build_email(request)
    assert message["Bcc"] is None
    assert "\x1b" not in message["Subject"] and "\x00" not in message.get_content()
