"""The upstream's own query validation, shared by the clients (before sending) and the fake server.

Each `validate_*` takes the query parameters as the upstream receives them (strings, or Python
values from a client) and returns the upstream error messages, in the upstream's wording
(English for the V1 `wrong_parameters` answers, Zod-style `querystring.x: …` for V3); an empty
list means the query is accepted.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

# `options` value adding the training texts (2026): one constant for both checks.
from lba_desktop.data.upstream_querystring import OPTIONS_LITERAL as WITH_DESCRIPTION
from lba_desktop.models import DIPLOMA_LEVELS, MAX_RADIUS_KM, MAX_ROMES

ALL_FRANCE_RADIUS = 20000  # the one radius above the maximum the upstream accepts
ROME_RE = re.compile(r"^[A-Za-z][0-9]{4}$")
RNCP_RE = re.compile(r"^RNCP[0-9]{2,5}$")
ROME_DOMAIN_RE = re.compile(r"^[A-Za-z]([0-9]{2})?$")
INSEE_RE = re.compile(r"^[0-9][abAB0-9][0-9]{3}$")
# The upstream only takes digits: Corsica is reached through its région (94).
DEPARTEMENT_RE = re.compile(r"^[0-9]{2,3}$")
REGION_CODES = frozenset(
    {"01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75", "76",
     "84", "93", "94"}
)  # fmt: skip
DIPLOMA_VALUES = frozenset({"INDIFFERENT", *DIPLOMA_LEVELS.values()})
# The ROME codes of an RNCP certification, or None when it is not known.
RncpRomes = Callable[[str], "tuple[str, ...] | None"]
TARGET_DIPLOMA_LEVELS = frozenset({"3", "4", "5", "6", "7"})
OPCO_VALUES = frozenset(
    {
        "AFDAS",
        "AKTO / Opco entreprises et salariés des services à forte intensité de main d'oeuvre",
        "ATLAS",
        "Constructys",
        "L'Opcommerce",
        "OCAPIAT",
        "OPCO 2i",
        "Opco entreprises de proximité",
        "Opco Mobilités",
        "Opco Santé",
        "Uniformation, l'Opco de la Cohésion sociale",
        "inconnu",
        "OPCO multiple",
    }
)

MSG_CALLER = "caller : caller is missing."
MSG_ROMES_TOO_MANY = f"romes : Too many rome codes. Maximum is {MAX_ROMES}."
MSG_ROMES_FORMAT = (
    "romes : Badly formatted rome codes. Rome code must be one letter followed by 4 digit "
    "number. ex : A1234"
)
MSG_ROMES_MISSING = "romes or rncp : You must specify at least 1 rome code or a rncp code."
MSG_ROMES_AND_RNCP = "romes or rncp : You must specify either a rncp code or 1 or more rome codes."
MSG_RNCP_FORMAT = (
    "rncp : Badly formatted rncp code. RNCP code must include 'RNCP' prefix followed by 2 to 5 "
    "digit number. ex : RNCP12, RNCP12345 ..."
)
MSG_RNCP_UNKNOWN = "rncp : Rncp code not recognized. Please check that it exists. ({rncp})"
MSG_ROME_OR_DOMAIN = (
    "romes, romeDomain : You must define at least 1 rome code OR a single romeDomain."
)
MSG_ROME_AND_DOMAIN = "romes, romeDomain : You must define either romes OR romeDomain, not both."
MSG_DOMAIN_FORMAT = (
    "romeDomain : Badly formatted romeDomain. Rome domain must be one letter or one letter "
    "followed by 2 digit number. ex : A or A12"
)
MSG_RADIUS_MISSING = "radius : Search radius is missing."
MSG_RADIUS_NAN = "radius : Search radius must be a number."
MSG_RADIUS_RANGE = f"radius : Search radius must be a number between 0 and {MAX_RADIUS_KM}."
MSG_LAT_MISSING = "latitude : Search center latitude is missing."
MSG_LAT_NAN = "latitude : Search center latitude must be a number."
MSG_LAT_RANGE = "latitude : Search center latitude must be a number between -90 and 90."
MSG_LON_MISSING = "longitude : Search center longitude is missing."
MSG_LON_NAN = "longitude : Search center longitude must be a number."
MSG_LON_RANGE = "longitude : Search center longitude must be a number between -180 and 180."
MSG_DIPLOMA = (
    "diploma : Optional diploma argument used with wrong value. Should contains only one of "
    + ", ".join(f'"{v}"' for v in DIPLOMA_LEVELS.values())
    + "."
)
MSG_INSEE_MISSING = "insee : insee city code is missing."
MSG_INSEE_FORMAT = "insee : Badly formatted insee city code. Must be 5 digit number."
MSG_REGION_AND_DEP = "region, departement : You must define either region OR departement, not both."
MSG_DEP_FORMAT = (
    "departement : Badly formatted departement. departement must be a two digit number or three "
    "digit number for overseas departments. ex : 01 or 974"
)
MSG_REGION_FORMAT = "region : Badly formatted region. region must be a two digit number. ex : 01"
MSG_REGION_UNKNOWN = (
    "region : Badly formatted region. region must be one of the allowed values as described in "
    "the api online doc."
)
MSG_REGION_OR_ROME = (
    "region, departement, romes, romeDomain : You must assign a value to at least one of these "
    "parameters."
)
MSG_TITLE_MISSING = "title : Title is missing."
MSG_ID_FORMAT = "id : Badly formatted id."


def _text(value: Any) -> str | None:
    """The parameter as the upstream sees it: None when absent or empty."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = ",".join(str(v) for v in value)
    text = str(value).strip()
    return text or None


