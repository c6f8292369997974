"""Our own OpenAPI 3.1 document: what this local server answers, route by route."""

from __future__ import annotations

from typing import Any

from lba_desktop import __version__
from lba_desktop.models import DIPLOMA_LEVELS

S = "string"
N = "number"
B = "boolean"


def _t(*types: str) -> dict[str, Any]:
    """A nullable scalar: upstream sends `null` for what it does not know."""
    return {"type": [*types, "null"]}


def _ref(name: str, *, nullable: bool = False) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{name}"}
    return {"anyOf": [ref, {"type": "null"}]} if nullable else ref


def _obj(
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


def _results(item: str) -> dict[str, Any]:
    return _obj({"results": {"type": "array", "items": _ref(item)}})


def _schemas() -> dict[str, Any]:
    place = {
        "distance": {**_t(N), "description": "Distance au centre de recherche, en km."},
        "fullAddress": _t(S),
        "latitude": _t(N),
        "longitude": _t(N),
        "city": _t(S),
        "address": _t(S),
        "cedex": _t(S),
        "zipCode": _t(S),
        "insee": _t(S),
        "departementNumber": _t(S),
        "region": _t(S),
        "remoteOnly": _t(B),
    }
    company = {
        "name": _t(S),
        "siret": _t(S),
        "size": _t(S),
        "logo": _t(S),
        "description": _t(S),
        "socialNetwork": _t(S),
        "url": _t(S),
        "id": _t(S),
        "uai": _t(S),
        "creationDate": _t(S),
        "mandataire": {
            **_t(B),
            "description": "Vrai pour un partenariat : offre déposée par un CFA pour l'entreprise.",
        },
        "opco": {
            "anyOf": [_obj({"label": _t(S), "url": _t(S)}), {"type": "null"}],
        },
        "headquarter": {"type": "null"},
        "place": _obj({"city": _t(S)}),
    }
    contact = {"email": _t(S), "phone": _t(S), "name": _t(S), "iv": _t(S), "info": {"type": S}}
    job = {
        "id": _t(S),
        "creationDate": _t(S),
        "description": _t(S),
        "employeurDescription": _t(S),
        "contractType": _t(S),
        "contractDescription": _t(S),
        "duration": _t(S),
        "dureeContrat": _t(S),
        "jobStartDate": _t(S),
        "quantiteContrat": _t(N),
        "elligibleHandicap": _t(B),
        "rythmeAlternance": _t(S),
        "romeDetails": {"type": "null"},
        "status": _t(S),
        "type": {"type": ["array", "null"], "items": {"type": S}},
    }
    romes = {"type": "array", "items": _ref("Rome")}
    nafs = {"type": ["array", "null"], "items": _ref("Naf")}
    common = {
        "id": {"type": S},
        "title": _t(S),
        "detailsLoaded": _t(B),
        "place": _ref("Place"),
        "company": _ref("Company"),
        "contact": _ref("Contact"),
    }
    diploma_level = {**_t(S), "enum": [*DIPLOMA_LEVELS.values(), None]}
    error = _obj(
        {"error": {"type": S}, "error_messages": {"type": "array", "items": {"type": S}}},
        description="Erreur : `wrong_parameters` (400), `not_found` (404), `unauthorized` "
        "(401), `too_many_requests` (429).",
    )
    return {
        "Place": _obj(place, description="Le lieu (formation, entreprise ou offre)."),
        "Company": _obj(company),
        "Contact": _obj(contact, optional=("info",)),
        "Rome": _obj({"code": {"type": S}, "label": _t(S)}),
        "Naf": _obj({"code": {"type": S}, "label": _t(S)}),
        "Session": _obj({"startDate": _t(S), "endDate": _t(S), "isPermanentEntry": {"type": B}}),
        "Training": _obj(
            {
                "description": _t(S),
                "objectif": _t(S),
                "duration": {**_t(N), "description": "Durée en jours."},
                "sessions": {"type": "array", "items": _ref("Session")},
            }
        ),
        "Job": _obj(job),
        "SchemaError": _obj(
            {
                "statusCode": {"const": 400},
                "error": {"const": "Bad Request"},
                "message": {"type": S, "description": "« querystring.radius: Expected number… »"},
                "data": {"type": "object"},
            },
            description="Un paramètre du mauvais type (nombre, valeur d'une liste), refusé "
            "avant les règles de l'API, comme le fait La Bonne Alternance.",
        ),
        "Formation": _obj(
            {
                "ideaType": {"const": "formation"},
                **common,
                "longTitle": _t(S),
                "diploma": _t(S),
                "diplomaLevel": diploma_level,
                "cfd": _t(S),
                "rncpCode": _t(S),
                "rncpLabel": _t(S),
                "rncpEligibleApprentissage": _t(B),
                "period": _t(S),
                "capacity": _t(S),
                "onisepUrl": _t(S),
                "cleMinistereEducatif": _t(S),
                "idRco": _t(S),
                "idRcoFormation": _t(S),
                "romes": romes,
                "training": _ref("Training"),
                "rdvContext": {"type": "null"},
            },
            description="Une formation en apprentissage.",
        ),
        "PeJob": _obj(
            {
                "ideaType": {"const": "peJob"},
                **common,
                "url": _t(S),
                "job": _ref("Job"),
                "romes": romes,
                "nafs": nafs,
            },
            description="Une offre d'emploi en alternance.",
        ),
        "LbaJob": _obj(
            {
                "ideaType": {"const": "matcha"},
                **common,
                "applicationCount": {"type": N},
                "token": _t(S),
                "diplomaLevel": diploma_level,
                "job": _ref("Job"),
                "romes": romes,
                "nafs": nafs,
            },
            description="Un partenariat : offre déposée par un CFA pour une entreprise.",
        ),
        "LbaCompany": _obj(
            {
                "ideaType": {"const": "lba"},
                **common,
                "url": _t(S),
                "applicationCount": {"type": N},
                "token": _t(S),
                "nafs": nafs,
            },
            description="Une entreprise susceptible de recruter (candidature spontanée).",
        ),
        "FormationsResponse": _results("Formation"),
        "JobsResponse": _obj(
            {
                "peJobs": {"anyOf": [_results("PeJob"), {"type": "null"}]},
                "matchas": {"anyOf": [_results("LbaJob"), {"type": "null"}]},
                "lbaCompanies": {"anyOf": [_results("LbaCompany"), {"type": "null"}]},
                "lbbCompanies": {"type": "null"},
            }
        ),
        "JobsEtFormationsResponse": _obj(
            {
                "formations": {"anyOf": [_ref("FormationsResponse"), {"type": "null"}]},
                "jobs": {"anyOf": [_ref("JobsResponse"), {"type": "null"}]},
            }
        ),
        "MetiersResponse": _obj(
            {
                "labelsAndRomes": {
                    "type": "array",
                    "items": _obj(
                        {
                            "label": {"type": S},
                            "romes": {"type": "array", "items": {"type": S}},
                            "rncps": {"type": "null"},
                            "type": _t(S),
                            "romeTitles": {
                                "type": "array",
                                "items": _obj({"codeRome": {"type": S}, "intitule": {"type": S}}),
                            },
                        }
                    ),
                }
            }
        ),
        "MetiersAllResponse": _obj({"metiers": {"type": "array", "items": {"type": S}}}),
        "Error": error,
        "MetierSuggestion": _obj(
            {
                "label": {"type": S},
                "code": {"type": S},
                "romes": {"type": "array", "items": {"type": S}},
            }
        ),
        "PlaceSuggestion": _obj(
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


def _param(name: str, description: str, *, required: bool = False, **schema: Any) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or {"type": S},
    }


P_CALLER = _param(
    "caller", "Qui appelle : adresse électronique de contact et nom du produit.", required=True
)
P_ROMES = _param("romes", "Codes ROME séparés par des virgules (20 au plus), ex. D1102,D1104.")
P_DOMAIN = _param("romeDomain", "Domaine ROME (une lettre, ou une lettre et deux chiffres).")
P_LAT = _param("latitude", "Latitude du centre de recherche.", type=N)
P_LON = _param("longitude", "Longitude du centre de recherche.", type=N)
P_RADIUS = _param(
    "radius", "Rayon en km, de 0 à 200 (20000 : France entière). Requis avec la position.", type=N
)
P_RADIUS_30 = _param(
    "radius", "Rayon en km, de 0 à 200 (20000 : France entière), 30 par défaut.", type=N
)
P_DIPLOMA = _param(
    "diploma", "Niveau de diplôme visé.", type=S, enum=["INDIFFERENT", *DIPLOMA_LEVELS.values()]
)
P_INSEE = _param("insee", "Code INSEE de la commune du centre (requis avec la position).")
P_SOURCES = _param(
    "sources",
    "Sources, séparées par des virgules : formation, matcha, lba, lbb, offres, peJob, partnerJob.",
)
P_RNCP = _param(
    "rncp",
    "Un code RNCP (ex. RNCP35316), à la place de `romes` : les métiers des formations locales "
    "qui y mènent.",
    pattern="^RNCP[0-9]{2,5}$",
)
P_OPCO = _param("opco", "Ne garder que les entreprises et offres de cet OPCO.")


def _get(
    summary: str, params: list[dict], schema: str, *, tag: str, errors: bool = True
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {
            "description": "Réponse",
            "content": {"application/json": {"schema": _ref(schema)}},
            "headers": {
                "X-LBA-Desktop-Data": {
                    "description": "Origine des données locales : demo, sync ou datapack.",
                    "schema": {"type": S},
                }
            },
        },
        "401": {
            "description": "Jeton absent ou invalide (serveur ouvert sur le réseau).",
            "content": {"application/json": {"schema": _ref("Error")}},
        },
        "429": {
            "description": "Trop de requêtes : réessayer après `Retry-After` secondes.",
            "content": {"application/json": {"schema": _ref("Error")}},
        },
    }
    if errors:
        responses["400"] = {
            "description": "Paramètres invalides (messages de l'API La Bonne Alternance).",
            "content": {
                "application/json": {"schema": {"anyOf": [_ref("Error"), _ref("SchemaError")]}}
            },
        }
    op = {"summary": summary, "tags": [tag], "parameters": params, "responses": responses}
    return {"get": op}


def build_openapi() -> dict[str, Any]:
    """The document served at /api/docs/openapi.json."""
    formation_by_id = _get(
        "Une formation par son identifiant (cleMinistereEducatif).",
        [
            {"name": "id", "in": "path", "required": True, "schema": {"type": S}},
            {**P_CALLER, "required": False},
        ],
        "FormationsResponse",
        tag="Formations",
    )
    formation_by_id["get"]["responses"]["404"] = {
        "description": "Aucune formation avec cet identifiant dans le catalogue local.",
        "content": {"application/json": {"schema": _ref("Error")}},
    }
    doc = {
        "openapi": "3.1.0",
        "info": {
            "title": "LBA Desktop — API locale",
            "version": __version__,
            "description": (
                "L'API V1 de La Bonne Alternance, servie hors ligne depuis le catalogue local "
                "de LBA Desktop : mêmes routes, mêmes paramètres, mêmes messages d'erreur, mêmes "
                "formes de résultats. Les champs que le catalogue local ne connaît pas valent "
                "`null`. L'en-tête `X-LBA-Desktop-Data` dit d'où viennent les données "
                "(`demo` : données fictives). Les chemins ne tiennent pas compte de la casse. "
                "Sur le réseau local, chaque appel porte `Authorization: Bearer <jeton>`."
            ),
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": _schemas(),
            "securitySchemes": {"jeton": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{}, {"jeton": []}],
        "paths": {
            "/api/V1/formations": _get(
                "Formations autour d'un point, pour des métiers (500 au plus).",
                [P_ROMES, P_DOMAIN, P_LAT, P_LON, P_RADIUS_30, P_DIPLOMA, P_CALLER],
                "FormationsResponse",
                tag="Formations",
            ),
            "/api/V1/formationsParRegion": _get(
                "Formations d'un département, d'une région ou de la France entière.",
                [
                    P_ROMES,
                    P_DOMAIN,
                    _param("departement", "Numéro de département (01, 974…)."),
                    _param("region", "Code INSEE de la région (84, 11…)."),
                    P_DIPLOMA,
                    P_CALLER,
                ],
                "FormationsResponse",
                tag="Formations",
            ),
            "/api/V1/formations/formation/{id}": formation_by_id,
            "/api/V1/jobs": _get(
                "Offres, partenariats et entreprises autour d'un point.",
                [
                    P_ROMES,
                    P_RNCP,
                    P_LAT,
                    P_LON,
                    P_RADIUS,
                    P_INSEE,
                    P_SOURCES,
                    P_DIPLOMA,
                    P_OPCO,
                    P_CALLER,
                ],
                "JobsResponse",
                tag="Emplois",
            ),
            "/api/V1/jobsEtFormations": _get(
                "Formations et emplois autour d'un point, en un appel.",
                [
                    P_ROMES,
                    P_RNCP,
                    P_LAT,
                    P_LON,
                    P_RADIUS,
                    P_INSEE,
                    P_SOURCES,
                    P_DIPLOMA,
                    P_OPCO,
                    P_CALLER,
                ],
                "JobsEtFormationsResponse",
                tag="Emplois",
            ),
            "/api/V1/metiers": _get(
                "Métiers dont l'intitulé commence par les mots tapés (autocomplétion).",
                [_param("title", "Début d'intitulé de métier.", required=True)],
                "MetiersResponse",
                tag="Métiers",
            ),
            "/api/V1/metiers/all": _get(
                "Tous les groupes de métiers, par ordre alphabétique.",
                [],
                "MetiersAllResponse",
                tag="Métiers",
                errors=False,
            ),
            "/api/local/metiers": _get(
                "Autocomplétion des métiers pour le widget.",
                [_param("q", "Texte tapé.")],
                "MetierSuggestion",
                tag="Widget",
                errors=False,
            ),
            "/api/local/lieux": _get(
                "Autocomplétion des communes pour le widget.",
                [_param("q", "Nom, code postal ou code INSEE.")],
                "PlaceSuggestion",
                tag="Widget",
                errors=False,
            ),
            "/api/local/lieu": _get(
                "Une commune d'après `insee`, `zipcode` ou `address` (paramètres du widget).",
                [
                    _param("insee", "Code INSEE."),
                    _param("zipcode", "Code postal."),
                    _param("address", "Adresse ou nom de commune."),
                ],
                "PlaceSuggestion",
                tag="Widget",
            ),
        },
    }
    return _array_responses(doc)


def _array_responses(doc: dict[str, Any]) -> dict[str, Any]:
    """The autocomplete routes answer lists of suggestions."""
    for path in ("/api/local/metiers", "/api/local/lieux"):
        content = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        content["schema"] = {"type": "array", "items": content["schema"]}
    return doc
