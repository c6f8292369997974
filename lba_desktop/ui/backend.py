"""The services the window uses, opened off the GUI thread, and the task functions it runs.
No Qt here: these are the plain functions the task runner executes."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lba_desktop import paths
from lba_desktop.catalogue_facets import opco_values
from lba_desktop.certifications import CertificationIndex, certification_index
from lba_desktop.datapack import export_datapack, import_datapack
from lba_desktop.errors import LbaError
from lba_desktop.geocoding import Geocoder, kept_geocoder
from lba_desktop.local_catalogue import describe, open_catalogue, swap_in
from lba_desktop.metiers import MetierIndex, default_metier_index
from lba_desktop.models import DEFAULT_RADIUS_KM, CatalogueInfo, Kind, Place, SearchResult
from lba_desktop.search import SearchService
from lba_desktop.sync import Cancelled, Report, SyncReport, SyncScope, SyncService

DEMO_SUFFIX = ".demo-building"

log = logging.getLogger(__name__)


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
    rncp: str = ""  # a diploma picked in the métier lookup

    def with_radius(self, radius: int) -> SearchRequest:
        return replace(self, rayon=radius)


@dataclass(frozen=True)
class Backend:
    store: Any
    info: CatalogueInfo
    geocoder: Geocoder
    metiers: MetierIndex
    search: SearchService
    opcos: tuple[str, ...] = ()  # filled by `warm_backend` once the window is interactive

    @property
    def certifications(self) -> CertificationIndex:
        """The catalogue's diplomas, built on first use and kept per file (`warm_backend`
        builds it off the GUI thread right after the start)."""
        return certification_index(self.store)


def load_backend() -> Backend:
    """What a search needs: the catalogue (building the demo one on a first run), the place
    index kept in the data folder and the métiers. The rest comes from `warm_backend`."""
    store = open_catalogue()
    geocoder = kept_geocoder()
    metiers = default_metier_index()
    return Backend(
        store=store,
        info=describe(store),
        geocoder=geocoder,
        metiers=metiers,
        search=SearchService(store, geocoder=geocoder, metiers=metiers),
    )


def warm_backend(backend: Backend) -> Backend:
    """Run once the window is interactive (about 0.9 s of CPU at france scale kept out of the
    start): the autocomplete's in-memory place tables, the OPCO picker's values and the
    diplomas index. Returns the backend with its OPCOs."""
    backend.geocoder.warm()
    _ = backend.certifications
    return replace(backend, opcos=opco_values(backend.store))


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
        rncp=request.rncp,
    )
    return request, service.search(criteria)


# --- People, shortlists and appointment requests (user.sqlite) -----------------------------


@dataclass(frozen=True)
class UserServices:
    """The services over user.sqlite the window shares with its tasks (both are thread-safe)."""

    people: Any  # PeopleService
    appointments: Any  # AppointmentService

    def close(self) -> None:
        self.appointments.close()
        self.people.close()


def open_user_services(*, store: Any, geocoder: Geocoder | None) -> UserServices:
    """Open user.sqlite (created and migrated on first use) for people and the outbox."""
    from lba_desktop.appointments import AppointmentService
    from lba_desktop.people import PeopleService

    people = PeopleService(geocoder=geocoder)
    _follow_structure(people)
    return UserServices(
        people=people, appointments=AppointmentService(people=people, catalogue=store)
    )


def _follow_structure(people: Any) -> None:
    """On a shared server: its structure settings (name, commune, retention) become this
    computer's. A failure here leaves this computer's own: the follow-up opens all the same."""
    from lba_desktop.people.structure import follow_structure

    try:
        follow_structure(people)
    except LbaError as exc:
        log.warning("Réglages de la structure non lus sur le serveur (%s)", type(exc).__name__)


def share_structure_settings(window: Any, settings: Any) -> str:
    """After the settings were saved here: the structure's, for the structure's other
    computers when the follow-up is on its server; what to tell ("" when nothing to say)."""
    from lba_desktop.people.offline import is_offline
    from lba_desktop.people.structure import share_structure

    people = getattr(getattr(window, "followup", None), "people", None)
    if people is None or is_offline(people):
        return ""
    try:
        return (
            "Réglages de la structure partagés avec vos collègues."
            if share_structure(people, settings)
            else ""
        )
    except LbaError as exc:
        return f"Réglages de la structure gardés sur cet ordinateur seulement : {exc.message}"


def export_shortlist_file(people: Any, person_id: int, fmt: str, output: str) -> str:
    """Write one person's shortlist as pdf, csv, xlsx or html; returns the path written."""
    from pathlib import Path

    from lba_desktop.exports import export_shortlist

    return str(export_shortlist(people, person_id, fmt=fmt, output=Path(output)))


