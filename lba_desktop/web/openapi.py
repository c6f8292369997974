"""Our own OpenAPI 3.1 document: what this local server answers, route by route."""

from __future__ import annotations

from typing import Any

from lba_desktop import __version__
from lba_desktop.models import DIPLOMA_LEVELS
from lba_desktop.partner_api.service import OPCO_VALUES
from lba_desktop.web.openapi_schemas import ref, schemas

S = "string"
N = "number"


def _param(name: str, description: str, *, required: bool = False, **schema: Any) -> dict:
    example = schema.pop("example", None)
    found: dict[str, Any] = {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema or {"type": S},
    }
    if example is not None:
        found["example"] = example
    return found


def _path_param(name: str, description: str, **schema: Any) -> dict:
    example = schema.pop("example", None)
    found = {"name": name, "in": "path", "required": True, "description": description}
    found["schema"] = {"type": S, **schema}
    if example is not None:
        found["example"] = example
    return found


OBJECT_ID_DOC = (
    "Identifiant de l'offre : 24 chiffres hexadécimaux comme à La Bonne Alternance (un autre "
    "identifiant qu'aucune offre locale ne porte : 400 `params.id: Invalid input`)."
)
ROMES_RE = "^[A-Za-z][0-9]{4}(,[A-Za-z][0-9]{4}){0,19}$"
REGIONS = ["01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75",
           "76", "84", "93", "94"]  # fmt: skip
P_CALLER = _param(
    "caller",
    "Qui appelle : adresse électronique de contact et nom du produit (sans lui, 400).",
    required=True,
    example="contact@exemple.fr mon-produit",
)
P_ROMES = _param(
    "romes",
    "Codes ROME séparés par des virgules (20 au plus).",
    pattern=ROMES_RE,
    example="D1102,D1104",
)
P_DOMAIN = _param(
    "romeDomain",
    "Domaine ROME (une lettre, ou une lettre et deux chiffres).",
    pattern="^[A-Za-z]([0-9]{2})?$",
)
P_LAT = _param("latitude", "Latitude du centre.", type=N, minimum=-90, maximum=90, example=44.93)
P_LON = _param("longitude", "Longitude du centre.", type=N, minimum=-180, maximum=180, example=2.44)
P_RADIUS = _param(
    "radius",
    "Rayon en km, de 0 à 200 (20000 : France entière). Requis avec la position.",
    type=N,
    minimum=0,
    maximum=200,
    example=30,
)
P_RADIUS_30 = _param(
    "radius",
    "Rayon en km, de 0 à 200 (20000 : France entière), 30 par défaut. Sans formation dans le "
    "rayon : les 5 plus proches.",
    type=N,
    minimum=0,
    maximum=200,
    default=30,
    example=30,
)
P_DIPLOMA = _param(
    "diploma", "Niveau de diplôme visé.", type=S, enum=["INDIFFERENT", *DIPLOMA_LEVELS.values()]
)
P_INSEE = _param(
    "insee",
    "Code INSEE de la commune du centre (requis avec la position et `caller`).",
    pattern="^[0-9][abAB0-9][0-9]{3}$",
    example="15014",
)
P_SOURCES = _param(
    "sources",
    "Sources, séparées par des virgules : formation, matcha, lba, lbb, offres, peJob, partnerJob.",
    pattern="^(formation|matcha|lba|lbb|offres|peJob|partnerJob)(,(formation|matcha|lba|lbb|"
    "offres|peJob|partnerJob))*$",
)
P_RNCP = _param(
    "rncp",
    "Un code RNCP, à la place de `romes` : les métiers des formations locales qui y mènent.",
    pattern="^RNCP[0-9]{2,5}$",
    example="RNCP35316",
)
P_OPCO = _param("opco", "Ne garder que les entreprises et offres de cet OPCO.")
P_OPCO_URL = _param(
    "opcoUrl",
    "Site d'OPCO (www.jecompte.fr…) : comme La Bonne Alternance, seuls les emplois des "
    "entreprises dont l'OPCO est connu sous ce site restent ; les formations ne sont pas "
    "filtrées. Le catalogue ne connaît ce site que si la source le donne (elle ne le donne "
    "plus en 2026) : sinon, aucun emploi.",
)
P_OPTIONS = _param(
    "options",
    "`with_description` : accepté, les descriptions sont toujours données.",
    enum=["with_description"],
)
JOB_PARAMS = [P_ROMES, P_RNCP, P_LAT, P_LON, P_RADIUS, P_INSEE, P_SOURCES, P_DIPLOMA, P_OPCO,
              P_OPCO_URL, P_CALLER]  # fmt: skip
