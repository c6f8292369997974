"""Frozen dataclasses and enums shared by every layer (no I/O, no Qt)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Any

# Upstream caps per kind for one search (LBA: 500 trainings, 250 offers, 150 companies).
DEFAULT_LIMITS: Mapping[str, int] = MappingProxyType(
    {"formation": 500, "offre": 250, "entreprise": 150, "partenariat": 250}
)
RADIUS_CHOICES_KM = (10, 30, 60, 100)
DEFAULT_RADIUS_KM = 30
MAX_RADIUS_KM = 200
# The upstream's label for employers found by its elligibleHandicapFilter (2026), used everywhere.
HANDI_LABEL = "Employeur handi-engagé"
MAX_ROMES = 20
FEW_RESULTS_THRESHOLD = 10

# Upstream `diploma` values, with the labels the public site shows.
DIPLOMA_LEVELS: Mapping[int, str] = MappingProxyType(
    {
        3: "3 (CAP...)",
        4: "4 (BAC...)",
        5: "5 (BTS, DEUST...)",
        6: "6 (Licence, BUT...)",
        7: "7 (Master, titre ingénieur...)",
    }
)
DIPLOMA_LABELS_FR: Mapping[int, str] = MappingProxyType(
    {
        3: "CAP, BEP",
        4: "Bac, Bac pro, BP",
        5: "BTS, DEUST",
        6: "Licence, BUT",
        7: "Master, titre d'ingénieur",
    }
)


class Kind(StrEnum):
    """The four result groups of the public service."""

    FORMATION = "formation"
    OFFRE = "offre"
    ENTREPRISE = "entreprise"
    PARTENARIAT = "partenariat"

    @property
    def label_fr(self) -> str:
        return KIND_LABELS_FR[self]

    @property
    def plural_fr(self) -> str:
        return KIND_PLURALS_FR[self]


KIND_LABELS_FR: Mapping[Kind, str] = MappingProxyType(
    {
        Kind.FORMATION: "Formation",
        Kind.OFFRE: "Offre d'emploi",
        Kind.ENTREPRISE: "Entreprise",
        Kind.PARTENARIAT: "Partenariat",
    }
)
KIND_PLURALS_FR: Mapping[Kind, str] = MappingProxyType(
    {
        Kind.FORMATION: "Formations",
        Kind.OFFRE: "Offres d'emploi",
        Kind.ENTREPRISE: "Entreprises",
        Kind.PARTENARIAT: "Partenariats",
    }
)
ALL_KINDS: frozenset[Kind] = frozenset(Kind)


# --- Referentials -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # INSEE région code, e.g. "84"
    name: str


@dataclass(frozen=True, slots=True)
class Departement:
    code: str  # "15", "2A", "974"
    name: str
    region: str  # région code


@dataclass(frozen=True, slots=True)
class Commune:
    insee: str
    name: str
    postcodes: tuple[str, ...]
    departement: str
    region: str
    population: int
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Arrondissement:
    """An arrondissement of Paris, Lyon or Marseille, by one of its postcodes."""

    postcode: str
    insee: str  # the arrondissement's own code (75111); items carry the commune's (75056)
    name: str  # "Paris 11e arrondissement"
    commune: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Metier:
    """A ROME métier: code like "D1102", label, and the sectors it belongs to."""

    code: str
    label: str
    sectors: tuple[str, ...] = ()

    @property
    def domain(self) -> str:
        """ROME professional domain (upstream `romeDomain`, e.g. "D11")."""
        return self.code[:3]

    @property
    def grand_domain(self) -> str:
        return self.code[:1]


@dataclass(frozen=True, slots=True)
class Certification:
    """A diploma or title the catalogue's trainings prepare, by its RNCP code."""

    rncp: str  # "RNCP38014"
    title: str  # the trainings' usual title, « CAP Boulanger »
    label: str = ""  # the RNCP label, « Boulanger »
    diploma_level: int | None = None
    romes: tuple[str, ...] = ()  # the métiers it leads to, most listed first
    trainings: int = 0  # trainings of the catalogue preparing it


@dataclass(frozen=True, slots=True)
class Sector:
    """A group of métiers for a picker (e.g. "Commerce de détail")."""

    id: str
    label: str
    romes: tuple[str, ...]


# --- Places -------------------------------------------------------------------------------


class PlaceKind(StrEnum):
    COMMUNE = "commune"
    DEPARTEMENT = "departement"
    REGION = "region"
    FRANCE = "france"


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved place: a point to search around, or an area (département, région, France)."""

    kind: PlaceKind
    code: str  # INSEE commune code, département code, région code, or "FR"
    label: str  # what to show: "Aurillac (15)", "Cantal", "France entière"
    lat: float
    lon: float
    departement: str = ""
    region: str = ""
    postcode: str = ""
    population: int = 0

    @property
    def is_area(self) -> bool:
        return self.kind is not PlaceKind.COMMUNE


# --- Catalogue items ----------------------------------------------------------------------


@dataclass(slots=True)
class Item:
    """One search result of any kind, with the fields every layer needs and `details` for the rest.

    `id` is stable across syncs: `cleMinistereEducatif` for a training, the upstream offer id,
    the SIRET for a recruiting company.

    Treat it as immutable (use `dataclasses.replace`). It is not declared frozen because a
    frozen dataclass's constructor costs 3 µs instead of 0.2 µs, and a wide search builds
    1,000 of them.
    """

    kind: Kind
    id: str
    title: str
    organisation: str = ""
    address: str = ""
    commune: str = ""
    insee: str = ""
    postcode: str = ""
    departement: str = ""
    lat: float | None = None
    lon: float | None = None
    romes: tuple[str, ...] = ()
    diploma_level: int | None = None  # 3..7; None means "Indifférent"
    source: str = ""
    created: date | None = None
    updated: date | None = None
    phone: str = ""
    email: str = ""
    url: str = ""
    siret: str = ""
    opco: str = ""
    handi_friendly: bool = False
    fictitious: bool = False
    details: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None


# --- Search -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    place: Place
    romes: tuple[str, ...] = ()
    text: str = ""  # free text over titles and organisations, used when no métier is chosen
    radius_km: int = DEFAULT_RADIUS_KM
    diploma_level: int | None = None
    kinds: frozenset[Kind] = ALL_KINDS
    opco: str = ""
    handi_friendly_only: bool = False
    rncp: str = ""  # a certification picked: its trainings only (the other kinds by `romes`)
    limits: Mapping[str, int] = field(default_factory=lambda: DEFAULT_LIMITS, hash=False)


@dataclass(frozen=True, slots=True)
class Hit:
    item: Item
    distance_km: float | None


@dataclass(frozen=True, slots=True)
class SearchResult:
    criteria: SearchCriteria
    hits: tuple[Hit, ...]
    counts: Mapping[Kind, int]  # per kind, after the caps
    elapsed_ms: float
    nearest_anywhere: bool = False  # nothing within the radius: nearest results anywhere
    widen_hint: bool = False  # fewer than FEW_RESULTS_THRESHOLD results
    widen_to_km: int | None = None  # a radius that reaches the nearest results left out

    def of_kind(self, kind: Kind) -> tuple[Hit, ...]:
        return tuple(h for h in self.hits if h.item.kind is kind)


@dataclass(frozen=True, slots=True)
class CatalogueInfo:
    origin: str  # "demo", "sync", "datapack"
    label_fr: str  # "Données de démonstration (fictives)" …
    built_at: str  # ISO timestamp
    counts: Mapping[Kind, int]
    schema_version: int
    details: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
