"""Upstream's V1 answer schemas, transcribed here as JSON Schema (never the upstream files).

Each item kind is the union of its 2024-06-30 and 2026-02-18 OpenAPI shapes, plus the keys a
real 2026 answer carries that the 2026 document omits (`contact.hasEmail`, an LBA company's
`status`): a key either version has is allowed, with the types either version gives it;
a key either version requires is required; no other key is allowed.
"""

from __future__ import annotations

from typing import Any

S, N, B = "string", "number", "boolean"


def _n(*types: str) -> dict[str, Any]:
    return {"type": [*types, "null"]}


def _obj(props: dict[str, Any], required: tuple[str, ...] = (), *, nullable: bool = False) -> dict:
    return {
        "type": ["object", "null"] if nullable else "object",
        "properties": props,
        "required": list(required),
        "additionalProperties": False,
    }


def _strings() -> dict[str, Any]:
    return {"type": "array", "items": {"type": S}}


PLACE_KEYS = ("address", "cedex", "city", "departementNumber", "fullAddress", "insee",
              "numberAndStreet", "region", "zipCode")  # fmt: skip
PLACE = _obj(
    {
        **{k: _n(S) for k in PLACE_KEYS},
        "distance": _n(N),
        "latitude": _n(N),
        "longitude": _n(N),
        "remoteOnly": _n(B),
    },
    ("distance",),
    nullable=True,
)
SIRET = {**_n(S), "pattern": r"^\d{14}$"}
HEADQUARTER = _obj(
    {
        "hasConvention": _n(S),
        "id": _n(S),
        "name": _n(S),
        "place": PLACE,
        "siret": SIRET,
        "type": _n(S),
        "uai": _n(S),
    },
    ("siret",),
    nullable=True,
)
COMPANY = _obj(
    {
        **{
            k: _n(S)
            for k in (
                "creationDate",
                "description",
                "id",
                "logo",
                "name",
                "size",
                "socialNetwork",
                "uai",
                "url",
            )
        },
        "siret": SIRET,
        "mandataire": _n(B),
        "elligibleHandicap": _n(B),
        "opco": _obj({"label": _n(S), "url": _n(S)}, ("label", "url"), nullable=True),
        "headquarter": HEADQUARTER,
        "place": PLACE,
    },
    nullable=True,
)
CONTACT = _obj(
    {
        "email": _n(S),
        "info": {"type": S},
        "iv": _n(S),
        "name": _n(S),
        "phone": _n(S),
        "url": {"type": S},
        "hasEmail": {"type": B},
    },
    nullable=True,
)
ROMES = {"type": "array", "items": _obj({"code": _n(S), "label": _n(S)}, ("code",))}
NAFS = {"type": ["array", "null"], "items": _obj({"code": _n(S), "label": _n(S)})}
JOB_STATUS = {**_n(S), "enum": ["Active", "Pourvue", "Annulée", "En attente", None]}
JOB_TYPE = {"type": ["array", "null"], "items": {"enum": ["Apprentissage", "Professionnalisation"]}}
# The job block of 2024 (and of a 2026 partner job), with the keys of the 2026 answers.
JOB = _obj(
    {
        **{
            k: _n(S)
            for k in (
                "contractDescription",
                "contractType",
                "creationDate",
                "description",
                "duration",
                "dureeContrat",
                "employeurDescription",
                "id",
                "jobStartDate",
                "rythmeAlternance",
                "contract_rythm",
                "jobExpirationDate",
                "origin",
                "partner_label",
            )
        },
        "elligibleHandicap": _n(B),
        "isCfaEntreprise": _n(B),
        "quantiteContrat": _n(N),
        "romeDetails": {"type": ["object", "null"]},
        "status": JOB_STATUS,
        "type": JOB_TYPE,
        **{
            k: _strings()
            for k in (
                "offer_access_conditions",
                "offer_desired_skills",
                "offer_to_be_acquired_knowledge",
                "offer_to_be_acquired_skills",
            )
        },
    },
    nullable=True,
)
SESSION = _obj(
    {"startDate": _n(S), "endDate": _n(S), "isPermanentEntry": {"type": B}},
    ("isPermanentEntry",),
)
TRAINING = _obj(
    {
        "description": _n(S),
        "objectif": _n(S),
        "duration": _n(N),
        "sessions": {"type": "array", "items": SESSION},
    },
    ("description", "objectif", "duration"),
    nullable=True,
)
COMMON = {"id": _n(S), "title": _n(S), "place": PLACE, "company": COMPANY, "contact": CONTACT}

