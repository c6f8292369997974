"""The details of what a 2026 sync brings: partner fields, « formation incluse », the
handicap-engaged employer, a training's texts and a CFA whose e-mail is not published."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from lba_desktop.data import parsers
from lba_desktop.models import Hit, Kind
from lba_desktop.ui.details import DetailsPanel

PARTNER_OFFER = {
    "identifier": {"id": "6650f", "partner_label": "Hellowork", "partner_job_id": "HW-1"},
    "workplace": {
        "siret": "12345678900012",
        "name": "Boulangerie des Tilleuls",
        "location": {
            "address": "3 rue du Four 15000 Aurillac",
            "geopoint": {"type": "Point", "coordinates": [2.44, 44.93]},
        },
    },
    "apply": {"url": "https://exemple.fr/postuler", "phone": None, "recipient_id": None},
    "contract": {"start": "2027-09-01", "duration": 24, "type": ["Apprentissage"],
                 "remote": "hybrid"},
    "offer": {
        "title": "Apprenti boulanger",
        "rome_codes": ["D1102"],
        "description": "Fabrication du pain et des viennoiseries.",
        "desired_skills": ["Ponctualité", "Travail en équipe"],
        "to_be_acquired_skills": ["Pétrissage"],
        "access_conditions": ["Permis B souhaité"],
        "publication": {"creation": "2026-11-02", "expiration": "2099-01-15T00:00:00.000Z"},
        "opening_count": 1,
        "status": "Active",
    },
    "is_delegated": True,
}  # fmt: skip
TRAINING = {
    "cleMinistereEducatif": "089_123#L01",
    "title": "CAP Boulanger",
    "company": {"name": "CFA du Massif"},
    "contact": {"phone": "0471000000", "hasEmail": False},
    "training": {"description": "Deux ans en alternance.", "objectif": "Devenir boulanger."},
}


def texts(panel: DetailsPanel) -> str:
    return "\n".join(label.text() for label in panel.widget().findChildren(QLabel))


def test_a_partner_offer_shows_what_the_upstream_published(qtbot: Any) -> None:
    panel = DetailsPanel()
    qtbot.addWidget(panel)
    payload = {"jobs": [PARTNER_OFFER], "recruiters": [], "warnings": []}
    (offer,) = parsers.parse_jobs_search(payload).items
    assert offer.kind is Kind.PARTENARIAT
    from dataclasses import replace

    panel.show_hit(Hit(replace(offer, handi_friendly=True), 2.0))
    shown = texts(panel)
    for words in ("Employeur handi-engagé", "Formation incluse", "embauche et formation",
                  "Hybride", "Ponctualité", "Pétrissage", "Permis B souhaité", "Expire le",
                  "2099", "Hellowork"):  # fmt: skip
        assert words in shown, words


def test_a_training_has_its_texts_and_no_invented_cfa_email(qtbot: Any) -> None:
    panel = DetailsPanel()
    qtbot.addWidget(panel)
    (training,) = parsers.parse_formations({"results": [TRAINING]}).items
    panel.show_hit(Hit(training, 4.0))
    shown = texts(panel)
    assert "Deux ans en alternance." in shown and "Devenir boulanger." in shown
    assert "Non publié : demande de rendez-vous en ligne ou téléphone" in shown
    assert "mailto:" not in shown