def _number(value: Any) -> float | None:
    """float(value), NaN when not a number, None when absent."""
    text = _text(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        return math.nan
    return number


# The public site's pages call the API without `caller`: upstream knows them by their Referer
# (its production site, not its documentation pages).
_LBA_ORIGIN_RE = re.compile(r"^https://labonnealternance.apprentissage.beta.gouv.fr", re.IGNORECASE)


def is_origin_local(referer: str | None) -> bool:
    """True for a Referer of the upstream's own site, whose calls need no `caller`."""
    if not referer:
        return False
    return bool(_LBA_ORIGIN_RE.match(referer)) and "api-docs" not in referer


def _check_caller(params: Mapping[str, Any], errors: list[str], referer: str | None) -> None:
    if _text(params.get("caller")) is None and not is_origin_local(referer):
        errors.append(MSG_CALLER)


def _check_romes(romes: str, errors: list[str]) -> None:
    codes = romes.split(",")
    if len(codes) > MAX_ROMES:
        errors.append(MSG_ROMES_TOO_MANY)
    if not all(ROME_RE.match(code) for code in codes):
        errors.append(MSG_ROMES_FORMAT)


def _check_rome_or_domain(params: Mapping[str, Any], errors: list[str], *, optional: bool) -> None:
    romes = _text(params.get("romes"))
    domain = _text(params.get("romeDomain"))
    if not optional and romes is None and domain is None:
        errors.append(MSG_ROME_OR_DOMAIN)
    elif romes is not None and domain is not None:
        errors.append(MSG_ROME_AND_DOMAIN)
    elif romes is not None:
        _check_romes(romes, errors)
    elif domain is not None and not ROME_DOMAIN_RE.match(domain):
        errors.append(MSG_DOMAIN_FORMAT)


def _check_range(
    value: float | None, low: float, high: float, msgs: tuple[str, str, str], errors: list[str]
) -> None:
    missing, nan, out_of_range = msgs
    if value is None:
        errors.append(missing)
    elif math.isnan(value):
        errors.append(nan)
    elif not low <= value <= high:
        errors.append(out_of_range)


def _check_position(params: Mapping[str, Any], errors: list[str]) -> bool:
    """Latitude, longitude and radius, required together; False when no position is given."""
    lat = _number(params.get("latitude"))
    lon = _number(params.get("longitude"))
    if lat is None and lon is None:
        return False
    _check_range(lat, -90, 90, (MSG_LAT_MISSING, MSG_LAT_NAN, MSG_LAT_RANGE), errors)
    _check_range(lon, -180, 180, (MSG_LON_MISSING, MSG_LON_NAN, MSG_LON_RANGE), errors)
    radius = _number(params.get("radius"))
    if radius is None:
        errors.append(MSG_RADIUS_MISSING)
    elif math.isnan(radius):
        errors.append(MSG_RADIUS_NAN)
    elif not (0 <= radius <= MAX_RADIUS_KM or radius == ALL_FRANCE_RADIUS):
        errors.append(MSG_RADIUS_RANGE)
    return True


def _check_diploma(params: Mapping[str, Any], errors: list[str]) -> None:
    diploma = _text(params.get("diploma"))
    if diploma is not None and diploma not in DIPLOMA_VALUES:
        errors.append(MSG_DIPLOMA)


def _check_insee(params: Mapping[str, Any], errors: list[str], *, required: bool) -> None:
    insee = _text(params.get("insee"))
    if insee is None:
        if required:
            errors.append(MSG_INSEE_MISSING)
    elif not INSEE_RE.match(insee):
        errors.append(MSG_INSEE_FORMAT)


def _check_options(params: Mapping[str, Any], errors: list[str]) -> None:
    """`options`: the one value the 2026 routes know, which adds the training texts."""
    options = _text(params.get("options"))
    if options is not None and options != WITH_DESCRIPTION:
        errors.append(f"options : seule la valeur « {WITH_DESCRIPTION} » est possible")


def validate_formations(params: Mapping[str, Any], *, referer: str | None = None) -> list[str]:
    """`GET /v1/formations`: romes or romeDomain, an optional position with its radius."""
    errors: list[str] = []
    _check_caller(params, errors, referer)
    _check_rome_or_domain(params, errors, optional=False)
    _check_position(params, errors)
    _check_diploma(params, errors)
    _check_options(params, errors)
    return errors


def validate_formations_par_region(
    params: Mapping[str, Any], *, referer: str | None = None
) -> list[str]:
    """`GET /v1/formationsParRegion`: a département or a région, and/or romes or a domain."""
    errors: list[str] = []
    _check_caller(params, errors, referer)
    _check_rome_or_domain(params, errors, optional=True)
    region = _text(params.get("region"))
    departement = _text(params.get("departement"))
    if region is not None and departement is not None:
        errors.append(MSG_REGION_AND_DEP)
    elif departement is not None:
        if not DEPARTEMENT_RE.match(departement):
            errors.append(MSG_DEP_FORMAT)
    elif region is not None:
        if not re.match(r"^[0-9]{2}$", region):
            errors.append(MSG_REGION_FORMAT)
        if region not in REGION_CODES:
            errors.append(MSG_REGION_UNKNOWN)
    if (
        region is None
        and departement is None
        and _text(params.get("romes")) is None
        and _text(params.get("romeDomain")) is None
    ):
        errors.append(MSG_REGION_OR_ROME)
    _check_diploma(params, errors)
    _check_options(params, errors)
    return errors


def validate_formation_id(formation_id: str) -> list[str]:
    """`GET /v1/formations/formation/{id}`: a non-empty id without path separators."""
    if not formation_id or not re.match(r"^[A-Za-z0-9._|#-]+$", formation_id):
        return [MSG_ID_FORMAT]
    return []


def validate_metiers(params: Mapping[str, Any]) -> list[str]:
    """`GET /v1/metiers`: `title` is required."""
    return [] if _text(params.get("title")) else [MSG_TITLE_MISSING]


def _check_romes_or_rncp(
    params: Mapping[str, Any], errors: list[str], rncp_romes: RncpRomes | None
) -> None:
    romes = _text(params.get("romes"))
    rncp = _text(params.get("rncp"))
    if romes is not None and rncp is not None:
        errors.append(MSG_ROMES_AND_RNCP)
    elif romes is not None:
        _check_romes(romes, errors)
    elif rncp is not None:
        if not RNCP_RE.match(rncp):
            errors.append(MSG_RNCP_FORMAT)
        elif rncp_romes is not None and not rncp_romes(rncp):
            errors.append(MSG_RNCP_UNKNOWN.format(rncp=rncp))
    else:
        errors.append(MSG_ROMES_MISSING)


def validate_v1_jobs(
    params: Mapping[str, Any],
    *,
    referer: str | None = None,
    rncp_romes: RncpRomes | None = None,
    with_trainings: bool = False,
) -> list[str]:
    """Retired `GET /v1/jobs` and `/v1/jobsEtFormations` (`with_trainings`): romes or an RNCP
    code (`rncp_romes` gives its ROME codes, None when unknown; not given: any well-formed code
    is taken), a position with its radius, insee with the position."""
    errors: list[str] = []
    _check_caller(params, errors, referer)
    _check_romes_or_rncp(params, errors, rncp_romes)
    has_caller = _text(params.get("caller")) is not None
    if _check_position(params, errors) and has_caller and not with_trainings:
        _check_insee(params, errors, required=True)
    # jobsEtFormations asks for insee whenever a longitude is given, caller or not.
    if with_trainings and _text(params.get("longitude")) is not None:
        _check_insee(params, errors, required=True)
    _check_diploma(params, errors)
    return errors


def validate_jobs_search(params: Mapping[str, Any]) -> list[str]:
    """`GET /v3/jobs/search` (Zod schema upstream): messages as `querystring.<name>: <reason>`."""
    errors: list[str] = []
    bounds = {"latitude": (-90, 90), "longitude": (-180, 180), "radius": (0, MAX_RADIUS_KM)}
    for name, (low, high) in bounds.items():
        value = _number(params.get(name))
        if value is None:
            continue
        if math.isnan(value):
            errors.append(f"querystring.{name}: Number attendu")
        elif value < low:
            errors.append(f"querystring.{name}: Number doit être supérieur ou égal à {low}")
        elif value > high:
            errors.append(f"querystring.{name}: Number doit être inférieur ou égal à {high}")
    has_lat = _text(params.get("latitude")) is not None
    has_lon = _text(params.get("longitude")) is not None
    if has_lat != has_lon:
        missing = "longitude" if has_lat else "latitude"
        errors.append(f"querystring.{missing}: latitude et longitude vont ensemble")
    romes = _text(params.get("romes"))
    if romes is not None:
        codes = romes.split(",")
        if len(codes) > MAX_ROMES:
            errors.append(f"querystring.romes: {MAX_ROMES} codes ROME au maximum")
        if not all(ROME_RE.match(code) for code in codes):
            errors.append("querystring.romes: Code ROME invalide (format A1234)")
    level = _text(params.get("target_diploma_level"))
    if level is not None and level not in TARGET_DIPLOMA_LEVELS:
        errors.append(
            "querystring.target_diploma_level: Valeur invalide, attendu '3' | '4' | '5' | '6' | '7'"
        )
    departements = _text(params.get("departements"))
    if departements is not None and not all(
        re.match(r"^([0-9]{2,3}|2[ABab])$", d) for d in departements.split(",")
    ):
        errors.append("querystring.departements: Code département invalide")
    opco = _text(params.get("opco"))
    if opco is not None and opco not in OPCO_VALUES:
        errors.append("querystring.opco: Valeur d'OPCO invalide")
    handi = _text(params.get("elligibleHandicapFilter"))
    if handi is not None and handi not in ("true", "false"):
        errors.append("querystring.elligibleHandicapFilter: Booléen attendu (true ou false)")
    return errors


def wrong_parameters_body(messages: Iterable[str]) -> dict[str, Any]:
    """The V1 400 body: `{"error": "wrong_parameters", "error_messages": [...]}`."""
    return {"error": "wrong_parameters", "error_messages": list(messages)}


def zod_error_body(messages: Iterable[str]) -> dict[str, Any]:
    """The V3 400 body (Fastify + Zod): `{statusCode, error, message, data.validationError}`."""
    found = list(messages)
    issues = []
    for message in found:
        where, _, reason = message.partition(": ")
        issues.append({"path": where.split(".")[1:], "message": reason, "code": "custom"})
    return {
        "statusCode": 400,
        "error": "Bad Request",
        "message": ", ".join(found),
        "data": {
            "validationError": {
                "name": "ZodError",
                "statusCode": 400,
                "code": "FST_ERR_VALIDATION",
                "validationContext": "querystring",
                "issues": issues,
            }
        },
    }


# API Apprentissage's trainings search (its Zod schema): pages of at most 1,000.
FORMATION_PAGE_MAX = 1_000
RNCP_API_RE = re.compile(r"^RNCP\d{3,5}$")
EUROPEAN_LEVELS = frozenset("12345678")


def _whole(value: Any) -> float | None:
    number = _number(value)
    return number if number is not None and not math.isnan(number) else None


def validate_formation_search(params: Mapping[str, Any]) -> list[str]:
    """`GET /formation/v1/search`: messages as `querystring.<name>: <reason>`."""
    errors: list[str] = []
    for name, low, high in (("page_size", 1, FORMATION_PAGE_MAX), ("page_index", 0, None)):
        raw = _text(params.get(name))
        if raw is None:
            continue
        value = _whole(raw)
        if value is None or value != int(value):
            errors.append(f"querystring.{name}: Nombre entier attendu")
        elif value < low or (high is not None and value > high):
            bound = f"entre {low} et {high}" if high is not None else f"supérieur ou égal à {low}"
            errors.append(f"querystring.{name}: doit être {bound}")
    for name, (low, high) in {
        "latitude": (-90, 90),
        "longitude": (-180, 180),
        "radius": (0, MAX_RADIUS_KM),
    }.items():
        raw = _text(params.get(name))
        if raw is None:
            continue
        value = _whole(raw)
        if value is None:
            errors.append(f"querystring.{name}: Nombre attendu")
        elif not low <= value <= high:
            errors.append(f"querystring.{name}: doit être comprise entre {low} et {high}")
    has_lat = _text(params.get("latitude")) is not None
    has_lon = _text(params.get("longitude")) is not None
    if has_lat and not has_lon:
        errors.append(
            "querystring.longitude: La longitude est requise lorsque la latitude est fournie"
        )
    if has_lon and not has_lat:
        errors.append(
            "querystring.latitude: La latitude est requise lorsque la longitude est fournie"
        )
    romes = _text(params.get("romes"))
    if romes is not None and not all(ROME_RE.match(c) for c in romes.strip().split(",")):
        errors.append("querystring.romes: Code ROME invalide (format A1234)")
    rncp = _text(params.get("rncp"))
    if rncp is not None and not RNCP_API_RE.match(rncp):
        errors.append(
            f"querystring.rncp: Invalid string: must match pattern /{RNCP_API_RE.pattern}/"
        )
    level = _text(params.get("target_diploma_level"))
    if level is not None and level not in EUROPEAN_LEVELS:
        errors.append("querystring.target_diploma_level: Valeur invalide, attendu '1' à '8'")
    return errors
