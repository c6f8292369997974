"""Pure functions from upstream JSON (V1 trainings/jobs, V3 jobs/recruiters) to `models.Item`.

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

import hashlib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

from lba_desktop.data.bulk import gc_paused
from lba_desktop.models import Item, Kind

Locate = Callable[[str, str], tuple[float, float] | None]

SOURCE_FORMATIONS = "lba-formations"
SOURCE_FRANCE_TRAVAIL = "france-travail"
SOURCE_RECRUTEURS_LBA = "recruteurs-lba"
SOURCE_PARTENAIRES = "partenaires"
SOURCE_ALGO = "lba-algo"

# Offers that can no longer be applied to are not worth a row in the catalogue.
_CLOSED_STATUSES = frozenset({"filled", "cancelled", "pourvue", "annulée", "annulee"})
_ROME_RE = re.compile(r"^[A-Z][0-9]{4}$")
_POSTCODE_CITY_RE = re.compile(r"\b(\d{5})\b\s*(.*)$")
_LEVEL_WORDS = (  # diploma labels seen in V1 payloads ("Master", "BTS, DEUST"…), checked in order
    ("master", 7),
    ("ingénieur", 7),
    ("ingenieur", 7),
    ("licence", 6),
    ("but", 6),
    ("bts", 5),
    ("deust", 5),
    ("dut", 5),
    ("bac", 4),
    ("cap", 3),
    ("bep", 3),
)
_SUBSOURCE_LABELS = {
    "formations": "formations",
    "jobs": "offres et entreprises",
    "peJobs": "offres France Travail",
    "matchas": "offres La bonne alternance",
    "lbaCompanies": "entreprises (candidature spontanée)",
    "lbbCompanies": "entreprises (candidature spontanée, ancienne source)",
    "partnerJobs": "offres des partenaires",
}
_V1_CONTAINER_IDEATYPE = {
    "peJobs": "peJob",
    "matchas": "matcha",
    "lbaCompanies": "lba",
    "lbbCompanies": "lbb",
    "partnerJobs": "offres_emploi_partenaires",
    "formations": "formation",
}
_WHY_ALGO = (
    "Candidature spontanée : entreprise repérée par l'algorithme La bonne alternance comme "
    "susceptible de recruter en alternance."
)


@dataclass(frozen=True, slots=True)
class ParseOutcome:
    """What one parse produced: the items, French warnings, and what could not be used."""

    items: tuple[Item, ...] = ()
    warnings: tuple[str, ...] = ()
    skipped: int = 0  # entries dropped (no id, not an object, closed offer, unknown type)
    without_position: int = 0  # items kept with lat/lon None

    def merged(self, other: ParseOutcome) -> ParseOutcome:
        """Both outcomes together, items deduplicated (the most recently updated wins)."""
        return ParseOutcome(
            items=tuple(dedupe((*self.items, *other.items))),
            warnings=self.warnings + other.warnings,
            skipped=self.skipped + other.skipped,
            without_position=self.without_position + other.without_position,
        )


# --- Small tolerant readers ---------------------------------------------------------------


_EMPTY: Mapping[str, Any] = MappingProxyType({})


def _d(value: Any) -> Mapping[str, Any]:
    return value if type(value) is dict else _EMPTY


def _lst(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _s(value: Any) -> str:
    # Called ~30 times per item during a sync: the common case (a string) goes first.
    if type(value) is str:
        return value.strip()
    if value is None or isinstance(value, (dict, list, bool)):
        return ""
    return str(value).strip()


def _f(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        if isinstance(value, (int, float)):
            number = float(value)
        elif isinstance(value, str):
            number = float(value.strip().replace(",", "."))
        else:
            return None
    except (ValueError, OverflowError):  # "abc", or an integer beyond any float
        return None
    # "NaN", "1e999": not a figure anyone can use, and they would stop the parse later.
    return number if math.isfinite(number) else None


def _i(value: Any) -> int | None:
    number = _f(value)
    # SQLite stores integers on 64 bits: a bigger count is garbage, not data.
    return int(number) if number is not None and abs(number) < 2**53 else None


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "oui", "yes"}
    return bool(value)


def parse_date(value: Any) -> date | None:
    """ISO dates and date-times ("2021-01-28T15:00:00.000Z") or "28/01/2021"; else None."""
    text = _s(value)
    if len(text) < 10:
        return None
    try:
        if text[4] == "-":
            return date.fromisoformat(text[:10])
        if text[2] == "/":
            return date(int(text[6:10]), int(text[3:5]), int(text[0:2]))
    except ValueError:
        return None
    return None


def diploma_level(value: Any) -> int | None:
    """3..7 from 5, "5", "5 (BTS, DEUST...)", "Master"…; None when unknown ("Indifférent")."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        level = int(value)
        return level if 3 <= level <= 7 else None
    text = _s(value)
    if not text:
        return None
    if text[0].isdigit():
        level = int(text[0])
        return level if 3 <= level <= 7 else None
    lowered = text.lower()
    for word, level in _LEVEL_WORDS:
        if re.search(rf"\b{word}\b", lowered):
            return level
    return None


