"""The components of our OpenAPI document: every item kind exactly as this server writes it."""

from __future__ import annotations

from typing import Any

from lba_desktop.models import DIPLOMA_LEVELS
from lba_desktop.partner_api.v1_light import LIGHT

S = "string"
N = "number"
B = "boolean"
ISO_INSTANT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"


def t(*types: str) -> dict[str, Any]:
    """A nullable scalar: upstream sends `null` for what it does not know."""
    return {"type": [*types, "null"]}


def ref(name: str, *, nullable: bool = False) -> dict[str, Any]:
    found = {"$ref": f"#/components/schemas/{name}"}
    return {"anyOf": [found, {"type": "null"}]} if nullable else found


def obj(
    props: dict[str, Any], *, description: str = "", optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    # Every key is present (null when the local catalogue does not hold it), except the
    # `optional` ones, which upstream leaves out rather than send null.
    schema: dict[str, Any] = {
        "type": "object",
        "properties": props,
        "required": [k for k in props if k not in optional],
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def results(item: str) -> dict[str, Any]:
    return obj({"results": {"type": "array", "items": ref(item)}})


def _strings() -> dict[str, Any]:
    return {"type": "array", "items": {"type": S}}


def _place() -> dict[str, Any]:
    return {
        "distance": {**t(N), "description": "Distance au centre de recherche, en km."},
        "fullAddress": t(S),
        "latitude": {**t(N), "minimum": -90, "maximum": 90},
        "longitude": {**t(N), "minimum": -180, "maximum": 180},
        "city": t(S),
        "address": t(S),
        "numberAndStreet": t(S),
        "cedex": t(S),
        "zipCode": t(S),
        "insee": t(S),
        "departementNumber": t(S),
        "region": t(S),
        "remoteOnly": t(B),
    }


def _company() -> dict[str, Any]:
    return {
        "name": t(S),
        "siret": {**t(S), "pattern": r"^\d{14}$"},
        "size": {**t(S), "pattern": r"^\d+(-\d+|\+)$", "examples": ["10-19"]},
        "logo": t(S),
        "description": t(S),
        "socialNetwork": t(S),
        "url": t(S),
        "id": t(S),
        "uai": t(S),
        "creationDate": t(S),
        "mandataire": {
            **t(B),
            "description": "Vrai pour un partenariat : offre déposée par un CFA pour l'entreprise.",
        },
        "elligibleHandicap": t(B),
        "opco": {"anyOf": [obj({"label": t(S), "url": t(S)}), {"type": "null"}]},
        "headquarter": ref("Headquarter", nullable=True),
        "place": obj({"distance": {"type": "null"}, "city": t(S)}),
    }


def _job() -> dict[str, Any]:
    instant = {**t(S), "pattern": ISO_INSTANT}
    return {
        "id": t(S),
        "creationDate": instant,
        "description": t(S),
        "employeurDescription": t(S),
        "contractType": t(S),
        "contractDescription": t(S),
        "duration": t(S),
        "dureeContrat": t(S),
        "jobStartDate": instant,
        "jobExpirationDate": instant,
        "quantiteContrat": t(N),
        "elligibleHandicap": t(B),
        "rythmeAlternance": t(S),
        "contract_rythm": t(S),
        "romeDetails": {"type": "null"},
        "status": {**t(S), "enum": ["Active", "Pourvue", "Annulée", "En attente", None]},
        "type": {
            "type": ["array", "null"],
            "items": {"enum": ["Apprentissage", "Professionnalisation"]},
        },
        "partner_label": t(S),
        "origin": t(S),
        "offer_desired_skills": _strings(),
        "offer_to_be_acquired_skills": _strings(),
        "offer_to_be_acquired_knowledge": _strings(),
        "offer_access_conditions": _strings(),
        "isCfaEntreprise": t(B),
    }


def _items() -> dict[str, Any]:
    romes = {"type": "array", "items": ref("Rome")}
    nafs = {"type": ["array", "null"], "items": ref("Naf")}
    level = {**t(S), "enum": [*DIPLOMA_LEVELS.values(), None]}
    common = {
        "id": {"type": S},
        "title": t(S),
        "place": ref("Place"),
        "company": ref("Company"),
        "contact": ref("Contact"),
    }
    application = {
        "applicationCount": {"type": N},
        "token": {"type": S, "description": "Vide : candidater passe par La Bonne Alternance."},
        "recipient_id": {"type": S},
    }
    return {
        "Formation": obj(
            {
                "ideaType": {"const": "formation"},
                **common,
                "longTitle": t(S),
                "diploma": t(S),
                "diplomaLevel": level,
                "target_diploma_level": level,
                "cfd": t(S),
                "rncpCode": {**t(S), "pattern": "^RNCP[0-9]{2,5}$"},
                "rncpLabel": t(S),
                "rncpEligibleApprentissage": t(B),
                "period": t(S),
                "capacity": t(S),
                "onisepUrl": t(S),
                "cleMinistereEducatif": t(S),
                "idRco": t(S),
                "idRcoFormation": t(S),
                "detailsLoaded": t(B),
                "romes": romes,
                "training": ref("Training"),
                "rdvContext": {"type": "null"},
            },
            description="Une formation en apprentissage.",
        ),
        "PeJob": obj(
            {
                "ideaType": {"const": "peJob"},
                **common,
                "url": t(S),
                "detailsLoaded": t(B),
                "job": ref("Job"),
                "romes": romes,
                "nafs": nafs,
            },
            description="Une offre d'emploi de France Travail.",
        ),
        "LbaJob": obj(
            {
                "ideaType": {"const": "matcha"},
                **common,
                **application,
                "diplomaLevel": level,
                "target_diploma_level": t(S),
                "detailsLoaded": t(B),
                "job": ref("Job"),
                "romes": romes,
                "nafs": nafs,
            },
            description="Une offre déposée sur La Bonne Alternance (par l'entreprise, ou par "
            "un CFA pour elle : `company.mandataire`).",
        ),
        "PartnerJob": obj(
            {
                "ideaType": {"const": "partnerJob"},
                **common,
                **application,
                "target_diploma_level": t(S),
                "job": ref("Job"),
                "romes": romes,
                "nafs": nafs,
            },
            description="Une offre d'un site d'emploi partenaire (`job.partner_label`).",
        ),
        "LbaCompany": obj(
            {
                "ideaType": {"const": "lba"},
                **common,
                "url": t(S),
                "applicationCount": {"type": N},
                "token": {"type": "null"},
                "recipient_id": {"type": S},
                "status": {"const": "Active"},
                "detailsLoaded": t(B),
                "nafs": nafs,
            },
            description="Une entreprise susceptible de recruter (candidature spontanée).",
        ),
    }


# The full item schema each group's light item is cut from.
_FULL_OF_GROUP = {
    "formations": "Formation",
    "peJobs": "PeJob",
    "partnerJobs": "PartnerJob",
    "matchas": "LbaJob",
    "lbaCompanies": "LbaCompany",
}


def _light_items(items: dict[str, Any], nested: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """`FormationMin`, `PeJobMin`…: the schemas of the `min` routes' items, cut from the
    full ones by the same table the server cuts its items with."""

    def cut(props: dict[str, Any], keep: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, inner in keep.items():
            if inner is None:
                out[key] = props[key]
            elif isinstance(inner, list):
                out[key] = {"type": ["array", "null"], "items": obj(cut(nested[key], inner[0]))}
            else:
                out[key] = obj(cut(nested[key], inner))
        return out

    return {
        f"{full}Min": obj(
            cut(items[full]["properties"], LIGHT[group]),
            description=f"{items[full]['description']} Version allégée des routes `min`.",
        )
        for group, full in _FULL_OF_GROUP.items()
    }


def _responses() -> dict[str, Any]:
    jobs = {
        "peJobs": {"anyOf": [results("PeJob"), {"type": "null"}]},
        "partnerJobs": {"anyOf": [results("PartnerJob"), {"type": "null"}]},
        "matchas": {"anyOf": [results("LbaJob"), {"type": "null"}]},
        "lbaCompanies": {"anyOf": [results("LbaCompany"), {"type": "null"}]},
        "lbbCompanies": {"type": "null"},
    }
    one = {"type": "array", "minItems": 1, "maxItems": 1}
    jobs_min = {
        "peJobs": {"anyOf": [results("PeJobMin"), {"type": "null"}]},
        "partnerJobs": {"anyOf": [results("PartnerJobMin"), {"type": "null"}]},
        "matchas": {"anyOf": [results("LbaJobMin"), {"type": "null"}]},
        "lbaCompanies": {"anyOf": [results("LbaCompanyMin"), {"type": "null"}]},
        "lbbCompanies": {"type": "null"},
    }
    return {
        "FormationsResponse": results("Formation"),
        "FormationsMinResponse": results("FormationMin"),
        "JobsResponse": obj(jobs),
        "JobsMinResponse": obj(jobs_min),
        "JobsEtFormationsResponse": obj(
            {
                "formations": {"anyOf": [ref("FormationsResponse"), {"type": "null"}]},
                "jobs": {"anyOf": [ref("JobsResponse"), {"type": "null"}]},
            }
        ),
        "PeJobResponse": obj({"peJobs": {**one, "items": ref("PeJob")}}),
        "LbaJobResponse": obj({"matchas": {**one, "items": ref("LbaJob")}}),
        "PartnerJobResponse": obj({"partnerJobs": {**one, "items": ref("PartnerJob")}}),
        "LbaCompanyResponse": obj({"lbaCompanies": {**one, "items": ref("LbaCompany")}}),
        "MetiersResponse": obj(
            {
                "labelsAndRomes": {
                    "type": "array",
                    "items": obj(
                        {
                            "label": {"type": S},
                            "romes": _strings(),
                            "rncps": {"type": "null"},
                            "type": t(S),
                            "romeTitles": {
                                "type": "array",
                                "items": obj({"codeRome": {"type": S}, "intitule": {"type": S}}),
                            },
                        }
                    ),
                }
            }
        ),
        "MetiersAllResponse": obj({"metiers": _strings()}),
        "V3JobsResponse": obj(
            {
                "jobs": {"type": "array", "items": {"type": "object"}},
                "recruiters": {"type": "array", "items": {"type": "object"}},
                "warnings": {
                    "type": "array",
                    "items": obj({"code": {"type": S}, "message": {"type": S}}),
                },
            },
            description="Les offres (`jobs`) et les entreprises (`recruiters`) au format 2026 "
            "de La Bonne Alternance (`identifier`, `workplace`, `apply`, `contract`, `offer`).",
        ),
        "AppellationsResponse": obj(
            {
                "coupleAppellationRomeMetier": {
                    "type": "array",
                    "maxItems": 30,
                    "items": obj(
                        {
                            "codeRome": {"type": S},
                            "intitule": {"type": S},
                            "appellation": {"type": S},
                        }
                    ),
                }
            }
        ),
    }


def _errors() -> dict[str, Any]:
    return {
        "Error": obj(
            {"error": {"type": S}, "error_messages": _strings()},
            description="Erreur : `wrong_parameters` (400), `not_found` (404), `unauthorized` "
            "(401), `too_many_requests` (429).",
        ),
        "SchemaError": obj(
            {
                "statusCode": {"const": 400},
                "error": {"const": "Bad Request"},
                "message": {"type": S, "examples": ["querystring.radius: Expected number…"]},
                "data": {"type": "object"},
            },
            description="Un paramètre du mauvais type (nombre, valeur d'une liste), refusé "
            "avant les règles de l'API, comme le fait La Bonne Alternance.",
        ),
        "NotFound": {
            "type": "object",
            "properties": {
                "error": {"type": S},
                "statusCode": {"const": 404},
                "message": {"type": S},
            },
            "description": "Rien sous cet identifiant (corps propre à chaque route, "
            "comme La Bonne Alternance).",
        },
    }


def schemas() -> dict[str, Any]:
    contact = {
        "email": t(S),
        "phone": t(S),
        "name": t(S),
        "iv": t(S),
        "info": {"type": S},
        "url": {"type": S},
        "hasEmail": {"type": B},
    }
    headquarter = {
        "id": t(S),
        "uai": t(S),
        "siret": {**t(S), "pattern": r"^\d{14}$"},
        "type": t(S),
        "hasConvention": t(S),
        "place": {"type": "null"},
        "name": t(S),
    }
    items = _items()
    nested = {
        "place": _place(),
        "company": _company(),
        "headquarter": headquarter,
        "job": _job(),
        "contact": contact,
        "nafs": {"code": {"type": S}, "label": t(S)},
    }
    return {
        "Place": obj(_place(), description="Le lieu (formation, entreprise ou offre)."),
        "Company": obj(_company()),
        "Headquarter": obj(headquarter, description="L'organisme gestionnaire d'une formation."),
        "Contact": obj(contact, optional=("info", "url")),
        "Rome": obj({"code": {"type": S, "pattern": "^[A-Z][0-9]{4}$"}, "label": t(S)}),
        "Naf": obj({"code": {"type": S, "pattern": "^[0-9]{4}[A-Z]$"}, "label": t(S)}),
        "Session": obj(
            {
                "startDate": {**t(S), "pattern": ISO_INSTANT},
                "endDate": {**t(S), "pattern": ISO_INSTANT},
                "isPermanentEntry": {"type": B},
            }
        ),
        "Training": obj(
            {
                "description": t(S),
                "objectif": t(S),
                "duration": {**t(N), "description": "Durée en jours."},
                "sessions": {"type": "array", "items": ref("Session")},
            }
        ),
        "Job": obj(_job()),
        **items,
        **_light_items(items, nested),
        **_responses(),
        **_errors(),
        "MetierSuggestion": obj({"label": {"type": S}, "code": {"type": S}, "romes": _strings()}),
        "PlaceSuggestion": obj(
            {
                "label": {"type": S},
                "kind": {"type": S},
                "insee": {"type": S},
                "zipcode": {"type": S},
                "lat": {"type": N},
                "lon": {"type": N},
            }
        ),
    }
