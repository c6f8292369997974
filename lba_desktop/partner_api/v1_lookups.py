"""The V1 routes that open one item or list métiers: by id, by SIRET, by CFD, by label."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lba_desktop.data import upstream_querystring as uq
from lba_desktop.models import Kind
from lba_desktop.partner_api.service import ApiService, NotFound, SchemaError, checked
from lba_desktop.partner_api.v1_shapes import group_of, v1_item

# Upstream's 404 bodies differ from route to route; each is kept as upstream sends it.
_JOB_NOT_FOUND = {"statusCode": 404, "error": "Not Found", "message": "Not Found"}
_ITEM_NOT_FOUND = {"error": "not_found"}
_COMPANY_NOT_FOUND = {
    "error": "not_found",
    "status": 404,
    "result": "not_found",
    "message": "Société non trouvée",
}
METIERS_BY_LABEL = 30  # upstream's cut
# Upstream keeps LBA's and partners' offers under MongoDB ids (24 hexadecimal digits) and its
# schema refuses any other id before looking, with zod's default message for its check.
_OBJECT_ID = re.compile(r"[0-9a-fA-F]{24}")
_NOT_AN_OBJECT_ID = {"code": "custom", "message": "Invalid input", "path": ["id"]}


def _offer(
    service: ApiService,
    item_id: str,
    group: str,
    params: Mapping[str, Any],
    not_found: dict[str, Any],
    *,
    object_id: bool = False,
) -> Any:
    """The offer of `group` with that id, after the checks upstream makes in its order: the
    path's id first, then the query string, then whether the offer exists."""
    found = None
    for kind in (Kind.OFFRE, Kind.PARTENARIAT):
        item = service.store.get(kind, item_id)
        if item is not None and group_of(item) == group:
            found = item
            break
    # A local item is served by its own id whatever its form (demo ids are not MongoDB's);
    # only an id that names nothing here gets upstream's schema error.
    if found is None and object_id and not _OBJECT_ID.fullmatch(item_id):
        raise SchemaError([dict(_NOT_AN_OBJECT_ID)], context="params")
    checked(uq.V1_CALLER_ONLY, params)
    if found is None:
        raise NotFound("Offre introuvable.", body=not_found)
    return found


def job(service: ApiService, job_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """`GET /v1/jobs/job/{id}`: one France Travail offer."""
    item = _offer(service, job_id, "peJobs", params, _JOB_NOT_FOUND)
    found = v1_item(item, None, service.rome_label)
    if params.get("caller"):
        # Upstream gives an offer's SIRET to its own site only, never to API callers.
        found["company"]["siret"] = None
    return {"peJobs": [found]}


def matcha(service: ApiService, job_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """`GET /v1/jobs/matcha/{id}`: one offer of an LBA recruiter (or of a CFA for it)."""
    item = _offer(service, job_id, "matchas", params, _ITEM_NOT_FOUND, object_id=True)
    return {"matchas": [v1_item(item, None, service.rome_label)]}


def partner_job(service: ApiService, job_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """`GET /v1/jobs/partnerJob/{id}` (2026): one offer of a partner job board."""
    item = _offer(service, job_id, "partnerJobs", params, _ITEM_NOT_FOUND, object_id=True)
    return {"partnerJobs": [v1_item(item, None, service.rome_label)]}


def company(service: ApiService, siret: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """`GET /v1/jobs/company/{siret}`: one recruiting company."""
    issues = uq.siret_issues(siret)
    if issues:
        raise SchemaError(issues, context="params")
    checked(uq.V1_CALLER_ONLY, params)
    item = service.store.get(Kind.ENTREPRISE, siret.strip())
    if item is None:
        raise NotFound("Société non trouvée", body=_COMPANY_NOT_FOUND)
    return {"lbaCompanies": [v1_item(item, None, service.rome_label)]}


def metiers_by_label(service: ApiService, params: Mapping[str, Any]) -> dict[str, Any]:
    """`GET /v1/metiers/intitule?label=`: métiers whose label matches, with their ROME code.

    Upstream matches the ROME's appellations too; the local référentiel has the métiers'
    labels only, so each métier is its own appellation.
    """
    params = checked(uq.V1_METIERS_INTITULE, params, strict=True)
    found = service.metiers.lookup(str(params["label"]).strip(), limit=METIERS_BY_LABEL)
    return {
        "coupleAppellationRomeMetier": [
            {"codeRome": m.code, "intitule": m.label, "appellation": m.label} for m in found
        ]
    }


def metiers_of_training(service: ApiService, cfd: str) -> dict[str, Any]:
    """`GET /v1/metiers/metiersParFormation/{cfd}`: the métier groups a diploma leads to,
    from the ROME codes of the local trainings with that CFD, alphabetically."""
    romes = set(service.training_romes("cfd", cfd) or ())
    labels = {s.label for s in service.metiers.sectors() if romes.intersection(s.romes)}
    return {"metiers": sorted(labels, key=str.casefold)}
