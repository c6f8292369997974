"""The fake's API Apprentissage trainings search (`GET /api/formation/v1/search`): the same
invented trainings as V1, in API Apprentissage's `Formation` model, paginated as upstream."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from lba_desktop.data import upstream_validation as uv
from tests.fake_upstream.data import REGION_OF, distance_km

if TYPE_CHECKING:
    from tests.fake_upstream.handler import Answer
    from tests.fake_upstream.server import FakeUpstream

DEFAULT_PAGE_SIZE = 100  # upstream's default when page_size is not given
DEFAULT_RADIUS_KM = 30


def _organisme(name: str, siret: str, uai: str | None, *, qualiopi: bool) -> dict[str, Any]:
    return {
        "identifiant": {"uai": uai, "siret": siret},
        "etablissement": {
            "siret": siret,
            "ouvert": True,
            "enseigne": name,
            "adresse": None,
            "geopoint": None,
            "creation": "2012-09-01T00:00:00.000+02:00",
            "fermeture": None,
        },
        "unite_legale": {
            "siren": siret[:9],
            "actif": True,
            "raison_sociale": name.upper(),
            "creation": "2012-09-01T00:00:00.000+02:00",
            "cessation": None,
        },
        "renseignements_specifiques": {"qualiopi": qualiopi, "numero_activite": None},
        "statut": {"referentiel": "présent"},
        "contacts": [],
    }


def to_api(record: dict[str, Any]) -> dict[str, Any]:
    """One V1 record of the fake as API Apprentissage publishes the same training."""
    place, company, training = record["place"], record["company"], record["training"]
    level = record["target_diploma_level"][0]
    n = int(record["id"], 16)
    sigle = {"3": "CAP", "4": "BAC PRO", "5": "BTS", "6": "LP", "7": "MASTER"}[level]
    sessions = [
        {
            "debut": (s.get("startDate") or "2026-09-01")[:10] + "T00:00:00.000+02:00",
            "fin": "2028-08-31T00:00:00.000+02:00",
            "capacite": int(record["capacity"]) if record.get("capacity") else None,
        }
        for s in training.get("sessions") or []
    ]
    return {
        "identifiant": {"cle_ministere_educatif": record["cleMinistereEducatif"]},
        # Every 40th training was withdrawn from the catalogue since: the search leaves it out.
        "statut": {"catalogue": "archivé" if n % 40 == 13 else "publié"},
        "formateur": {
            "organisme": _organisme(
                company["name"], company["siret"], company["uai"], qualiopi=n % 9 != 4
            ),
            "connu": True,
        },
        "responsable": {
            "organisme": _organisme(
                company["headquarter"]["name"],
                company["headquarter"]["siret"],
                None,
                qualiopi=True,
            ),
            "connu": True,
        },
        "certification": {
            "valeur": {
                "identifiant": {
                    "cfd": record["cfd"][:8],
                    "rncp": record["rncpCode"],
                    "rncp_anterieur_2019": False,
                },
                "intitule": {
                    "cfd": {"long": record["longTitle"], "court": record["rncpLabel"].upper()},
                    "niveau": {
                        "cfd": {
                            "europeen": level,
                            "formation_diplome": "500",
                            "interministeriel": "5",
                            "libelle": record["diploma"],
                            "sigle": sigle,
                        },
                        "rncp": {"europeen": level},
                    },
                    "rncp": record["rncpLabel"],
                },
                "domaines": {
                    "rome": {
                        "rncp": [
                            {"code": r["code"], "intitule": r["label"]} for r in record["romes"]
                        ]
                    }
                },
                "periode_validite": {
                    "debut": "2021-09-01",
                    "fin": "2030-08-31",
                    "cfd": None,
                    "rncp": {
                        "actif": n % 25 != 3,
                        "activation": "2021-09-01",
                        "debut_parcours": "2021-09-01",
                        "fin_enregistrement": "2030-08-31",
                    },
                },
            },
            "connue": True,
        },
        "lieu": {
            "adresse": {
                "label": place["address"],
                "code_postal": place["zipCode"],
                "commune": {"nom": place["city"], "code_insee": place["insee"]},
                "departement": {"nom": "", "code_insee": place["departementNumber"]},
                "region": {"code_insee": REGION_OF[place["departementNumber"]], "nom": ""},
                "academie": {"id": "A00", "code": "00", "nom": ""},
            },
            "geolocalisation": {
                "type": "Point",
                "coordinates": [place["longitude"], place["latitude"]],
            },
            "precision": 15,
            "siret": company["siret"],
            "uai": company["uai"],
        },
        # API Apprentissage publishes the CFA's address (V1 no longer does), on most trainings.
        "contact": {
            "email": record["contact"]["email"] if n % 6 else None,
            "telephone": record["contact"]["phone"],
        },
        "onisep": {
            "url": record["onisepUrl"],
            "intitule": record["longTitle"],
            "libelle_poursuite": None,
            "lien_site_onisepfr": None,
            "discipline": None,
            "domaine_sousdomaine": None,
        },
        "modalite": {
            "entierement_a_distance": n % 17 == 5,
            "duree_indicative": 2,
            "annee_cycle": 1,
            "mef_10": None,
        },
        "contenu_educatif": {
            "contenu": training.get("description") or "",
            "objectif": training.get("objectif") or "",
        },
        "sessions": sessions,
    }


def _bad_request(errors: list[str]) -> Answer:
    from tests.fake_upstream.handler import Answer

    return Answer(400, uv.zod_error_body(errors))


def formation_search(server: FakeUpstream, params: dict[str, str], _m: re.Match[str]) -> Answer:
    from tests.fake_upstream.handler import Answer

    errors = uv.validate_formation_search(params)
    if errors:
        return _bad_request(errors)
    size = int(float(params.get("page_size") or DEFAULT_PAGE_SIZE))
    index = int(float(params.get("page_index") or 0))
    romes = {c for c in (params.get("romes") or "").split(",") if c}
    with server.state.lock:
        records = [
            f
            for f in server.state.formations
            if f["place"]["latitude"] is not None  # upstream: every training has a position
            and (not romes or romes & {r["code"] for r in f["romes"]})
            and (not params.get("rncp") or f["rncpCode"] == params["rncp"])
        ]
    found = [to_api(r) for r in records]
    found = [f for f in found if f["statut"]["catalogue"] == "publié"]
    if params.get("latitude"):
        lat, lon = float(params["latitude"]), float(params["longitude"])
        radius = float(params.get("radius") or DEFAULT_RADIUS_KM)

        def away(f: dict[str, Any]) -> float:
            x, y = f["lieu"]["geolocalisation"]["coordinates"]
            return distance_km(lat, lon, y, x)

        found = sorted((f for f in found if away(f) <= radius), key=away)
    page = found[index * size : (index + 1) * size]
    return Answer(
        200,
        {
            "data": page,
            "pagination": {
                "page_count": math.ceil(len(found) / size),
                "page_size": size,
                "page_index": index,
            },
        },
    )
