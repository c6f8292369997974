"""What every parser shares: tolerant readers, the collector, the outcome and deduplication."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

from lba_desktop.models import Item

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
    unreadable: int = 0  # of `skipped`: entries a parser could not read at all (an odd record)

    def merged(self, other: ParseOutcome) -> ParseOutcome:
        """Both outcomes together, items deduplicated (the most recently updated wins)."""
        return ParseOutcome(
            items=tuple(dedupe((*self.items, *other.items))),
            warnings=self.warnings + other.warnings,
            skipped=self.skipped + other.skipped,
            without_position=self.without_position + other.without_position,
            unreadable=self.unreadable + other.unreadable,
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

    __slots__ = (
        "items",
        "locate",
        "skipped",
        "today",
        "unreadable",
        "warnings",
        "without_position",
    )

    def __init__(self, locate: Locate | None) -> None:
        self.locate = locate
        self.today = date.today()  # offers that expired before it are not kept
        self.items: dict[str, Item] = {}
        self.warnings: list[str] = []
        self.skipped = 0
        self.without_position = 0
        self.unreadable = 0

    def each(self, raws: Iterable[Any], parse_one: Callable[..., None], *args: Any) -> None:
        """`parse_one(raw, self, *args)` for each entry; one that cannot be read at all (a
        shape no rule foresaw) is skipped and counted, never the whole answer."""
        for raw in raws:
            try:
                parse_one(raw, self, *args)
            except Exception:  # the upstream data, not our state, is at fault
                self.skipped += 1
                self.unreadable += 1

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
            unreadable=self.unreadable,
        )


def _is_error(body: Any) -> bool:
    return isinstance(body, dict) and body.get("result") == "error"