FORMATION = _obj(
    {
        **COMMON,
        "ideaType": {"enum": ["formation"]},
        **{
            k: _n(S)
            for k in (
                "capacity",
                "cfd",
                "cleMinistereEducatif",
                "diploma",
                "diplomaLevel",
                "idRco",
                "idRcoFormation",
                "longTitle",
                "onisepUrl",
                "period",
                "rncpCode",
                "rncpLabel",
                "target_diploma_level",
            )
        },
        "detailsLoaded": _n(B),
        "rncpEligibleApprentissage": _n(B),
        "romes": ROMES,
        "training": TRAINING,
        "rdvContext": {},
    },
    ("ideaType", "place", "company", "id"),
)
PE_JOB = _obj(
    {
        **COMMON,
        "ideaType": {"enum": ["peJob", "offres_emploi_partenaires"]},
        "url": _n(S),
        "detailsLoaded": _n(B),
        "job": JOB,
        "romes": ROMES,
        "nafs": NAFS,
    },
    ("ideaType", "id", "place", "company"),
)
LBA_JOB = _obj(
    {
        **COMMON,
        "ideaType": {"enum": ["matcha", "offres_emploi_lba"]},
        "applicationCount": {"type": N},
        "token": {"type": S},  # nullable in 2024, a string in 2026: a string fits both
        "recipient_id": {"type": S},
        "diplomaLevel": _n(S),
        "target_diploma_level": _n(S),
        "detailsLoaded": _n(B),
        "job": JOB,
        "romes": ROMES,
        "nafs": NAFS,
    },
    ("ideaType", "place", "company", "id", "applicationCount", "token", "recipient_id"),
)
PARTNER_JOB = _obj(
    {
        **COMMON,
        "ideaType": {"enum": ["partnerJob", "offres_emploi_lba", "offres_emploi_partenaires"]},
        "applicationCount": {"type": N},
        "token": {"type": S},
        "recipient_id": {"type": S},
        "target_diploma_level": _n(S),
        "job": JOB,
        "romes": ROMES,
        "nafs": NAFS,
    },
    ("ideaType", "title", "place", "company", "id", "job", "token", "recipient_id"),
)
LBA_COMPANY = _obj(
    {
        **COMMON,
        "ideaType": {"enum": ["lba", "recruteurs_lba"]},
        "url": _n(S),
        "applicationCount": {"type": N},
        "token": _n(S),
        "recipient_id": {"type": S},
        "status": {"type": S},
        "detailsLoaded": _n(B),
        "nafs": NAFS,
    },
    ("ideaType", "id", "place", "company", "applicationCount", "recipient_id"),
)

API_ERROR = _obj(
    {
        "error": {"type": S},
        "error_messages": {"type": ["array", "null"], "items": {"type": S}},
        "message": {},
        "result": {"type": S},
        "status": {"type": N},
        "statusText": {"type": S},
    },
    ("error",),
)
# Fastify's error body (a schema error, a 404 by Boom).
ERROR = _obj(
    {"statusCode": {"type": N}, "error": {"type": S}, "message": {"type": S}, "data": {}},
    ("message", "error", "statusCode"),
)


def _group(item: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [_obj({"results": {"type": "array", "items": item}}, ("results",)),
                      API_ERROR, {"type": "null"}]}  # fmt: skip


FORMATIONS = _obj({"results": {"type": "array", "items": FORMATION}}, ("results",))
JOBS = _obj(
    {
        "peJobs": _group(PE_JOB),
        "partnerJobs": _group(PARTNER_JOB),
        "matchas": _group(LBA_JOB),
        "lbaCompanies": _group(LBA_COMPANY),
        "lbbCompanies": {"type": "null"},
    },
    ("peJobs", "matchas", "lbaCompanies", "lbbCompanies"),
)
ROUTES: dict[str, dict[str, Any]] = {
    "/api/V1/formations": FORMATIONS,
    "/api/V1/formations/min": FORMATIONS,
    "/api/V1/formationsParRegion": FORMATIONS,
    "/api/V1/formations/formation/{id}": FORMATIONS,
    "/api/V1/jobs": JOBS,
    "/api/V1/jobs/min": JOBS,
    "/api/V1/jobsEtFormations": _obj(
        {
            "formations": {"anyOf": [FORMATIONS, API_ERROR, {"type": "null"}]},
            "jobs": {"anyOf": [JOBS, API_ERROR, {"type": "null"}]},
        },
        ("formations", "jobs"),
    ),
    "/api/V1/jobs/job/{id}": _obj({"peJobs": {"type": "array", "items": PE_JOB}}, ("peJobs",)),
    "/api/V1/jobs/matcha/{id}": _obj(
        {"matchas": {"type": "array", "items": LBA_JOB}}, ("matchas",)
    ),
    "/api/V1/jobs/partnerJob/{id}": _obj(
        {"partnerJobs": {"type": "array", "items": PARTNER_JOB}}, ("partnerJobs",)
    ),
    "/api/V1/jobs/company/{siret}": _obj(
        {"lbaCompanies": {"type": "array", "items": LBA_COMPANY}}, ("lbaCompanies",)
    ),
    "/api/V1/metiers/all": _obj({"metiers": _strings()}, ("metiers",)),
    "/api/V1/metiers/metiersParFormation/{cfd}": _obj({"metiers": _strings()}, ("metiers",)),
    "/api/V1/metiers/intitule": _obj(
        {
            "coupleAppellationRomeMetier": {
                "type": "array",
                "items": _obj(
                    {"appellation": {"type": S}, "codeRome": {"type": S}, "intitule": {"type": S}},
                    ("codeRome", "intitule", "appellation"),
                ),
            }
        },
        ("coupleAppellationRomeMetier",),
    ),
    "/api/V1/metiers": _obj(
        {
            "labelsAndRomes": {
                "type": "array",
                "items": _obj(
                    {
                        "label": {"type": S},
                        "romes": _strings(),
                        "rncps": {"type": ["array", "null"], "items": {"type": S}},
                        "type": _n(S),
                        "romeTitles": {
                            "type": ["array", "null"],
                            "items": _obj(
                                {"codeRome": {"type": S}, "intitule": {"type": S}},
                                ("codeRome", "intitule"),
                            ),
                        },
                    },
                    ("label",),
                ),
            }
        },
    ),
}
# 400 and 404 bodies: `wrong_parameters` (LbacError), Fastify's (Error), the routes' own.
FAILURE = {"anyOf": [API_ERROR, ERROR]}