def departement_of(insee: str, postcode: str = "") -> str:
    """Département code from an INSEE code (preferred) or a postcode: "15", "2A", "974"."""
    code = insee or postcode
    if len(code) < 2:
        return ""
    head = code[:2].upper()
    if head in {"97", "98"} and len(code) >= 3:
        return code[:3]
    if head in {"2A", "2B"}:
        return head
    if head == "20":
        if insee:
            return ""  # "20xxx" is not a valid INSEE code since 1976
        # Corsican postcodes: 200xx/201xx are Corse-du-Sud, 202xx/206xx Haute-Corse.
        return "2A" if code[:3] in {"200", "201"} else "2B"
    return head if head.isdigit() else ""


def _romes(value: Any) -> tuple[str, ...]:
    codes: list[str] = []
    for entry in _lst(value):
        code = (
            _s(entry.get("code") or entry.get("rome_code"))
            if isinstance(entry, dict)
            else _s(entry)
        )
        code = code.upper()
        # The cheap test first: the list holds one or two codes.
        if code not in codes and _ROME_RE.match(code):
            codes.append(code)
    return tuple(codes)


def _stable_hash(*parts: Any) -> str:
    digest = hashlib.sha1("|".join(_s(p) for p in parts).encode("utf-8")).hexdigest()
    return "h" + digest[:16]


def _split_address(address: str) -> tuple[str, str]:
    """(postcode, commune) from "126 RUE DE L'UNIVERSITE 75007 PARIS", else ("", "")."""
    match = _POSTCODE_CITY_RE.search(address)
    if not match:
        return "", ""
    return match.group(1), match.group(2).strip()


def _latest(item: Item) -> date:
    return item.updated or item.created or date.min


def _key(item: Item) -> str:
    # A plain string: hashing a tuple holding an Enum calls Enum.__hash__ in Python, which
    # dominated deduplication at sync scale. `_value_` is the member's plain attribute; the
    # `value` property costs a Python call per item.
    return f"{item.kind._value_}\x00{item.id}"


def dedupe(items: Iterable[Item]) -> list[Item]:
    """One item per (kind, id), keeping the most recently updated (the later one on ties)."""
    kept: dict[str, Item] = {}
    for item in items:
        key = _key(item)
        previous = kept.get(key)
        if previous is None or _latest(item) >= _latest(previous):
            kept[key] = item
    return list(kept.values())


# --- The collector shared by all parse functions -----------------------------------------


class _Collector:
    """Accumulates items, warnings and counts for one parse; places items without a position."""

    __slots__ = ("items", "locate", "skipped", "warnings", "without_position")

    def __init__(self, locate: Locate | None) -> None:
        self.locate = locate
        self.items: dict[str, Item] = {}
        self.warnings: list[str] = []
        self.skipped = 0
        self.without_position = 0

    def position(self, lat: Any, lon: Any, insee: str, postcode: str) -> tuple[float | None, ...]:
        y, x = _f(lat), _f(lon)
        if (
            y is not None
            and x is not None
            and -90 <= y <= 90
            and -180 <= x <= 180
            and not (y == 0 and x == 0)  # (0, 0) is an unset position upstream, not the sea
        ):
            return y, x
        if self.locate is not None and (insee or postcode):
            found = self.locate(insee, postcode)
            if found is not None:
                return float(found[0]), float(found[1])
        self.without_position += 1
        return None, None

    def add(self, item: Item) -> None:
        key = _key(item)
        previous = self.items.get(key)
        if previous is None or _latest(item) >= _latest(previous):
            self.items[key] = item

    def subsource_failed(self, name: str, body: Mapping[str, Any]) -> None:
        label = _SUBSOURCE_LABELS.get(name, name)
        reason = _s(body.get("message")) or _s(body.get("error")) or "erreur inconnue"
        self.warnings.append(f"Source « {label} » indisponible : {reason}")

    def outcome(self) -> ParseOutcome:
        return ParseOutcome(
            items=tuple(self.items.values()),
            warnings=tuple(self.warnings),
            skipped=self.skipped,
            without_position=self.without_position,
        )


