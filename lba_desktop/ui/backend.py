"""The services the window uses, opened off the GUI thread, and the task functions it runs.
No Qt here: these are the plain functions the task runner executes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lba_desktop.catalogue_facets import opco_values
from lba_desktop.geocoding import Geocoder, default_geocoder
from lba_desktop.local_catalogue import describe, open_catalogue
from lba_desktop.metiers import MetierIndex, default_metier_index
from lba_desktop.models import DEFAULT_RADIUS_KM, CatalogueInfo, Place, SearchResult
from lba_desktop.search import SearchService


@dataclass(frozen=True)
class SearchRequest:
    """What the filters hold, before the services validate and resolve it."""

    lieu: str | Place
    metier: str = ""
    romes: tuple[str, ...] = ()
    rayon: int = DEFAULT_RADIUS_KM
    niveau: int | None = None
    opco: str = ""
    handi: bool = False
    metier_labels: tuple[str, ...] = field(default=(), compare=False)

    def with_radius(self, radius: int) -> SearchRequest:
        return SearchRequest(
            self.lieu,
            self.metier,
            self.romes,
            radius,
            self.niveau,
            self.opco,
            self.handi,
            self.metier_labels,
        )


@dataclass(frozen=True)
class Backend:
    store: Any
    info: CatalogueInfo
    geocoder: Geocoder
    metiers: MetierIndex
    search: SearchService
    opcos: tuple[str, ...] = ()


def load_backend() -> Backend:
    """Open the catalogue (building the demo one on a first run) and the lookup indexes."""
    store = open_catalogue()
    geocoder = default_geocoder()
    metiers = default_metier_index()
    return Backend(
        store=store,
        info=describe(store),
        geocoder=geocoder,
        metiers=metiers,
        search=SearchService(store, geocoder=geocoder, metiers=metiers),
        opcos=opco_values(store),
    )


def run_search(
    service: SearchService, request: SearchRequest
) -> tuple[SearchRequest, SearchResult]:
    """Validate, resolve and search. Every kind is searched, whatever is ticked: the window
    filters the display so the counts of unticked kinds stay visible."""
    criteria = service.build_criteria(
        lieu=request.lieu,
        metier=request.metier,
        romes=request.romes,
        rayon=request.rayon,
        niveau=request.niveau,
        opco=request.opco,
        handi=request.handi,
    )
    return request, service.search(criteria)
