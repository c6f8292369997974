"""Pure functions from upstream JSON (V1 trainings/jobs, V3 jobs/recruiters) to `models.Item`.

One module per shape (formations, jobs_v3, jobs_v1) over `common`; the entry points are here.

Tolerant by design: nulls, missing keys, numbers sent as strings, unknown extra fields and
sub-sources that failed (`{result: "error", …}`) never stop a parse; what cannot be used is
counted (`skipped`) or reported (`warnings`, in French). No I/O, no clock, no globals (the
public entry points only pause the cycle collector, see `bulk.gc_paused`).

Kind rule for partnerships (Kind.PARTENARIAT, "offers posted by a CFA for a company"):
- V3 `jobs[]` with `is_delegated: true` — the spec says "l'offre est déléguée à un mandataire",
  i.e. a CFA manages the offer on behalf of the company;
- V1 offers (`matcha`, `offres_emploi_lba`, `offres_emploi_partenaires`, `peJob`) whose
  `company.mandataire` is true — the spec says "déposée par un CFA mandataire".
Every other offer is Kind.OFFRE; V3 `recruiters[]` and V1 `lba`/`lbb` are Kind.ENTREPRISE.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lba_desktop.data.bulk import gc_paused
from lba_desktop.data.parsers.common import (
    SOURCE_ALGO,
    SOURCE_FORMATIONS,
    SOURCE_FRANCE_TRAVAIL,
    SOURCE_PARTENAIRES,
    SOURCE_RECRUTEURS_LBA,
    Locate,
    ParseOutcome,
    _Collector,
    _d,
    _is_error,
    _lst,
    _s,
    dedupe,
    departement_of,
    diploma_level,
    parse_date,
)
from lba_desktop.data.parsers.formations import _formation
from lba_desktop.data.parsers.formations_api import formation_api
from lba_desktop.data.parsers.jobs_v1 import _v1_container, _v1_item
from lba_desktop.data.parsers.jobs_v3 import _v3_job, _v3_recruiter

# --- Public entry points ------------------------------------------------------------------


@gc_paused()
def parse_formations(payload: Any, *, locate: Locate | None = None) -> ParseOutcome:
    """`/v1/formations`, `/v1/formationsParRegion`, `/v1/formations/formation/{id}` answers."""
    col = _Collector(locate)
    if _is_error(payload):
        col.subsource_failed("formations", payload)
    elif isinstance(payload, list):
        col.each(payload, _formation)
    else:
        results = _d(payload).get("results")
        if isinstance(results, list):
            col.each(results, _formation)
        else:
            col.warnings.append("Réponse des formations sans liste de résultats")
    return col.outcome()


@gc_paused()
def parse_formations_api(payload: Any, *, locate: Locate | None = None) -> ParseOutcome:
    """API Apprentissage `GET /formation/v1/search` answers (`{data: [...], pagination}`)."""
    col = _Collector(locate)
    data = _d(payload).get("data")
    if isinstance(data, list):
        col.each(data, formation_api)
    else:
        col.warnings.append("Réponse des formations (API Apprentissage) sans liste de résultats")
    return col.outcome()


def _upstream_warnings(payload: Mapping[str, Any], col: _Collector) -> None:
    for warning in _lst(payload.get("warnings")):
        message = _s(_d(warning).get("message")) if isinstance(warning, dict) else _s(warning)
        if message:
            col.warnings.append(f"Avertissement du service : {message}")


@gc_paused()
def parse_jobs_search(payload: Any, *, locate: Locate | None = None) -> ParseOutcome:
    """`/v3/jobs/search` (`{jobs, recruiters, warnings}`) or a bulk export (a list of jobs)."""
    col = _Collector(locate)
    if isinstance(payload, list):
        col.each(payload, _v3_job)
        return col.outcome()
    body = _d(payload)
    for name, parse_one in (("jobs", _v3_job), ("recruiters", _v3_recruiter)):
        part = body.get(name)
        if _is_error(part):
            col.subsource_failed(name, part)
            continue
        col.each(_lst(part), parse_one)
    _upstream_warnings(body, col)
    return col.outcome()


@gc_paused()
def parse_v1_jobs(payload: Any, *, locate: Locate | None = None) -> ParseOutcome:
    """V1 `/jobs` (`{peJobs, matchas, lbaCompanies, …}`) and `/jobsEtFormations` answers."""
    col = _Collector(locate)
    body = _d(payload)
    if "formations" in body:
        _v1_container("formations", body.get("formations"), col)
    jobs = body.get("jobs") if "jobs" in body else body
    if _is_error(jobs):
        col.subsource_failed("jobs", jobs)
    elif isinstance(jobs, dict):
        for name in ("peJobs", "matchas", "lbaCompanies", "lbbCompanies", "partnerJobs"):
            if name in jobs:
                _v1_container(name, jobs.get(name), col)
    return col.outcome()


def _any_item(raw: Any, col: _Collector) -> None:
    """One entry of a list of mixed shapes, by the keys it has."""
    if not isinstance(raw, dict):
        col.skipped += 1
    elif "ideaType" in raw:
        _v1_item(raw, col)
    elif _looks_v3_job(raw):
        if "offer" in raw:
            _v3_job(raw, col)
        else:
            _v3_recruiter(raw, col)
    elif "cleMinistereEducatif" in raw or "onisepUrl" in raw:
        _formation(raw, col)
    else:
        col.skipped += 1


def _looks_v3_job(raw: Mapping[str, Any]) -> bool:
    return "identifier" in raw and ("offer" in raw or "workplace" in raw)


@gc_paused()
def parse_any(payload: Any, *, locate: Locate | None = None) -> ParseOutcome:
    """Detect the shape (V1 trainings/jobs, V3 search/export, a list of items) and parse it."""
    if isinstance(payload, list):
        col = _Collector(locate)
        col.each(payload, _any_item)
        return col.outcome()
    if not isinstance(payload, dict):
        return ParseOutcome(warnings=("Réponse du service illisible : ce n'est pas un objet",))
    if _is_error(payload):
        col = _Collector(locate)
        col.subsource_failed("jobs", payload)
        return col.outcome()
    if isinstance(payload.get("jobs"), list) or isinstance(payload.get("recruiters"), list):
        return parse_jobs_search(payload, locate=locate)
    if (
        "formations" in payload
        or isinstance(payload.get("jobs"), dict)
        or any(key in payload for key in ("peJobs", "matchas", "lbaCompanies", "partnerJobs"))
    ):
        return parse_v1_jobs(payload, locate=locate)
    if "results" in payload:
        results = payload.get("results")
        if isinstance(results, list) and any(
            isinstance(r, dict) and r.get("ideaType") not in (None, "formation") for r in results
        ):
            return parse_any(results, locate=locate)
        return parse_formations(payload, locate=locate)
    return ParseOutcome(warnings=("Format de réponse inconnu : rien n'a été importé",))


__all__ = [
    "SOURCE_ALGO",
    "SOURCE_FORMATIONS",
    "SOURCE_FRANCE_TRAVAIL",
    "SOURCE_PARTENAIRES",
    "SOURCE_RECRUTEURS_LBA",
    "Locate",
    "ParseOutcome",
    "dedupe",
    "departement_of",
    "diploma_level",
    "parse_any",
    "parse_date",
    "parse_formations",
    "parse_formations_api",
    "parse_jobs_search",
    "parse_v1_jobs",
]