def _is_error(body: Any) -> bool:
    return isinstance(body, dict) and body.get("result") == "error"


# --- Trainings -----------------------------------------------------------------------------


def _formation(raw: Any, col: _Collector) -> None:
    if not isinstance(raw, dict):
        col.skipped += 1
        return
    item_id = _s(raw.get("cleMinistereEducatif")) or _s(raw.get("id"))
    if not item_id:
        col.skipped += 1
        return
    place = _d(raw.get("place"))
    company = _d(raw.get("company"))
    headquarter = _d(company.get("headquarter"))
    training = _d(raw.get("training"))
    contact = _d(raw.get("contact"))
    insee = _s(place.get("insee"))
    postcode = _s(place.get("zipCode"))
    lat, lon = col.position(place.get("latitude"), place.get("longitude"), insee, postcode)
    rdv = raw.get("rdvContext")
    rdv_url = _s(_d(rdv).get("form_url")) or _s(raw.get("rdvUrl"))
    sessions = [
        {
            "start": _s(s.get("startDate")) or None,
            "end": _s(s.get("endDate")) or None,
            "permanent": _bool(s.get("isPermanentEntry")),
        }
        for s in _lst(training.get("sessions"))
        if isinstance(s, dict)
    ]
    onisep = _s(raw.get("onisepUrl"))
    col.add(
        Item(
            kind=Kind.FORMATION,
            id=item_id,
            title=_s(raw.get("title")) or _s(raw.get("longTitle")) or _s(raw.get("diploma")),
            organisation=_s(company.get("name")),
            address=_s(place.get("fullAddress")) or _s(place.get("address")),
            commune=_s(place.get("city")),
            insee=insee,
            postcode=postcode,
            departement=departement_of(insee, postcode) or _s(place.get("departementNumber")),
            lat=lat,
            lon=lon,
            romes=_romes(raw.get("romes")),
            diploma_level=diploma_level(raw.get("target_diploma_level") or raw.get("diplomaLevel")),
            source=SOURCE_FORMATIONS,
            created=parse_date(raw.get("createdAt")),
            updated=parse_date(raw.get("lastUpdateAt") or raw.get("updatedAt")),
            phone=_s(contact.get("phone")),
            email=_s(contact.get("email")),
            url=onisep,
            siret=_s(company.get("siret")),
            handi_friendly=_bool(company.get("elligibleHandicap")),
            details={
                "cfa": _s(company.get("name")),
                "cfa_gestionnaire": _s(headquarter.get("name")),
                "uai": _s(company.get("uai")),
                "diploma": _s(raw.get("diploma")),
                "long_title": _s(raw.get("longTitle")),
                "cfd": _s(raw.get("cfd")),
                "rncp_code": _s(raw.get("rncpCode")),
                "rncp_label": _s(raw.get("rncpLabel")),
                "sessions": sessions,
                "duration": _f(training.get("duration")),
                "description": _s(training.get("description")),
                "objectif": _s(training.get("objectif")),
                "capacity": _s(raw.get("capacity")),
                "onisep_url": onisep,
                "rdv_eligible": bool(rdv) or _bool(raw.get("elligibleForRdv")) or bool(rdv_url),
                "rdv_url": rdv_url,
            },
        )
    )


# --- V3 jobs and recruiters ---------------------------------------------------------------


def _place_fields(
    address: str, postcode: str, commune: str, insee: str, lat: float | None, lon: float | None
) -> dict[str, Any]:
    """The location fields of an `Item`, by name, for `Item(**fields, ...)`."""
    return {
        "address": address,
        "postcode": postcode,
        "commune": commune,
        "insee": insee,
        "departement": departement_of(insee, postcode),
        "lat": lat,
        "lon": lon,
    }