TRAINING_PARAMS = [P_ROMES, P_DOMAIN, P_LAT, P_LON, P_RADIUS_30, P_DIPLOMA, P_CALLER, P_OPTIONS]


def _get(
    summary: str,
    params: list[dict],
    schema: str,
    *,
    tag: str,
    errors: bool = True,
    not_found: str = "",
) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {
            "description": "Réponse",
            "content": {"application/json": {"schema": ref(schema)}},
            "headers": {
                "X-LBA-Desktop-Data": {
                    "description": "Origine des données locales : demo, sync ou datapack.",
                    "schema": {"type": S},
                }
            },
        },
        "401": {
            "description": "Jeton absent ou invalide (serveur ouvert sur le réseau).",
            "content": {"application/json": {"schema": ref("Error")}},
        },
        "429": {
            "description": "Trop de requêtes : réessayer après `Retry-After` secondes.",
            "content": {"application/json": {"schema": ref("Error")}},
        },
    }
    if errors:
        responses["400"] = {
            "description": "Paramètres invalides (messages de l'API La Bonne Alternance).",
            "content": {
                "application/json": {"schema": {"anyOf": [ref("Error"), ref("SchemaError")]}}
            },
        }
    if not_found:
        responses["404"] = {
            "description": not_found,
            "content": {"application/json": {"schema": ref("NotFound")}},
        }
    op = {"summary": summary, "tags": [tag], "parameters": params, "responses": responses}
    return {"get": op}


