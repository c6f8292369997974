"""A small synced catalogue around Aurillac, built by the real parsers from upstream-shaped
answers: trainings with RNCP codes, offers of France Travail, of LBA recruiters and of a partner
job board, a partenariat and a recruiting company, each with the fields a sync keeps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lba_desktop.data.catalogue import CatalogueWriter
from lba_desktop.data.parsers import parse_formations, parse_jobs_search

AURILLAC = {"lat": 44.9264, "lon": 2.4397, "insee": "15014", "zip": "15000", "city": "AURILLAC"}
SAINT_FLOUR = {
    "lat": 45.0339,
    "lon": 3.0931,
    "insee": "15187",
    "zip": "15100",
    "city": "SAINT-FLOUR",
}


def _training(key: str, title: str, rncp: str, romes: list[str], level: str, at: dict) -> dict:
    return {
        "ideaType": "formation",
        "id": key,
        "cleMinistereEducatif": key,
        "title": title,
        "longTitle": title,
        "diploma": title,
        "diplomaLevel": level,
        "cfd": "50022137",
        "rncpCode": rncp,
        "rncpLabel": title,
        "romes": [{"code": code} for code in romes],
        "place": {
            "latitude": at["lat"],
            "longitude": at["lon"],
            "city": at["city"],
            "zipCode": at["zip"],
            "insee": at["insee"],
            "fullAddress": f"2 RUE DES ECOLES {at['zip']} {at['city']}",
        },
        "company": {
            "name": "CFA des métiers du Cantal",
            "siret": "19150001600156",
            "uai": "0150001A",
            "headquarter": {"name": "Chambre de métiers du Cantal", "siret": "18150001800153"},
        },
        "contact": {"phone": "0471000000", "email": "cfa@exemple.invalid"},
        "training": {
            "description": "Deux ans en alternance.",
            "sessions": [{"startDate": "2026-09-07", "endDate": "2028-06-30"}],
        },
        "onisepUrl": "https://exemple.onisep.invalid/cap-boulanger",
    }


def _workplace(siret: str, name: str, size: str, at: dict, naf: tuple[str, str]) -> dict:
    return {
        "siret": siret,
        "brand": name,
        "legal_name": name.upper(),
        "website": f"https://{siret}.exemple.invalid",
        "name": name,
        "description": "Entreprise familiale.",
        "size": size,
        "location": {
            "address": f"8 PLACE DU MARCHE {at['zip']} {at['city']}",
            "geopoint": {"type": "Point", "coordinates": [at["lon"], at["lat"]]},
        },
        "domain": {
            "idcc": 843,
            "opco": "Opco entreprises de proximité",
            "naf": {"code": naf[0], "label": naf[1]},
        },
    }


BAKERY_NAF = ("10.71C", "Boulangerie et boulangerie-pâtisserie")


def _job(
    job_id: str, partner: str, title: str, romes: list[str], *, delegated: bool = False
) -> dict[str, Any]:
    return {
        "identifier": {"id": job_id, "partner_label": partner, "partner_job_id": job_id},
        "workplace": _workplace(
            "44455566800219", "Boulangerie Lunelle", "10-19", AURILLAC, BAKERY_NAF
        ),
        "apply": {
            "url": f"https://apply.exemple.invalid/{job_id}",
            "phone": "0471111111",
            "recipient_id": f"jobs_{job_id}",
        },
        "contract": {
            "start": "2026-09-01T00:00:00.000Z",
            "duration": 24,
            "type": ["Apprentissage", "Professionnalisation"],
            "remote": "onsite",
        },
        "offer": {
            "title": title,
            "rome_codes": romes,
            "description": "Fournil artisanal.",
            "target_diploma": {"european": "3", "label": "Cap, autres formations (Infrabac)"},
            "desired_skills": ["Goût du travail en équipe"],
            "to_be_acquired_skills": ["Pétrissage", "Façonnage"],
            "access_conditions": ["Être âgé de 16 ans"],
            "publication": {
                "creation": "2026-10-01T08:00:00.000Z",
                "expiration": "2050-01-01T00:00:00.000Z",
            },
            "opening_count": 2,
            "status": "Active",
        },
        "is_delegated": delegated,
    }


def payloads() -> tuple[dict[str, Any], dict[str, Any]]:
    """The formations answer and the V3 jobs answer the catalogue is built from."""
    formations = {
        "results": [
            _training(
                "KEY-CAP-BOUL", "CAP Boulanger", "RNCP35316", ["D1102"], "3 (CAP...)", AURILLAC
            ),
            _training(
                "KEY-BP-BOUL",
                "BP Boulanger",
                "RNCP35316",
                ["D1102", "D1104"],
                "4 (BAC...)",
                AURILLAC,
            ),
            _training(
                "KEY-CAP-PAT", "CAP Pâtissier", "RNCP35317", ["D1104"], "3 (CAP...)", SAINT_FLOUR
            ),
        ]
    }
    jobs = {
        "jobs": [
            _job("hw-0001", "Hellowork", "Apprenti boulanger H/F", ["D1102"]),
            _job("FT-204XYZ", "France Travail", "Boulanger en apprentissage", ["D1102"]),
            _job("6650aa000000000000000001", "offres_emploi_lba", "Apprenti pâtissier", ["D1104"]),
            _job(
                "6650aa000000000000000002",
                "offres_emploi_lba",
                "Apprenti boulanger (CFA)",
                ["D1102"],
                delegated=True,
            ),
        ],
        "recruiters": [
            {
                "identifier": {"id": "6650bb000000000000000001"},
                "workplace": _workplace(
                    "55566677500013", "Fournil du Cantal", "6-9", AURILLAC, BAKERY_NAF
                ),
                "apply": {
                    "url": "https://apply.exemple.invalid/company/55566677500013",
                    "phone": "0471222222",
                    "recipient_id": "recruteurslba_55566677500013",
                },
                "rome_codes": ["D1102"],
            }
        ],
        "warnings": [],
    }
    return formations, jobs


def build_partner_catalogue(path: Path) -> Path:
    formations, jobs = payloads()
    writer = CatalogueWriter(path)
    writer.add_items(parse_formations(formations).items)
    writer.add_items(parse_jobs_search(jobs).items)
    writer.set_meta({"origin": "sync", "label_fr": "Synchronisé", "built_at": "2026-11-30"})
    writer.finish()
    return path
