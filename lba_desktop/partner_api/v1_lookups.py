"""The V1 routes that open one item or list métiers: by id, by SIRET, by CFD, by label."""

from __future__ import annotations

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


def _offer(service: ApiService, item_id: str, group: str, not_found: dict[str, Any]) -> Any:
    for kind in (Kind.OFFRE, Kind.PARTENARIAT):
        item = service.store.get(kind, item_id)
        if item is not None and group_of(item) == group:
            return item
    raise NotFound("Offre introuvable.", body=not_found)


def job(service: ApiService, job_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """`GET /v1/jobs/job/{id}`: one France Travail offer."""
    params = checked(uq.V1_CALLER_ONLY, params)
    item = _offer(service, job_id, "peJobs", _JOB_NOT_FOUND)
    found = v1_item(item, None, service.rome_label)
    if params.get("caller"):
        # Upstream gives an offer's SIRET to its own site only, never to API callers.
        found["company"]["siret"] = None
    return {"peJobs": [found]}


def matcha(service: ApiService, job_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """`GET /v1/jobs/matcha/{id}`: one offer of an LBA recruiter (or of a CFA for it)."""
    checked(uq.V1_CALLER_ONLY, params)
    item = _offer(service, job_id, "matchas", _ITEM_NOT_FOUND)
    return {"matchas": [v1_item(item, None, service.rome_label)]}


def partner_job(service: ApiService, job_id: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """`GET /v1/jobs/partnerJob/{id}` (2026): one offer of a partner job board."""
    checked(uq.V1_CALLER_ONLY, params)
    item = _offer(service, job_id, "partnerJobs", _ITEM_NOT_FOUND)
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