def _workplace(raw: Mapping[str, Any], col: _Collector) -> dict[str, Any]:
    """Fields shared by V3 jobs and recruiters (organisation, place, company details)."""
    workplace = _d(raw.get("workplace"))
    location = _d(workplace.get("location"))
    domain = _d(workplace.get("domain"))
    naf = _d(domain.get("naf"))
    address = _s(location.get("address"))
    postcode, commune = _split_address(address)
    insee = _s(location.get("insee"))
    coords = _lst(_d(location.get("geopoint")).get("coordinates"))
    lon_raw, lat_raw = (coords[0], coords[1]) if len(coords) >= 2 else (None, None)
    lat, lon = col.position(lat_raw, lon_raw, insee, postcode)
    brand = _s(workplace.get("brand"))
    legal_name = _s(workplace.get("legal_name"))
    return {
        "siret": _s(workplace.get("siret")),
        "name": _s(workplace.get("name")) or brand or legal_name,
        "brand": brand,
        "legal_name": legal_name,
        "place": _place_fields(address, postcode, commune, insee, lat, lon),
        "opco": _s(domain.get("opco")),
        "naf_code": _s(naf.get("code")),
        "naf_label": _s(naf.get("label")),
        "idcc": _i(domain.get("idcc")),
        "size": _s(workplace.get("size")),
        "website": _s(workplace.get("website")),
        "company_description": _s(workplace.get("description")),
    }


def _source_of_partner(label: str) -> str:
    lowered = label.lower()
    if "france travail" in lowered or "pole emploi" in lowered or "pôle emploi" in lowered:
        return SOURCE_FRANCE_TRAVAIL
    if lowered in {"offres_emploi_lba", "la bonne alternance", "lba", "matcha"}:
        return SOURCE_RECRUTEURS_LBA
    return SOURCE_PARTENAIRES


def _v3_job(raw: Any, col: _Collector) -> None:
    if not isinstance(raw, dict):
        col.skipped += 1
        return
    identifier = _d(raw.get("identifier"))
    offer = _d(raw.get("offer"))
    partner = _s(identifier.get("partner_label"))
    partner_job_id = _s(identifier.get("partner_job_id"))
    item_id = _s(identifier.get("id")) or (f"{partner}:{partner_job_id}" if partner_job_id else "")
    if not item_id or _s(offer.get("status")).lower() in _CLOSED_STATUSES:
        col.skipped += 1
        return
    wp = _workplace(raw, col)
    apply = _d(raw.get("apply"))
    contract = _d(raw.get("contract"))
    publication = _d(offer.get("publication"))
    target = _d(offer.get("target_diploma"))
    delegated = _bool(raw.get("is_delegated"))
    contract_type = contract.get("type")
    col.add(
        Item(
            kind=Kind.PARTENARIAT if delegated else Kind.OFFRE,
            id=item_id,
            title=_s(offer.get("title")),
            organisation=wp["name"],
            **wp["place"],
            romes=_romes(offer.get("rome_codes")),
            diploma_level=diploma_level(target.get("european") or target.get("label")),
            source=_source_of_partner(partner),
            created=parse_date(publication.get("creation")),
            updated=parse_date(raw.get("updated_at") or publication.get("creation")),
            phone=_s(apply.get("phone")),
            url=_s(apply.get("url")),
            siret=wp["siret"],
            opco=wp["opco"],
            handi_friendly=_bool(
                raw.get("is_disabled_elligible") or offer.get("is_disabled_elligible")
            ),
            details={
                "partner_label": partner,
                "partner_job_id": partner_job_id,
                "delegated": delegated,
                "contract_type": [_s(t) for t in _lst(contract_type)] or _s(contract_type),
                "contract_start": _s(contract.get("start")) or None,
                "contract_duration_months": _i(contract.get("duration")),
                "remote": _s(contract.get("remote")),
                "description": _s(offer.get("description")),
                "desired_skills": [_s(x) for x in _lst(offer.get("desired_skills"))],
                "to_be_acquired_skills": [_s(x) for x in _lst(offer.get("to_be_acquired_skills"))],
                "access_conditions": [_s(x) for x in _lst(offer.get("access_conditions"))],
                "opening_count": _i(offer.get("opening_count")),
                "status": _s(offer.get("status")),
                "expiration": _s(publication.get("expiration")) or None,
                "target_diploma_label": _s(target.get("label")),
                "apply_url": _s(apply.get("url")),
                "apply_recipient_id": _s(apply.get("recipient_id")),
                "naf_code": wp["naf_code"],
                "naf_label": wp["naf_label"],
                "idcc": wp["idcc"],
                "size": wp["size"],
                "brand": wp["brand"],
                "legal_name": wp["legal_name"],
                "website": wp["website"],
                "company_description": wp["company_description"],
            },
        )
    )


