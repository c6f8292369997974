"""« Quoi de neuf pour mes jeunes »: after a sync or a data pack, the items that appeared within
each young person's profile since the previous catalogue, kept until a counsellor reviews them."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from lba_desktop import paths
from lba_desktop.data import userstore
from lba_desktop.data.catalogue import CatalogueStore
from lba_desktop.data.catalogue_keys import CatalogueChange, SeenCatalogue, catalogue_identity
from lba_desktop.geo import EARTH_RADIUS_KM, distance_km
from lba_desktop.models import Item, Kind
from lba_desktop.people.profiles import Profile, Profiles
from lba_desktop.people.records import is_position

if TYPE_CHECKING:
    from lba_desktop.people.service import PeopleService

log = logging.getLogger(__name__)
SEEN_FILE_NAME = "catalogue-vu.sqlite"
KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180


@dataclass(frozen=True, slots=True)
class NewLead:
    """An item that appeared in the catalogue within one young person's profile."""

    person_id: int
    kind: Kind
    item_id: str
    title: str
    organisation: str
    commune: str
    distance_km: float | None
    found_at: str


@dataclass(frozen=True, slots=True)
class NewsReport:
    """What one pass found: « 12 nouvelles pistes pour 5 jeunes »."""

    new_items: int  # in the catalogue, for anyone
    leads: int  # (young person, item) pairs added by this pass
    people: int  # young people with at least one lead added
    first_pass: bool  # no previous catalogue recorded: nothing can be called new yet
    elapsed_ms: float = 0.0

    @property
    def summary_fr(self) -> str:
        if self.first_pass:
            return "Catalogue noté : les nouveautés seront comptées à la prochaine mise à jour."
        if not self.leads:
            return "Aucune nouvelle piste pour vos jeunes dans ce catalogue."
        pistes = "nouvelle piste" if self.leads == 1 else "nouvelles pistes"
        jeunes = "jeune" if self.people == 1 else "jeunes"
        return f"{self.leads} {pistes} pour {self.people} {jeunes}"


def seen_file() -> Path:
    return paths.catalogue_path().with_name(SEEN_FILE_NAME)


def matches(profile: Profile, home: tuple[float, float], item: Item) -> float | None:
    """The distance from home when `item` is within the profile, else None."""
    if not item.has_position or not set(item.romes).intersection(profile.romes):
        return None
    if (
        item.kind is not Kind.ENTREPRISE
        and profile.diploma_level is not None
        and item.diploma_level is not None
        and item.diploma_level != profile.diploma_level
    ):
        return None
    d = distance_km(home[0], home[1], item.lat, item.lon)  # type: ignore[arg-type]
    return d if d <= profile.mobility_km else None


