"""The search service: criteria from what a person typed, then trainings, offers and companies
around a place, nearest first, from the local catalogue only."""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from datetime import date

from lba_desktop.certifications import (
    certification_for_rncp,
    certification_index,
    names_only_a_kind,
)
from lba_desktop.data.catalogue import Area, CatalogueStore, ItemFilter
from lba_desktop.errors import InvalidInput, MetierNotFound
from lba_desktop.geocoding import Geocoder, default_geocoder
from lba_desktop.metiers import MetierIndex, default_metier_index
from lba_desktop.models import (
    ALL_KINDS,
    DEFAULT_RADIUS_KM,
    DIPLOMA_LEVELS,
    FEW_RESULTS_THRESHOLD,
    MAX_RADIUS_KM,
    MAX_ROMES,
    Certification,
    Hit,
    Kind,
    Place,
    PlaceKind,
    SearchCriteria,
    SearchResult,
)
from lba_desktop.text import fold

# When nothing is within the radius, how many of the nearest results per kind to show anyway.
NEAREST_ANYWHERE_PER_KIND = 10
# « Élargir » proposes round radii: 150 km for results 148 km away.
WIDEN_ROUNDING_KM = 10


class SearchService:
    """Turns typed criteria into a `SearchResult`; holds no state beyond its catalogue."""

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

    # -- criteria

    def build_criteria(
        self,
        *,
        lieu: str | Place,
        metier: str = "",
        romes: Iterable[str] = (),
        texte: str = "",
        rayon: int | None = None,
        niveau: int | None = None,
        types: Iterable[Kind] | None = None,
        opco: str = "",
        handi: bool = False,
        rncp: str = "",
    ) -> SearchCriteria:
        """Validate and resolve what a person typed; raise `InvalidInput` (French) otherwise.

        `rncp`, or a `metier` naming a diploma (« cap boulanger »), searches the trainings of
        that certification and the offers and companies of the métiers it leads to."""
        place = lieu if isinstance(lieu, Place) else self.geocoder.resolve(lieu)
        codes = tuple(dict.fromkeys(r.strip().upper() for r in romes if r.strip()))
        certification = self._certification(metier, rncp)
        if certification is None and metier.strip():
            try:
                codes = tuple(dict.fromkeys(codes + self.metiers.romes_for(metier)))
            except MetierNotFound:
                # No métier label: maybe a diploma title typed without its kind (« bts »
                # alone names no diploma: the message asks for a métier or a specialty).
                index = certification_index(self.store)
                found = () if names_only_a_kind(metier) else index.lookup(metier, limit=1)
                if not found:
                    raise
                certification = found[0]
        if certification is not None:
            codes = tuple(dict.fromkeys(codes + certification.romes[:MAX_ROMES]))
        if len(codes) > MAX_ROMES:
            raise InvalidInput(
                f"Trop de métiers : {len(codes)} codes ROME, {MAX_ROMES} au plus par recherche.",
                hint="Retirez des métiers ou choisissez-en de plus précis.",
            )
        text = texte.strip()
        # « ?! » holds no word to look for.
        if not codes and not search_words(text) and certification is None:
            raise InvalidInput(
                "Indiquez un métier (ou un mot-clé) pour lancer la recherche.",
                hint="Par exemple « boulanger », « aide-soignant » ou le code ROME « D1102 ».",
            )
        radius = DEFAULT_RADIUS_KM if rayon is None else rayon
        if not 1 <= radius <= MAX_RADIUS_KM:
            raise InvalidInput(
                f"Rayon invalide : {radius} km.",
                hint=f"Choisissez un rayon entre 1 et {MAX_RADIUS_KM} km.",
            )
        if niveau is not None and niveau not in DIPLOMA_LEVELS:
            raise InvalidInput(
                f"Niveau de diplôme invalide : {niveau}.",
                hint="Niveaux possibles : 3 (CAP), 4 (Bac), 5 (BTS), 6 (Licence), 7 (Master).",
            )
        kinds = frozenset(types) if types is not None else ALL_KINDS
        if not kinds:
            raise InvalidInput("Choisissez au moins un type de résultat.")
        return SearchCriteria(
            place=place,
            romes=codes,
            text=text,
            radius_km=radius,
            diploma_level=niveau,
            kinds=kinds,
            opco=opco.strip(),
            handi_friendly_only=handi,
            rncp=certification.rncp if certification else "",
        )

    def _certification(self, metier: str, rncp: str) -> Certification | None:
        """The certification `rncp` names, or the diploma a métier text clearly names."""
        if rncp.strip():
            if metier.strip():
                raise InvalidInput(
                    "Indiquez un métier ou un code RNCP, pas les deux.",
                    hint="Le code RNCP donne déjà les métiers auxquels le diplôme prépare.",
                )
            return certification_for_rncp(self.store, rncp)
        if not metier.strip():
            return None
        return certification_index(self.store).resolve(metier)

    # -- search

    def search(self, criteria: SearchCriteria, *, beyond_radius: bool = True) -> SearchResult:
        """The hits of `criteria`; with `beyond_radius` (a person searching), also the nearest
        results anywhere when the radius holds none and the radius « Élargir » proposes. The
        partner API answers neither: skipping them halves a request that finds little."""
        started = time.perf_counter()
        area = _area_of(criteria.place, criteria.radius_km, self.geocoder)
        hits = self._collect(criteria, area, per_kind=None)
        nearest_anywhere = False
        # The nearest results anywhere, read at most once per search (fallback and « Élargir »
        # ask the same question: reading it twice was half of a search that finds nothing).
        beyond: list[Hit] | None = None
        around = beyond_radius and area.radius_km is not None
        if around and not hits:
            # As upstream: nothing within the radius, so show the nearest results anywhere.
            anywhere = Area(area.centre_lat, area.centre_lon)
            hits = beyond = self._collect(criteria, anywhere, per_kind=NEAREST_ANYWHERE_PER_KIND)
            nearest_anywhere = bool(hits)
        hits.sort(key=_hit_order)
        widen_to = None
        if around and (nearest_anywhere or len(hits) < FEW_RESULTS_THRESHOLD):
            widen_to = self._widen_to(criteria, area, hits, beyond)
        counts = dict.fromkeys(Kind, 0)
        for hit in hits:
            counts[hit.item.kind] += 1
        return SearchResult(
            criteria=criteria,
            hits=tuple(hits),
            counts=counts,
            elapsed_ms=(time.perf_counter() - started) * 1000,
            nearest_anywhere=nearest_anywhere,
            widen_hint=len(hits) < FEW_RESULTS_THRESHOLD,
            widen_to_km=widen_to,
        )

    def _widen_to(
        self, criteria: SearchCriteria, area: Area, hits: list[Hit], beyond: list[Hit] | None
    ) -> int | None:
        """The radius « Élargir » proposes: one that reaches the nearest results shown when
        the radius held none, else one that holds FEW_RESULTS_THRESHOLD results (the global
        nearest ones are among the nearest of each kind). None when 200 km would not do.
        `beyond`: the nearest results anywhere when already read (the radius held none)."""
        nearest_anywhere = beyond is not None
        if beyond is None:
            anywhere = Area(area.centre_lat, area.centre_lon)
            beyond = self._collect(criteria, anywhere, per_kind=NEAREST_ANYWHERE_PER_KIND)
        distances = sorted(h.distance_km for h in beyond if h.distance_km is not None)
        if not distances or (not nearest_anywhere and len(distances) <= len(hits)):
            return None
        wanted = distances[0] if nearest_anywhere else distances[:FEW_RESULTS_THRESHOLD][-1]
        radius = math.ceil(wanted / WIDEN_ROUNDING_KM) * WIDEN_ROUNDING_KM
        if wanted > MAX_RADIUS_KM or radius <= criteria.radius_km:
            return None
        return min(radius, MAX_RADIUS_KM)

    def _collect(self, criteria: SearchCriteria, area: Area, *, per_kind: int | None) -> list[Hit]:
        words = search_words(criteria.text)
        show_distance = criteria.place.kind is not PlaceKind.FRANCE
        today = date.today().isoformat()
        hits: list[Hit] = []
        for kind in Kind:
            if kind not in criteria.kinds:
                continue
            limit = per_kind or criteria.limits.get(kind.value, 100)
            # A certification picked: its own trainings; the other kinds by its métiers.
            by_rncp = criteria.rncp if kind is Kind.FORMATION else ""
            if criteria.rncp and not by_rncp and not (criteria.romes or criteria.text):
                continue
            flt = ItemFilter(
                kind=kind,
                romes=() if by_rncp else criteria.romes,
                rncp=by_rncp,
                words=words,
                diploma_level=criteria.diploma_level,
                opco=criteria.opco,
                # « Employeur handi-engagé » concerns employers: trainings stay listed.
                handi_friendly_only=criteria.handi_friendly_only and kind is not Kind.FORMATION,
                valid_on=today,
            )
            # The store decides radius, filters and cap on exact distances, like a full scan.
            for item, d in self.store.nearest(area, flt, limit=limit):
                hits.append(Hit(item=item, distance_km=round(d, 1) if show_distance else None))
        return hits


def _area_of(place: Place, radius_km: int, geocoder: Geocoder) -> Area:
    if place.kind is PlaceKind.COMMUNE:
        return Area(place.lat, place.lon, radius_km=radius_km)
    if place.kind is PlaceKind.FRANCE:
        return Area(place.lat, place.lon)
    return Area(place.lat, place.lon, departements=geocoder.departement_codes_of(place))


def _hit_order(hit: Hit) -> tuple[float, str, str]:
    return (hit.distance_km if hit.distance_km is not None else 0.0, hit.item.kind, hit.item.id)


def search_words(text: str) -> tuple[str, ...]:
    """The words of a free-text search: each must start a word of the item (accents, case and
    punctuation folded away, so FTS syntax typed by a person is only words)."""
    return tuple(fold(text).split())