def export_person_folder(people: Any, person_id: int, folder: str) -> list[str]:
    """« Exporter toutes les données de cette personne » into `folder`; the files written."""
    from pathlib import Path

    from lba_desktop.exports.privacy import export_person_data

    return [str(p) for p in export_person_data(people, person_id, folder=Path(folder))]


def erase_person_for_good(people: Any, person_id: int) -> int:
    """Erase every row about the person (the file is rewritten); returns the person's id."""
    from lba_desktop.exports.privacy import erase_person

    erase_person(people, person_id)
    return person_id


def erase_people_for_good(people: Any, person_ids: list[int], months: int) -> list[int]:
    """The inactivity purge: erase each proposed person who is still inactive now (someone
    opened or edited since the proposal stays); returns the ids erased."""
    from lba_desktop.exports.privacy import purge_proposal

    still_inactive = {p.id for p in purge_proposal(people, months=months)}
    erased = [person_id for person_id in person_ids if person_id in still_inactive]
    for person_id in erased:
        erase_person_for_good(people, person_id)
    return erased


def refresh_shortlists(people: Any, store: Any) -> int:
    """After a catalogue change: which shortlisted items still exist; lines changed."""
    return int(people.refresh_availability(store))


def send_pending_requests(appointments: Any) -> Any:
    """The background sender's pass over the outbox (a SendReport)."""
    return appointments.send_pending()


def send_request_now(appointments: Any, request_id: int) -> Any:
    """« Réessayer maintenant » / « Envoyer »: one request now (the AppointmentRequest)."""
    return appointments.send(request_id)


# --- Replacing the catalogue (sync, data packs, demo) -------------------------------------------


def reload_backend(old: Backend) -> Backend:
    """Open the catalogue file again after a swap; the lookup indexes do not depend on it."""
    store = open_catalogue()
    return Backend(
        store=store,
        info=describe(store),
        geocoder=old.geocoder,
        metiers=old.metiers,
        search=SearchService(store, geocoder=old.geocoder, metiers=old.metiers),
        opcos=opco_values(store),
    )


def close_backend(backend: Backend) -> None:
    """Close a replaced catalogue; the store's lock makes this wait for a search still using it."""
    with backend.store.lock:
        backend.store.close()


def make_sync_service() -> SyncService:
    """The sync service of the window, from the API settings (tests replace this function)."""
    return SyncService.from_settings()


def run_sync(
    scope: SyncScope,
    *,
    restart: bool = False,
    report: Report | None = None,
    cancelled: Cancelled | None = None,
) -> SyncReport:
    """The sync task: a failure of the upstream comes back inside the report, not raised."""
    return make_sync_service().run(scope, report=report, cancelled=cancelled, restart=restart)


def export_pack(target: Path) -> dict[str, Any]:
    return export_datapack(target=target)


def import_pack(source: Path) -> dict[str, Any]:
    """Verify then swap in a data pack; a refused pack raises BadDataPack and changes nothing."""
    return import_datapack(source=source)


def restore_demo() -> dict[Kind, int]:
    """Rebuild the demo catalogue beside the current one, then swap it in atomically, so a
    failed build leaves the synced data in place."""
    target = paths.catalogue_path()
    staging = target.with_name(target.name + DEMO_SUFFIX)
    staging.unlink(missing_ok=True)
    try:
        store = open_catalogue(staging)  # builds the demo data there, as on a first run
        try:
            counts = store.counts()
        finally:
            store.close()
        swap_in(staging, target)
    finally:
        staging.unlink(missing_ok=True)
    return counts