class News:
    """The « what's new » pass and the leads it keeps in the user store (`person_news`)."""

    def __init__(self, store: userstore.UserStore, *, seen_path: Path | None = None) -> None:
        self.store = store
        self.seen = SeenCatalogue(seen_path or seen_file())

    def refresh(self, catalogue: CatalogueStore) -> NewsReport:
        """Compare the catalogue with the one recorded at the last pass; add each new item to
        the leads of every young person whose profile it fits; record this catalogue."""
        started = time.perf_counter()
        seen_identity = self.seen.identity()
        if seen_identity:
            built_at = catalogue.meta().get("built_at", "")
            if seen_identity == catalogue_identity(catalogue.path, built_at):
                # The catalogue of the last pass (every start without a sync): no key read.
                return NewsReport(0, 0, 0, first_pass=False, elapsed_ms=_ms(started))
        with self.seen.compare(catalogue.path) as change:
            if not change.has_previous:
                change.commit()
                return NewsReport(0, 0, 0, first_pass=True, elapsed_ms=_ms(started))
            fresh = change.fresh_count()
            leads = self._match(change.fresh_items()) if fresh else []
            self._write(leads, change)
            change.commit()
        people = len({lead.person_id for lead in leads})
        log.info("Nouveautés : %d éléments nouveaux, %d pistes", fresh, len(leads))
        return NewsReport(fresh, len(leads), people, first_pass=False, elapsed_ms=_ms(started))

    def _match(self, items: Iterable[Item]) -> list[NewLead]:
        profiles = Profiles(self.store).all()
        homes = {
            r["id"]: (r["home_lat"], r["home_lon"])
            for r in self.store.read("SELECT id, home_lat, home_lon FROM people")
            if is_position(r["home_lat"], r["home_lon"])
        }
        # Each item is checked only against the young people who share one of its métiers and
        # whose reach covers the item's grid cell: 2,000 profiles share few popular métiers.
        by_cell: dict[tuple[str, int, int], list[Profile]] = {}
        for person_id, profile in profiles.items():
            if person_id not in homes:
                continue
            cells = _cells_within(*homes[person_id], profile.mobility_km)
            for rome in profile.romes:
                for cell in cells:
                    by_cell.setdefault((rome, *cell), []).append(profile)
        if not by_cell:
            return []  # nobody with a home and a métier: the new items are not even read
        now = datetime.now(UTC).replace(microsecond=0).isoformat()
        leads: dict[tuple[int, str, str], NewLead] = {}
        for item in items:
            if not item.has_position:
                continue
            cell = _cell(item.lat, item.lon)  # type: ignore[arg-type]
            for rome in item.romes:
                for profile in by_cell.get((rome, *cell), ()):
                    key = (profile.person_id, item.kind.value, item.id)
                    if key in leads:
                        continue
                    d = matches(profile, homes[profile.person_id], item)
                    if d is not None:
                        leads[key] = NewLead(
                            person_id=profile.person_id,
                            kind=item.kind,
                            item_id=item.id,
                            title=item.title,
                            organisation=item.organisation,
                            commune=item.commune,
                            distance_km=round(d, 1),
                            found_at=now,
                        )
        return list(leads.values())

    def _write(self, leads: list[NewLead], change: CatalogueChange | None = None) -> None:
        with self.store.transaction() as conn:
            if change is not None:
                # A lead whose item left the catalogue is no lead any more. The leads waiting
                # for a review are few next to the catalogue: each is looked up in its record.
                waiting = conn.execute("SELECT DISTINCT kind, item_id FROM person_news")
                gone = [(k, i) for k, i in waiting.fetchall() if not change.holds((k, i))]
                if gone:
                    conn.executemany("DELETE FROM person_news WHERE kind = ? AND item_id = ?", gone)
            conn.executemany(
                "INSERT INTO person_news (person_id, kind, item_id, title, organisation, "
                "commune, distance_km, found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (person_id, kind, item_id) DO NOTHING",
                [
                    (
                        lead.person_id,
                        lead.kind.value,
                        lead.item_id,
                        lead.title,
                        lead.organisation,
                        lead.commune,
                        lead.distance_km,
                        lead.found_at,
                    )
                    for lead in leads
                ],
            )

    # -- reading and reviewing

    def leads(self, person_id: int | None = None) -> list[NewLead]:
        """The leads not reviewed yet, by person then nearest first."""
        sql = (
            "SELECT person_id, kind, item_id, title, organisation, commune, distance_km, "
            "found_at FROM person_news"
        )
        params: tuple[int, ...] = ()
        if person_id is not None:
            sql += " WHERE person_id = ?"
            params = (person_id,)
        rows = self.store.read(sql + " ORDER BY person_id, distance_km, kind, item_id", params)
        return [
            NewLead(
                person_id=r["person_id"],
                kind=Kind(r["kind"]),
                item_id=r["item_id"],
                title=r["title"],
                organisation=r["organisation"],
                commune=r["commune"],
                distance_km=r["distance_km"],
                found_at=r["found_at"],
            )
            for r in rows
        ]

    def dismiss(self, person_id: int, keys: Iterable[tuple[str, str]] | None = None) -> int:
        """Mark leads as reviewed (all of the person's, or those named): they leave the list."""
        with self.store.transaction() as conn:
            if keys is None:
                cur = conn.execute("DELETE FROM person_news WHERE person_id = ?", (person_id,))
                return cur.rowcount
            total = 0
            for kind, item_id in keys:
                cur = conn.execute(
                    "DELETE FROM person_news WHERE person_id = ? AND kind = ? AND item_id = ?",
                    (person_id, kind, item_id),
                )
                total += cur.rowcount
            return total

    def add_to_shortlists(
        self, people: PeopleService, catalogue: CatalogueStore, leads: Iterable[NewLead]
    ) -> tuple[int, int]:
        """Each lead into its young person's shortlist, then out of the list of news. Returns
        (lines added, leads whose item left the catalogue since: reviewed, not added)."""
        added = gone = 0
        for lead in leads:
            item = catalogue.get(lead.kind, lead.item_id)
            if item is None:
                gone += 1
            else:
                _, created = people.add_to_shortlist(
                    lead.person_id, item=item, distance_km=lead.distance_km
                )
                added += created
            self.dismiss(lead.person_id, [(lead.kind.value, lead.item_id)])
        return added, gone


# Grid cells of a fifth of a degree (22 km north-south): small enough that an item is checked
# against few profiles, large enough that a 30 km reach covers a handful of cells.
CELL_DEGREES = 0.2


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return math.floor(lat / CELL_DEGREES), math.floor(lon / CELL_DEGREES)


def _cells_within(lat: float, lon: float, radius_km: float) -> list[tuple[int, int]]:
    """The cells that a disc of `radius_km` around (lat, lon) touches (its bounding box)."""
    dlat = radius_km / KM_PER_DEGREE
    dlon = radius_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    south, west = _cell(lat - dlat, lon - dlon)
    north, east = _cell(lat + dlat, lon + dlon)
    return [(a, b) for a in range(south, north + 1) for b in range(west, east + 1)]


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000
