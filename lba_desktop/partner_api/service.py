"""The V1 API over the local catalogue: upstream validation, search, and V1 item shapes (no Qt)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lba_desktop.data import upstream_querystring as uq
from lba_desktop.data import upstream_validation as uv
from lba_desktop.data.catalogue import CatalogueStore
from lba_desktop.data.lru_cache import LruCache
from lba_desktop.data.referentials import load_communes
from lba_desktop.errors import LbaError
from lba_desktop.geo import distance_km
from lba_desktop.geocoding import FRANCE_CENTRE, Geocoder, default_geocoder
from lba_desktop.local_catalogue import describe, open_catalogue
from lba_desktop.metiers import MetierIndex, default_metier_index
from lba_desktop.models import (
    DEFAULT_LIMITS,
    DIPLOMA_LEVELS,
    Commune,
    Hit,
    Kind,
    Place,
    PlaceKind,
    SearchCriteria,
)
from lba_desktop.partner_api.v1_fragments import V1Renderer
from lba_desktop.partner_api.v1_light import light_item
from lba_desktop.partner_api.v1_shapes import GROUPS, SOURCE_GROUPS, group_of, v1_item
from lba_desktop.search import SearchService

ALL_FRANCE_RADIUS = uv.ALL_FRANCE_RADIUS
OPCO_VALUES = uv.OPCO_VALUES
DEFAULT_TRAINING_RADIUS = 30.0
NEAREST_TRAININGS = 5  # what upstream answers when no training is in the radius
_LEVEL_OF_DIPLOMA = {label: level for level, label in DIPLOMA_LEVELS.items()}
# The catalogue kinds each V1 group is drawn from (`group_of` then sorts the offers).
GROUP_KINDS: dict[str, tuple[Kind, ...]] = {
    "peJobs": (Kind.OFFRE,),
    "partnerJobs": (Kind.OFFRE,),
    "matchas": (Kind.OFFRE, Kind.PARTENARIAT),
    "lbaCompanies": (Kind.ENTREPRISE,),
}


class WrongParameters(LbaError):
    """The query breaks an upstream rule: answer 400 with the upstream's messages."""

    exit_code = 2

    def __init__(self, messages: Iterable[str]) -> None:
        self.messages = list(messages)
        super().__init__("Paramètres invalides : " + " ; ".join(self.messages))

    def body(self) -> dict[str, Any]:
        return uv.wrong_parameters_body(self.messages)


class SchemaError(LbaError):
    """A parameter of the wrong type: upstream's schema-validation 400, before its own rules."""

    exit_code = 2

    def __init__(self, issues: list[dict[str, Any]], *, context: str = "querystring") -> None:
        self.issues = issues
        self.payload = uq.schema_error_body(issues, context)
        super().__init__("Paramètres invalides : " + self.payload["message"])

    @classmethod
    def from_body(cls, payload: dict[str, Any]) -> SchemaError:
        """A schema error whose body is already written (the V3 route's)."""
        error = cls([])
        error.payload = payload
        error.message = "Paramètres invalides : " + str(payload.get("message", ""))
        return error

    def body(self) -> dict[str, Any]:
        return self.payload