def _algo_fields(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Hiring-potential fields some payloads carry (not in the spec): kept when present."""
    found: dict[str, Any] = {}
    for key in ("algo", "score", "hiring_potential", "hiringPotential", "normalized_score"):
        value = raw.get(key)
        if isinstance(value, (int, float, str)):
            found[key] = value
        elif isinstance(value, dict):
            found[key] = {k: v for k, v in value.items() if isinstance(v, (int, float, str, bool))}
    return found


def _v3_recruiter(raw: Any, col: _Collector) -> None:
    if not isinstance(raw, dict):
        col.skipped += 1
        return
    siret = _s(_d(raw.get("workplace")).get("siret"))
    if not siret:
        col.skipped += 1
        return
    wp = _workplace(raw, col)
    apply = _d(raw.get("apply"))
    col.add(
        Item(
            kind=Kind.ENTREPRISE,
            id=siret,
            title=wp["brand"] or wp["name"],
            organisation=wp["legal_name"] or wp["name"],
            **wp["place"],
            romes=_romes(raw.get("rome_codes") or _d(raw.get("offer")).get("rome_codes")),
            source=SOURCE_ALGO,
            updated=parse_date(raw.get("updated_at")),
            phone=_s(apply.get("phone")),
            url=_s(apply.get("url")) or wp["website"],
            siret=siret,
            opco=wp["opco"],
            handi_friendly=_bool(raw.get("is_disabled_elligible")),
            details={
                "recruiter_id": _s(_d(raw.get("identifier")).get("id")),
                "why": _WHY_ALGO,
                "naf_code": wp["naf_code"],
                "naf_label": wp["naf_label"],
                "idcc": wp["idcc"],
                "size": wp["size"],
                "brand": wp["brand"],
                "legal_name": wp["legal_name"],
                "website": wp["website"],
                "company_description": wp["company_description"],
                "apply_url": _s(apply.get("url")),
                "apply_recipient_id": _s(apply.get("recipient_id")),
                **_algo_fields(raw),
            },
        )
    )


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
    for raw in results:
        _v1_item(raw, col, default)


# --- Public entry points ------------------------------------------------------------------


@gc_paused()
def parse_formations(payload: Any, *, locate: Locate | None = None) -> ParseOutcome:
    """`/v1/formations`, `/v1/formationsParRegion`, `/v1/formations/formation/{id}` answers."""
    col = _Collector(locate)
    if _is_error(payload):
        col.subsource_failed("formations", payload)
    elif isinstance(payload, list):
        for raw in payload:
            _formation(raw, col)
    else:
        results = _d(payload).get("results")
        if isinstance(results, list):
            for raw in results:
                _formation(raw, col)
        else:
            col.warnings.append("Réponse des formations sans liste de résultats")
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
        for raw in payload:
            _v3_job(raw, col)
        return col.outcome()
    body = _d(payload)
    for name, parse_one in (("jobs", _v3_job), ("recruiters", _v3_recruiter)):
        part = body.get(name)
        if _is_error(part):
            col.subsource_failed(name, part)
            continue
        for raw in _lst(part):
            parse_one(raw, col)
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


def _looks_v3_job(raw: Mapping[str, Any]) -> bool:
    return "identifier" in raw and ("offer" in raw or "workplace" in raw)


@gc_paused()
def parse_any(payload: Any, *, locate: Locate | None = None) -> ParseOutcome:
    """Detect the shape (V1 trainings/jobs, V3 search/export, a list of items) and parse it."""
    if isinstance(payload, list):
        col = _Collector(locate)
        for raw in payload:
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