def _v1_paths() -> dict[str, Any]:
    caller = {**P_CALLER, "required": False}
    return {
        "/api/V1/formations": _get(
            "Formations autour d'un point, pour des métiers (500 au plus).",
            TRAINING_PARAMS,
            "FormationsResponse",
            tag="Formations",
        ),
        "/api/V1/formations/min": _get(
            "Comme /formations, en formations allégées (titre, lieu, organisme).",
            TRAINING_PARAMS,
            "FormationsMinResponse",
            tag="Formations",
        ),
        "/api/V1/formationsParRegion": _get(
            "Formations d'un département, d'une région ou de la France entière.",
            [
                P_ROMES,
                P_DOMAIN,
                _param(
                    "departement", "Numéro de département.", pattern="^[0-9]{2,3}$", example="15"
                ),
                _param("region", "Code INSEE de la région.", enum=REGIONS, example="84"),
                P_DIPLOMA,
                P_CALLER,
                P_OPTIONS,
            ],
            "FormationsResponse",
            tag="Formations",
        ),
        "/api/V1/formations/formation/{id}": _get(
            "Une formation par son identifiant (cleMinistereEducatif) ; liste vide pour un "
            "identifiant inconnu, comme La Bonne Alternance.",
            [_path_param("id", "cleMinistereEducatif de la formation."), caller],
            "FormationsResponse",
            tag="Formations",
        ),
        "/api/V1/jobs": _get(
            "Offres, partenariats et entreprises autour d'un point.",
            JOB_PARAMS,
            "JobsResponse",
            tag="Emplois",
        ),
        "/api/V1/jobs/min": _get(
            "Comme /jobs, sans `sources`, en éléments allégés (titre, lieu, entreprise, date).",
            [p for p in JOB_PARAMS if p["name"] != "sources"],
            "JobsMinResponse",
            tag="Emplois",
        ),
        "/api/V1/jobs/job/{id}": _get(
            "Une offre de France Travail (son SIRET n'est pas donné avec `caller`).",
            [_path_param("id", "Identifiant de l'offre."), caller],
            "PeJobResponse",
            tag="Emplois",
            not_found="Aucune offre de France Travail avec cet identifiant.",
        ),
        "/api/V1/jobs/matcha/{id}": _get(
            "Une offre déposée sur La Bonne Alternance.",
            [_path_param("id", OBJECT_ID_DOC), caller],
            "LbaJobResponse",
            tag="Emplois",
            not_found="Aucune offre de La Bonne Alternance avec cet identifiant.",
        ),
        "/api/V1/jobs/partnerJob/{id}": _get(
            "Une offre d'un site d'emploi partenaire.",
            [_path_param("id", OBJECT_ID_DOC), caller],
            "PartnerJobResponse",
            tag="Emplois",
            not_found="Aucune offre partenaire avec cet identifiant.",
        ),
        "/api/V1/jobs/company/{siret}": _get(
            "Une entreprise susceptible de recruter, par son SIRET.",
            [
                _path_param("siret", "SIRET (14 chiffres, clé de Luhn).", pattern=r"^\d{14}$"),
                caller,
            ],
            "LbaCompanyResponse",
            tag="Emplois",
            not_found="Société non trouvée.",
        ),
        "/api/V1/jobsEtFormations": _get(
            "Formations et emplois autour d'un point, en un appel.",
            [*JOB_PARAMS, P_OPTIONS],
            "JobsEtFormationsResponse",
            tag="Emplois",
        ),
        "/api/V1/metiers": _get(
            "Métiers dont l'intitulé commence par les mots tapés (autocomplétion).",
            [_param("title", "Début d'intitulé de métier.", required=True, example="boulang")],
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
        "/api/V1/metiers/intitule": _get(
            "Métiers (30 au plus) dont l'intitulé correspond aux mots donnés.",
            [
                _param(
                    "label",
                    "Le(s) mot(s) cherché(s).",
                    required=True,
                    minLength=1,
                    example="boulanger",
                )
            ],
            "AppellationsResponse",
            tag="Métiers",
        ),
        "/api/V1/metiers/metiersParFormation/{cfd}": _get(
            "Les groupes de métiers auxquels mène un diplôme (code CFD).",
            [_path_param("cfd", "Code CFD du diplôme.", minLength=1, example="50022137")],
            "MetiersAllResponse",
            tag="Métiers",
            errors=False,
        ),
    }


def _v3_paths() -> dict[str, Any]:
    opco = _param("opco", "Ne garder que cet OPCO.", enum=sorted(OPCO_VALUES))
    return {
        "/api/v3/jobs/search": _get(
            "Offres et entreprises au format 2026 (route V3 de La Bonne Alternance).",
            [
                {**P_LAT, "description": "Latitude du centre (sans elle : toute la France)."},
                {**P_LON, "description": "Longitude du centre."},
                {**P_RADIUS_30, "description": "Rayon en km, 0 à 200, 30 par défaut."},
                {**P_ROMES, "description": "Codes ROME séparés par des virgules."},
                {**P_RNCP, "schema": {"type": S, "pattern": "^RNCP[0-9]{3,5}$"}},
                _param("target_diploma_level", "Niveau visé.", enum=["3", "4", "5", "6", "7"]),
                _param("departements", "Départements, séparés par des virgules.", example="15"),
                opco,
                _param(
                    "elligibleHandicapFilter", "Seulement les employeurs engagés.", type="boolean"
                ),
                _param("partners_to_exclude", "Sources à écarter (ex. France Travail)."),
            ],
            "V3JobsResponse",
            tag="Emplois (V3)",
        ),
    }


def _local_paths() -> dict[str, Any]:
    return {
        "/api/local/metiers": _get(
            "Autocomplétion des métiers pour le widget.",
            [_param("q", "Texte tapé.", example="boul")],
            "MetierSuggestion",
            tag="Widget",
            errors=False,
        ),
        "/api/local/lieux": _get(
            "Autocomplétion des communes pour le widget.",
            [_param("q", "Nom, code postal ou code INSEE.", example="Aurillac")],
            "PlaceSuggestion",
            tag="Widget",
            errors=False,
        ),
        "/api/local/lieu": _get(
            "Une commune d'après `insee`, `zipcode` ou `address` (paramètres du widget).",
            [
                _param("insee", "Code INSEE.", example="15014"),
                _param("zipcode", "Code postal."),
                _param("address", "Adresse ou nom de commune."),
            ],
            "PlaceSuggestion",
            tag="Widget",
            not_found="Lieu introuvable.",
        ),
    }


def build_openapi() -> dict[str, Any]:
    """The document served at /api/docs/openapi.json."""
    doc = {
        "openapi": "3.1.0",
        "info": {
            "title": "LBA Desktop — API locale",
            "version": __version__,
            "description": (
                "L'API V1 de La Bonne Alternance, servie hors ligne depuis le catalogue local "
                "de LBA Desktop : mêmes routes, mêmes paramètres, mêmes messages d'erreur, mêmes "
                "formes de résultats (clés de 2024 et de 2026). Les champs que le catalogue "
                "local ne connaît pas valent `null`. L'en-tête `X-LBA-Desktop-Data` dit d'où "
                "viennent les données (`demo` : données fictives). Les chemins ne tiennent pas "
                "compte de la casse. Sur le réseau local, chaque appel porte "
                "`Authorization: Bearer <jeton>`."
            ),
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": schemas(),
            "securitySchemes": {"jeton": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{}, {"jeton": []}],
        "paths": {**_v1_paths(), **_v3_paths(), **_local_paths()},
    }
    return _array_responses(doc)


def _array_responses(doc: dict[str, Any]) -> dict[str, Any]:
    """The autocomplete routes answer lists of suggestions."""
    for path in ("/api/local/metiers", "/api/local/lieux"):
        content = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        content["schema"] = {"type": "array", "items": content["schema"]}
    return doc