class NotFound(LbaError):
    """No item with that id in the local catalogue; `body` as the route answers it upstream."""

    def __init__(self, message: str, *, body: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self._body = body

    def body(self) -> dict[str, Any]:
        if self._body is not None:
            return dict(self._body)
        return {"error": "not_found", "error_messages": [self.message]}


def wrong_parameters_body(messages: Iterable[str]) -> dict[str, Any]:
    return uv.wrong_parameters_body(messages)


def is_origin_local(referer: str | None) -> bool:
    """A call from the upstream's own site: it needs no `caller`."""
    return uv.is_origin_local(referer)


def checked(
    fields: tuple[uq.Field, ...], params: Mapping[str, Any], *, strict: bool = False
) -> dict[str, Any]:
    """The parameters once upstream's schema accepts them (numbers coerced, defaults set)."""
    issues = uq.issues(fields, params, strict=strict)
    if issues:
        raise SchemaError(issues)
    return uq.coerce(fields, params)


def _text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    return "" if value is None else str(value).strip()


@dataclass(frozen=True, slots=True)
class DataOrigin:
    """What the header `X-LBA-Desktop-Data` says: where the served data comes from."""

    origin: str  # "demo", "sync", "datapack"
    label_fr: str
    built_at: str


class ApiService:
    """Answers the V1 routes from one catalogue; safe to share between threads."""

    def __init__(
        self,
        store: CatalogueStore,
        *,
        geocoder: Geocoder | None = None,
        metiers: MetierIndex | None = None,
    ) -> None:
        self.store = store
        self.geocoder = geocoder or default_geocoder()
        self.metiers = metiers or default_metier_index()
        self.search_service = SearchService(store, geocoder=self.geocoder, metiers=self.metiers)
        info = describe(store)
        self.origin = DataOrigin(info.origin, info.label_fr, info.built_at)
        self._label_cache: dict[str, str | None] = {}
        self._communes: tuple[Commune, ...] | None = None
        self._romes_by_code: dict[str, dict[str, tuple[str, ...]]] = {}
        self.renderer = V1Renderer(self.rome_label)

    @classmethod
    def open(cls, path: Path | None = None) -> ApiService:
        return cls(open_catalogue(path))

    def keep_items(self, capacity: int) -> None:
        """How many catalogue items and rendered V1 items to keep in memory (0: none)."""
        self.store.item_cache = LruCache(capacity)
        self.renderer = V1Renderer(self.rome_label, capacity=capacity)

    # -- helpers

    def rome_label(self, code: str) -> str | None:
        try:
            return self._label_cache[code]
        except KeyError:
            metier = self.metiers.get(code)
            label = metier.label if metier else None
            self._label_cache[code] = label
            return label

    def rncp_romes(self, code: str) -> tuple[str, ...] | None:
        """The ROME codes of an RNCP certification, from the trainings leading to it.

        Upstream asks the certification référentiel; offline, the local trainings of that
        certification say which métiers it leads to. None when no local training has it.
        """
        return self.training_romes("rncp_code", code)

    def training_romes(self, key: str, code: str) -> tuple[str, ...] | None:
        """The ROME codes of the local trainings whose `key` ("rncp_code", "cfd") is `code`."""
        table = self._romes_by_code.get(key)
        if table is None:  # one pass over the trainings, on first use
            table = self._romes_by_code[key] = self.store.training_romes_by(key)
        return table.get(code.strip().upper()) or None

    def all_romes(self) -> tuple[str, ...]:
        """Every ROME code of the référentiel (a search for every métier)."""
        return _codes_of_domain(self.metiers, "")

    def search(self, **criteria: Any) -> list[Hit]:
        """The hits of one search (`kinds`, `romes`, `position`, `diploma`, `opco`, `area`),
        cut to the exact radius, as the V1 routes answer them."""
        return self._run(**criteria)

    def _romes(self, params: Mapping[str, Any]) -> tuple[str, ...]:
        romes = _text(params, "romes")
        rncp = _text(params, "rncp")
        if rncp and not romes:
            return self.rncp_romes(rncp) or ()
        if romes:
            return tuple(dict.fromkeys(c.strip().upper() for c in romes.split(",") if c.strip()))
        domain = _text(params, "romeDomain").upper()
        if domain:
            return _codes_of_domain(self.metiers, domain)
        return ()

    @staticmethod
    def _diploma(params: Mapping[str, Any]) -> int | None:
        return _LEVEL_OF_DIPLOMA.get(_text(params, "diploma"))

    @staticmethod
    def _position(params: Mapping[str, Any]) -> tuple[float, float, float] | None:
        lat, lon, radius = (_text(params, k) for k in ("latitude", "longitude", "radius"))
        if not lat or not lon:
            return None
        return float(lat), float(lon), float(radius or 0)

    def _run(
        self,
        *,
        kinds: frozenset[Kind],
        romes: tuple[str, ...],
        position: tuple[float, float, float] | None,
        diploma: int | None,
        opco: str = "",
        area: Place | None = None,
    ) -> list[Hit]:
        if not kinds or not romes:
            return []
        exact_radius: float | None = None
        if area is not None:
            place, radius = area, 0
        elif position is None or position[2] == ALL_FRANCE_RADIUS:
            lat, lon = (position[0], position[1]) if position else FRANCE_CENTRE
            place, radius = Place(PlaceKind.FRANCE, "FR", "France entière", lat, lon), 0
        else:
            lat, lon, exact_radius = position
            place = Place(PlaceKind.COMMUNE, "", "", lat, lon)
            radius = math.ceil(exact_radius)  # the store's box; the exact circle is cut below
        criteria = SearchCriteria(
            place=place,
            romes=romes,
            radius_km=radius,
            diploma_level=diploma,
            kinds=kinds,
            opco=opco,
            limits=DEFAULT_LIMITS,
        )
        # The public site falls back to the nearest results anywhere; the API does not (nor
        # does it propose a wider radius): those are not even read.
        result = self.search_service.search(criteria, beyond_radius=False)
        if exact_radius is None:
            if position is None or area is not None:
                return list(result.hits)
            # All France around a point: the search gives no distance there, upstream does.
            lat, lon = position[0], position[1]
            measured = [
                Hit(h.item, round(distance_km(lat, lon, h.item.lat, h.item.lon), 1))  # type: ignore[arg-type]
                for h in result.hits
            ]
            measured.sort(key=lambda h: (h.distance_km, h.item.kind, h.item.id))
            return measured
        return [h for h in result.hits if h.distance_km is None or h.distance_km <= exact_radius]

    def _items(
        self,
        hits: Iterable[Hit],
        group: str,
        origin: tuple[float, float] | None,
        *,
        light: bool = False,
    ) -> list[Any]:
        """The V1 items of `hits`, all of `group` (`_by_group` sorts a search's hits)."""
        if light:  # the `min` routes: each item cut to the keys a list of results shows
            return [
                light_item(group, v1_item(h.item, h.distance_km, self.rome_label, origin=origin))
                for h in hits
            ]
        # Pre-rendered JSON fragments: the answer is only ever encoded with orjson.
        render = self.renderer.item
        return [render(h.item, h.distance_km, origin=origin) for h in hits]

    @staticmethod
    def _by_group(hits: Iterable[Hit]) -> dict[str, list[Hit]]:
        # One pass, in the hits' order: asking each group in turn read every hit four times.
        grouped: dict[str, list[Hit]] = {}
        for hit in hits:
            grouped.setdefault(group_of(hit.item), []).append(hit)
        return grouped

    # -- routes

    def formations(
        self, params: Mapping[str, Any], *, referer: str | None = None, light: bool = False
    ) -> dict[str, Any]:
        params = checked(uq.V1_FORMATIONS, params)
        errors = uv.validate_formations(params, referer=referer)
        if errors:
            raise WrongParameters(errors)
        position = self._position(params)
        hits = self._trainings(self._romes(params), position, self._diploma(params))
        origin = position[:2] if position else None
        return {"results": self._items(hits, "formations", origin, light=light)}

    def _trainings(
        self,
        romes: tuple[str, ...],
        position: tuple[float, float, float] | None,
        diploma: int | None,
    ) -> list[Hit]:
        """Trainings in the radius (30 km when 0, as upstream); none there: the nearest ones."""
        if position is not None and position[2] == 0:
            position = (position[0], position[1], DEFAULT_TRAINING_RADIUS)
        kinds = frozenset({Kind.FORMATION})
        hits = self._run(kinds=kinds, romes=romes, position=position, diploma=diploma)
        if hits or position is None or position[2] == ALL_FRANCE_RADIUS:
            return hits
        # Upstream then answers the few nearest trainings, however far they are.
        anywhere = (position[0], position[1], float(ALL_FRANCE_RADIUS))
        hits = self._run(kinds=kinds, romes=romes, position=anywhere, diploma=diploma)
        return hits[:NEAREST_TRAININGS]

    def formations_min(
        self, params: Mapping[str, Any], *, referer: str | None = None
    ) -> dict[str, Any]:
        """`/v1/formations/min`: the trainings of `/formations`, as light items."""
        return self.formations(params, referer=referer, light=True)

    def formations_par_region(
        self, params: Mapping[str, Any], *, referer: str | None = None
    ) -> dict[str, Any]:
        params = checked(uq.V1_FORMATIONS_PAR_REGION, params)
        errors = uv.validate_formations_par_region(params, referer=referer)
        if errors:
            raise WrongParameters(errors)
        departement = _text(params, "departement")
        region = _text(params, "region")
        area: Place | None = None
        if departement:
            area = Place(PlaceKind.DEPARTEMENT, departement, "", *FRANCE_CENTRE)
        elif region:
            area = Place(PlaceKind.REGION, region, "", *FRANCE_CENTRE)
        romes = self._romes(params)
        if not romes:
            # A département or a région without métier: every training there.
            romes = _codes_of_domain(self.metiers, "")
        hits = self._run(
            kinds=frozenset({Kind.FORMATION}),
            romes=romes,
            position=None,
            diploma=self._diploma(params),
            area=area,
        )
        # Over an area upstream gives no distance: there is no centre to measure from.
        return {
            "results": [v1_item(h.item, None, self.rome_label) for h in hits],
        }

    def formation(
        self, formation_id: str, params: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """`/v1/formations/formation/{id}`: as upstream, any id is looked up (its schema only
        asks for a string), the query string takes `caller` and nothing else, and an id that
        names no training answers an empty list, not a 404."""
        checked(uq.V1_CALLER_ONLY, params or {}, strict=True)
        item = self.store.get(Kind.FORMATION, formation_id)
        if item is None:
            return {"results": []}
        return {"results": [v1_item(item, None, self.rome_label)]}

    def _job_groups(
        self,
        params: Mapping[str, Any],
        groups: frozenset[str],
        hits: list[Hit],
        *,
        light: bool = False,
    ) -> dict[str, Any]:
        position = self._position(params)
        origin = position[:2] if position else None
        grouped = self._by_group(hits)
        answer: dict[str, Any] = {}
        for name in GROUPS:
            answer[name] = (
                {"results": self._items(grouped.get(name, ()), name, origin, light=light)}
                if name in groups
                else None
            )
        answer["lbbCompanies"] = None  # always null upstream since LBB was merged into LBA
        return answer

    @staticmethod
    def _groups(params: Mapping[str, Any]) -> frozenset[str]:
        """The groups `sources` asks for (all of them without it)."""
        sources = _text(params, "sources")
        if not sources:
            return frozenset({"formations", *GROUPS})
        groups: set[str] = set()
        for source in sources.split(","):
            groups |= SOURCE_GROUPS.get(source.strip(), frozenset())
        return frozenset(groups)

    def _search_jobs(self, params: Mapping[str, Any], groups: frozenset[str]) -> list[Hit]:
        kinds = frozenset(k for g in groups for k in GROUP_KINDS.get(g, ()))
        hits = self._run(
            kinds=kinds,
            romes=self._romes(params),
            position=self._position(params),
            diploma=self._diploma(params),
            opco=_text(params, "opco"),
        )
        site = _text(params, "opcoUrl").lower()
        if site:
            # As upstream: only the employers whose OPCO is known by that site (a branch's
            # campaign site such as www.jecompte.fr) are kept; one whose site is unknown is
            # left out. Trainings are never filtered.
            hits = [h for h in hits if str(h.item.details.get("opco_url") or "").lower() == site]
        return hits

    def jobs(
        self, params: Mapping[str, Any], *, referer: str | None = None, light: bool = False
    ) -> dict[str, Any]:
        params = checked(uq.V1_JOBS, params)
        errors = uv.validate_v1_jobs(params, referer=referer, rncp_romes=self.rncp_romes)
        if errors:
            raise WrongParameters(errors)
        groups = self._groups(params) - {"formations"}
        hits = self._search_jobs(params, groups)
        return self._job_groups(params, groups, hits, light=light)

    def jobs_min(self, params: Mapping[str, Any], *, referer: str | None = None) -> dict[str, Any]:
        """`/v1/jobs/min`: the opportunities of `/jobs` as light items (it takes no `sources`)."""
        params = checked(uq.V1_JOBS_MIN, params)
        params = {k: v for k, v in params.items() if k != "sources"}
        return self.jobs(params, referer=referer, light=True)

    def jobs_et_formations(
        self, params: Mapping[str, Any], *, referer: str | None = None
    ) -> dict[str, Any]:
        params = checked(uq.V1_JOBS_ET_FORMATIONS, params)
        errors = uv.validate_v1_jobs(
            params, referer=referer, rncp_romes=self.rncp_romes, with_trainings=True
        )
        if errors:
            raise WrongParameters(errors)
        groups = self._groups(params)
        position = self._position(params)
        formations: dict[str, Any] | None = None
        if "formations" in groups:
            # `opco` filters the job opportunities only, never the trainings.
            hits = self._trainings(self._romes(params), position, self._diploma(params))
            formations = {"results": self._items(hits, "formations", position and position[:2])}
        jobs: dict[str, Any] | None = None
        job_groups = groups - {"formations"}
        if job_groups:
            jobs = self._job_groups(params, job_groups, self._search_jobs(params, job_groups))
        return {"formations": formations, "jobs": jobs}

    def metiers_by_title(
        self, params: Mapping[str, Any], *, referer: str | None = None
    ) -> dict[str, Any]:
        errors = uv.validate_metiers(params)
        if errors:
            raise WrongParameters(errors)
        found = self.metiers.lookup(_text(params, "title"), limit=20)
        return {
            "labelsAndRomes": [
                {
                    "label": m.label,
                    "romes": [m.code],
                    "rncps": None,
                    "type": "job",
                    "romeTitles": [{"codeRome": m.code, "intitule": m.label}],
                }
                for m in found
            ]
        }

    def metiers_all(self) -> dict[str, Any]:
        return {"metiers": sorted({s.label for s in self.metiers.sectors()}, key=str.casefold)}

    # -- helpers for the widget (our own routes)

    def suggest_metiers(self, text: str, *, limit: int = 10) -> list[dict[str, Any]]:
        return [
            {"label": m.label, "romes": [m.code], "code": m.code}
            for m in self.metiers.lookup(text.strip(), limit=limit)
        ]

    def suggest_places(self, text: str, *, limit: int = 8) -> list[dict[str, Any]]:
        places = self.geocoder.candidates(text, limit=limit * 2)
        return [_place_json(p) for p in places if p.kind is PlaceKind.COMMUNE][:limit]

    def resolve_place(self, text: str) -> dict[str, Any] | None:
        """A commune for a widget parameter (`insee`, `zipcode`, `address`), or None."""
        try:
            place = self.geocoder.resolve(text)
        except LbaError:
            candidates = self.geocoder.candidates(text, limit=1)
            if not candidates:
                return None
            place = candidates[0]
        return _place_json(place)

    def nearest_commune(self, lat: float, lon: float) -> dict[str, Any] | None:
        """The commune whose town hall is nearest: the widget's `lat`/`lon` need an INSEE code."""
        if self._communes is None:
            self._communes = load_communes()
        cos = math.cos(math.radians(lat)) ** 2
        best = min(
            self._communes,
            key=lambda c: (c.lat - lat) ** 2 + (c.lon - lon) ** 2 * cos,
            default=None,
        )
        if best is None or distance_km(lat, lon, best.lat, best.lon) > 50:
            return None
        return self.resolve_place(best.insee)


def _place_json(place: Place) -> dict[str, Any]:
    return {
        "label": place.label,
        "kind": place.kind.value,
        "insee": place.code if place.kind is PlaceKind.COMMUNE else "",
        "zipcode": place.postcode,
        "lat": place.lat,
        "lon": place.lon,
    }


def _codes_of_domain(metiers: MetierIndex, domain: str) -> tuple[str, ...]:
    """Every ROME code of a domain ("D11") or grand domaine ("D"); all codes for ""."""
    cache: dict[str, tuple[str, ...]] = _DOMAIN_CACHE.setdefault(id(metiers), {})
    if domain not in cache:
        # The index keeps its référentiel; the sectors would miss métiers that are in none.
        codes = (m.code for m in metiers._metiers)
        cache[domain] = tuple(c for c in codes if c.startswith(domain))
    return cache[domain]


_DOMAIN_CACHE: dict[int, dict[str, tuple[str, ...]]] = {}
