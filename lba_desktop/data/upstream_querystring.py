"""The upstream's request schemas (checked before its own rules): number, enum and list types.

Upstream declares each route's query string as a Zod schema and answers a value of the wrong
type with its schema-validation body (`{statusCode, error: "Bad Request", message:
"querystring.radius: Expected number, received nan", data}`), before its own `wrong_parameters`
rules run. Here each route's fields are listed in the upstream's order (the order of the
messages), with the types that are checked; the messages are Zod's English ones, the language
the upstream server sets. `coerce` then gives the values as upstream's rules receive them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from lba_desktop.models import DIPLOMA_LEVELS

# `sources` of the V1 job routes, in the upstream's enum order (its message lists them so).
SOURCE_VALUES = ("formation", "matcha", "lba", "lbb", "offres", "peJob", "partnerJob")
# The diploma enum upstream checks: its keys, "INDIFFERENT" first.
DIPLOMA_ENUM = ("INDIFFERENT", *DIPLOMA_LEVELS.values())
OPTIONS_LITERAL = "with_description"
MSG_SOURCES = (
    "Invalid source format. Must be a comma-separated list of valid sources of "
    + ",".join(SOURCE_VALUES)
)

MSG_SIRET_LUHN = (
    "Le siret ne respecte pas l'algorithme luhn (https://fr.wikipedia.org/wiki/Formule_de_Luhn)"
)

# JavaScript's Number(text) after trimming: decimal, hexadecimal, octal, binary, Infinity.
_JS_DECIMAL = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")
_JS_RADIX = re.compile(r"^0(?:[xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)$")
_JS_INFINITY = re.compile(r"^[+-]?Infinity$")


def js_number(text: str) -> float:
    """`Number(text)` as JavaScript computes it (what `z.coerce.number()` does); NaN if not."""
    text = text.strip()
    if not text:
        return 0.0
    if _JS_DECIMAL.match(text):
        return float(text)
    if _JS_RADIX.match(text):
        return float(int(text, 0))
    if _JS_INFINITY.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    return float("nan")


@dataclass(frozen=True, slots=True)
class Field:
    """One query parameter as the upstream's schema declares it."""

    name: str
    kind: str = "string"  # "string", "number", "diploma", "sources", "options", "required"
    default: float | None = None


def _fields(*specs: str | Field) -> tuple[Field, ...]:
    return tuple(Field(s) if isinstance(s, str) else s for s in specs)


_NUMBER = "number"
_LAT = Field("latitude", _NUMBER)
_LON = Field("longitude", _NUMBER)
_RADIUS = Field("radius", _NUMBER)
_DIPLOMA = Field("diploma", "diploma")
_OPTIONS = Field("options", "options")
_SOURCES = Field("sources", "sources")

V1_FORMATIONS = _fields(
    "romes", "romeDomain", _LAT, _LON, Field("radius", _NUMBER, 30), _DIPLOMA, "caller", _OPTIONS
)
V1_FORMATIONS_PAR_REGION = _fields("romes", "romeDomain", "caller", "departement", "region",
                                   _DIPLOMA, _OPTIONS)  # fmt: skip
V1_JOBS = _fields(
    "romes", "rncp", "caller", _LAT, _LON, _RADIUS, "insee", _SOURCES, _DIPLOMA, "opco", "opcoUrl"
)
V1_JOBS_ET_FORMATIONS = (*V1_JOBS, _OPTIONS)
V1_JOBS_MIN = _fields(
    "romes", "rncp", "caller", _LAT, _LON, _RADIUS, "insee", _DIPLOMA, "opco", "opcoUrl"
)
V1_CALLER_ONLY = _fields("caller")
V1_METIERS_INTITULE = (Field("label", "required"),)  # strict: nothing else is accepted


def _issue_number(field: Field, raw: Any) -> dict[str, Any] | None:
    if js_number(str(raw)) == js_number(str(raw)):  # not NaN
        return None
    return {
        "code": "invalid_type",
        "expected": "number",
        "received": "nan",
        "path": [field.name],
        "message": "Expected number, received nan",
    }


def _issue_enum(field: Field, raw: str, options: tuple[str, ...]) -> dict[str, Any] | None:
    if raw in options:
        return None
    joined = " | ".join(f"'{o}'" for o in options)
    return {
        "received": raw,
        "code": "invalid_enum_value",
        "options": list(options),
        "path": [field.name],
        "message": f"Invalid enum value. Expected {joined}, received '{raw}'",
    }


