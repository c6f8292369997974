"""V1 job items (`peJob`, `matcha`, `lba`, partner offers) that partners still hold."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lba_desktop.data.parsers.common import (
    _CLOSED_STATUSES,
    _SUBSOURCE_LABELS,
    _V1_CONTAINER_IDEATYPE,
    _WHY_ALGO,
    SOURCE_ALGO,
    SOURCE_FRANCE_TRAVAIL,
    SOURCE_RECRUTEURS_LBA,
    _bool,
    _Collector,
    _d,
    _i,
    _is_error,
    _lst,
    _romes,
    _s,
    _split_address,
    _stable_hash,
    diploma_level,
    parse_date,
)
from lba_desktop.data.parsers.formations import _formation
from lba_desktop.data.parsers.jobs_v3 import _algo_fields, _place_fields, _source_of_partner
from lba_desktop.models import Item, Kind

# --- V1 jobs and companies ----------------------------------------------------------------


def _v1_place(raw: Mapping[str, Any], col: _Collector) -> dict[str, Any]:
    place = _d(raw.get("place"))
    address = _s(place.get("fullAddress")) or _s(place.get("address"))
    postcode = _s(place.get("zipCode"))
    commune = _s(place.get("city"))
    if not postcode:
        postcode, parsed_city = _split_address(address)
        commune = commune or parsed_city
    insee = _s(place.get("insee"))
    lat, lon = col.position(place.get("latitude"), place.get("longitude"), insee, postcode)
    fields = _place_fields(address, postcode, commune, insee, lat, lon)
    fields["departement"] = fields["departement"] or _s(place.get("departementNumber"))
    return fields


def _v1_offer(raw: Mapping[str, Any], idea: str, col: _Collector) -> None:
    job = _d(raw.get("job"))
    company = _d(raw.get("company"))
    contact = _d(raw.get("contact"))
    partner = _s(job.get("partner_label"))
    if _s(job.get("status")).lower() in _CLOSED_STATUSES:
        col.skipped += 1
        return
    pl = _v1_place(raw, col)
    item_id = _s(job.get("id")) or _s(raw.get("id"))
    if not item_id:
        # Old items may come without any id: a content hash keeps re-imports stable.
        item_id = _stable_hash(
            idea, raw.get("title"), company.get("siret"), pl["address"], job.get("creationDate")
        )
    if idea == "peJob":
        source = SOURCE_FRANCE_TRAVAIL
    elif idea in {"matcha", "offres_emploi_lba"}:
        source = SOURCE_RECRUTEURS_LBA
    else:
        source = _source_of_partner(partner)
    mandataire = _bool(company.get("mandataire"))
    nafs = [n for n in _lst(raw.get("nafs")) if isinstance(n, dict)]
    naf = nafs[0] if nafs else {}
    contract_type = job.get("type") or job.get("contractType")
    apply_url = _s(contact.get("url")) or _s(raw.get("url"))
    col.add(
        Item(
            kind=Kind.PARTENARIAT if mandataire else Kind.OFFRE,
            id=item_id,
            title=_s(raw.get("title")),
            organisation=_s(company.get("name")),
            **pl,
            romes=_romes(raw.get("romes")),
            diploma_level=diploma_level(raw.get("diplomaLevel") or raw.get("target_diploma_level")),
            source=source,
            created=parse_date(job.get("creationDate")),
            updated=parse_date(job.get("updatedAt") or job.get("creationDate")),
            phone=_s(contact.get("phone")),
            email=_s(contact.get("email")),
            url=apply_url,
            siret=_s(company.get("siret")),
            opco=_s(_d(company.get("opco")).get("label")),
            handi_friendly=_bool(job.get("elligibleHandicap"))
            or _bool(company.get("elligibleHandicap")),
            details={
                "idea_type": idea,
                "opco_url": _s(_d(company.get("opco")).get("url")),
                "partner_label": partner,
                "delegated": mandataire,
                "cfa": _s(_d(company.get("headquarter")).get("name")) if mandataire else "",
                "contract_type": [_s(t) for t in _lst(contract_type)] or _s(contract_type),
                "contract_start": _s(job.get("jobStartDate")) or None,
                "contract_duration": _s(job.get("dureeContrat")) or _s(job.get("duration")),
                "rythm": _s(job.get("contract_rythm")) or _s(job.get("rythmeAlternance")),
                "description": _s(job.get("description")),
                "employer_description": _s(job.get("employeurDescription")),
                "opening_count": _i(job.get("quantiteContrat")),
                "status": _s(job.get("status")),
                "expiration": _s(job.get("jobExpirationDate")) or None,
                "apply_url": apply_url,
                "naf_code": _s(naf.get("code")),
                "naf_label": _s(naf.get("label")),
                "size": _s(company.get("size")),
                "website": _s(company.get("url")),
            },
        )
    )


def _v1_company(raw: Mapping[str, Any], col: _Collector) -> None:
    company = _d(raw.get("company"))
    siret = _s(company.get("siret"))
    if not siret:
        col.skipped += 1
        return
    pl = _v1_place(raw, col)
    contact = _d(raw.get("contact"))
    nafs = [n for n in _lst(raw.get("nafs")) if isinstance(n, dict)]
    naf = nafs[0] if nafs else {}
    col.add(
        Item(
            kind=Kind.ENTREPRISE,
            id=siret,
            title=_s(raw.get("title")) or _s(company.get("name")),
            organisation=_s(company.get("name")),
            **pl,
            romes=_romes(raw.get("romes")),
            source=SOURCE_ALGO,
            created=parse_date(company.get("creationDate")),
            phone=_s(contact.get("phone")),
            email=_s(contact.get("email")),
            url=_s(contact.get("url")) or _s(raw.get("url")) or _s(company.get("url")),
            siret=siret,
            opco=_s(_d(company.get("opco")).get("label")),
            handi_friendly=_bool(company.get("elligibleHandicap")),
            details={
                "idea_type": _s(raw.get("ideaType")) or "lba",
                "opco_url": _s(_d(company.get("opco")).get("url")),
                "why": _WHY_ALGO,
                "naf_code": _s(naf.get("code")),
                "naf_label": _s(naf.get("label")),
                "size": _s(company.get("size")),
                "website": _s(company.get("url")),
                "application_count": _i(raw.get("applicationCount")),
                **_algo_fields(raw),
            },
        )
    )


def _v1_item(raw: Any, col: _Collector, default_idea: str = "") -> None:
    if not isinstance(raw, dict):
        col.skipped += 1
        return
    idea = _s(raw.get("ideaType")) or default_idea
    if idea == "formation":
        _formation(raw, col)
    elif idea in {"peJob", "matcha", "offres_emploi_lba", "offres_emploi_partenaires"}:
        _v1_offer(raw, idea, col)
    elif idea in {"lba", "lbb"}:
        _v1_company(raw, col)
    else:
        col.skipped += 1


def _v1_container(name: str, body: Any, col: _Collector) -> None:
    """One V1 sub-source: `{results: [...]}`, `{result: "error", …}` or null (not asked)."""
    if body is None:
        return
    if _is_error(body):
        col.subsource_failed(name, body)
        return
    results = _d(body).get("results")
    if not isinstance(results, list):
        if isinstance(body, list):
            results = body
        else:
            col.warnings.append(f"Source « {_SUBSOURCE_LABELS.get(name, name)} » : format inconnu")
            return
    default = _V1_CONTAINER_IDEATYPE.get(name, "")
    col.each(results, _v1_item, default)