def _issue(field: Field, raw: Any) -> dict[str, Any] | None:
    text = ",".join(map(str, raw)) if isinstance(raw, (list, tuple)) else str(raw)
    if field.kind == _NUMBER:
        return _issue_number(field, text)
    if field.kind == "diploma":
        return _issue_enum(field, text, DIPLOMA_ENUM)
    if field.kind == "options" and text != OPTIONS_LITERAL:
        return {
            "received": text,
            "code": "invalid_literal",
            "expected": OPTIONS_LITERAL,
            "path": [field.name],
            "message": f'Invalid literal value, expected "{OPTIONS_LITERAL}"',
        }
    if field.kind == "required" and not text:
        return {
            "code": "too_small",
            "minimum": 1,
            "type": "string",
            "inclusive": True,
            "exact": False,
            "message": "String must contain at least 1 character(s)",
            "path": [field.name],
        }
    if field.kind == "sources" and not all(s in SOURCE_VALUES for s in text.split(",")):
        return {"code": "custom", "message": MSG_SOURCES, "path": [field.name]}
    return None


def issues(
    fields: Iterable[Field], params: Mapping[str, Any], *, strict: bool = False
) -> list[dict[str, Any]]:
    """The Zod issues of `params` against a route's fields, in the upstream's order.

    `strict` refuses parameters the route does not declare, as upstream does for the few
    routes whose schema is strict without passthrough (a single item by its id).
    """
    fields = tuple(fields)
    found: list[dict[str, Any]] = []
    for field in fields:
        raw = params.get(field.name)
        if raw is None:
            if field.kind == "required":
                found.append(
                    {
                        "code": "invalid_type",
                        "expected": "string",
                        "received": "undefined",
                        "path": [field.name],
                        "message": "Required",
                    }
                )
            continue
        issue = _issue(field, raw)
        if issue is not None:
            found.append(issue)
    if strict:
        names = {f.name for f in fields}
        unknown = [k for k in params if k not in names]
        if unknown:
            keys = ", ".join(f"'{k}'" for k in unknown)
            found.append(
                {
                    "code": "unrecognized_keys",
                    "keys": unknown,
                    "path": [],
                    "message": f"Unrecognized key(s) in object: {keys}",
                }
            )
    return found


def coerce(fields: Iterable[Field], params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters as upstream's rules see them: numbers as numbers, defaults filled in.

    Call it on parameters without `issues`. Upstream then drops a latitude or longitude of 0
    (its handlers test them as booleans), so they count as absent here too.
    """
    values = dict(params)
    for field in fields:
        raw = values.get(field.name)
        if field.kind == _NUMBER:
            if raw is None:
                if field.default is not None:
                    values[field.name] = field.default
                continue
            number = js_number(str(raw))
            if field.name in ("latitude", "longitude") and number == 0:
                del values[field.name]
            else:
                values[field.name] = number
    return values


def luhn_valid(digits: str) -> bool:
    """The Luhn check upstream applies to a SIRET (with La Poste's establishments, whose
    SIRETs fail it, checked as upstream does: digit sum divisible by 5)."""
    if len(digits) != 14 or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    if total % 10 == 0:
        return True
    return digits.startswith("356000000") and sum(map(int, digits)) % 5 == 0


def siret_issues(siret: str) -> list[dict[str, Any]]:
    """A SIRET in a path, as upstream's schema checks it: 14 digits, then the Luhn check."""
    siret = siret.strip()
    found: list[dict[str, Any]] = []
    if not re.fullmatch(r"\d{14}", siret):
        found.append(
            {
                "validation": "regex",
                "code": "invalid_string",
                "message": "SIRET invalide",
                "path": ["siret"],
            }
        )
    if not luhn_valid(siret):
        found.append({"code": "custom", "message": MSG_SIRET_LUHN, "path": ["siret"]})
    return found


def schema_error_body(found: list[dict[str, Any]], context: str = "querystring") -> dict[str, Any]:
    """The upstream's 400 for a schema error: its message joins `context.path: message`."""
    message = ", ".join(
        f"{context}.{'.'.join(str(p) for p in issue['path'])}: {issue['message']}"
        for issue in found
    )
    return {
        "statusCode": 400,
        "error": "Bad Request",
        "message": message,
        "data": {
            "validationError": {
                "code": "FST_ERR_VALIDATION",
                "issues": found,
                "name": "ZodError",
                "statusCode": 400,
                "validationContext": context,
            }
        },
    }
