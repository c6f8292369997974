"""A territory prepared for offline maps: the tiles covering some départements up to a zoom,
counted and sized before anything is fetched, fetched at the provider's rate into the tile
cache, resumed where an interruption left it (tiles already kept are not asked again)."""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lba_desktop import paths
from lba_desktop.data.tile_cache import TileCache, check_tiles_file
from lba_desktop.errors import InvalidInput
from lba_desktop.map_tiles import (
    Provider,
    TileSource,
    cache_path,
    lat_of_row,
    provider,
    tile_x,
    tile_y,
)
from lba_desktop.place_names import Outline, departement_outlines

# The cache file a pack's map goes into: a plain name, so no pack writes elsewhere.
_CACHE_NAME = re.compile(r"^tuiles-[a-z0-9-]{1,40}\.mbtiles$")
FIRST_ZOOM = 5
MAX_ZOOM = 15  # deeper than this a département is hundreds of thousands of tiles
AVERAGE_TILE_BYTES = 20_000  # a Plan IGN tile of the countryside, for the estimate


@dataclass(frozen=True, slots=True)
class Estimate:
    tiles: int
    to_fetch: int  # those not in the cache yet
    bytes: int
    seconds: float = 0.0  # at the provider's rate

    @property
    def size_fr(self) -> str:
        return f"{self.bytes / 1_000_000:.1f}".replace(".", ",") + " Mo"

    @property
    def duration_fr(self) -> str:
        minutes = math.ceil(self.seconds / 60)
        return "moins d'une minute" if minutes <= 1 else f"environ {minutes} minutes"


@dataclass(frozen=True, slots=True)
class Plan:
    """A preparation as it will run: what to fetch, from where, how much."""

    departements: tuple[str, ...]
    zoom_max: int
    source: TileSource
    tiles: list[tuple[int, int, int]]
    estimate: Estimate


@dataclass(frozen=True, slots=True)
class Prepared:
    fetched: int
    failed: int
    cancelled: bool


def outlines_for(codes: Iterable[str]) -> list[Outline]:
    """The outlines of the départements named; an unknown code is refused, naming it."""
    known = {o.code: o for o in departement_outlines()}
    wanted = [c.strip().upper().zfill(2) for c in codes if c.strip()]
    unknown = [c for c in wanted if c not in known]
    if unknown or not wanted:
        raise InvalidInput(
            f"Département inconnu : {', '.join(unknown)}" if unknown else "Aucun département.",
            hint="Donnez des codes séparés par des virgules, par exemple 15,19.",
        )
    return [known[c] for c in wanted]


def territory_tiles(outlines: Iterable[Outline], zoom_max: int) -> Iterator[tuple[int, int, int]]:
    """(z, x, y) of every tile touching the outlines, zoom by zoom (scanlines on each tile
    row's edges and middle, plus the outlines' own vertices)."""
    rings = [ring for o in outlines for ring in o.rings]
    for z in range(FIRST_ZOOM, zoom_max + 1):
        found: set[tuple[int, int]] = set()
        for ring in rings:
            for lon, lat in ring:
                found.add((int(tile_x(lon, z)), int(tile_y(lat, z))))
        lats = [p[1] for ring in rings for p in ring]
        top, bottom = int(tile_y(max(lats), z)), int(tile_y(min(lats), z))
        for row in range(top, bottom + 1):
            for frac in (0.001, 0.5, 0.999):
                lat = lat_of_row(row + frac, z)
                for ring in rings:
                    xs = sorted(_crossings(ring, lat))
                    for a, b in zip(xs[0::2], xs[1::2], strict=False):
                        for col in range(int(tile_x(a, z)), int(tile_x(b, z)) + 1):
                            found.add((col, row))
        for x, y in sorted(found):
            yield z, x, y


def _crossings(ring: tuple[tuple[float, float], ...], lat: float) -> list[float]:
    out = []
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 <= lat < y1) or (y1 <= lat < y0):
            out.append(x0 + (lat - y0) * (x1 - x0) / (y1 - y0))
    return out


def check_bulk(chosen: Provider) -> None:
    if not chosen.bulk_allowed:
        raise InvalidInput(
            f"« {chosen.label} » n'autorise pas le téléchargement d'un territoire à l'avance.",
            hint="Choisissez le fond Plan IGN pour préparer une carte hors ligne.",
        )


def estimate(source: TileSource, tiles: list[tuple[int, int, int]]) -> Estimate:
    to_fetch = sum(1 for t in tiles if not source.cache.has(*t))
    return Estimate(len(tiles), to_fetch, to_fetch * AVERAGE_TILE_BYTES,
                    to_fetch / source.provider.rate_per_second)  # fmt: skip


def plan_territory(codes: Iterable[str], zoom_max: int, source: TileSource) -> Plan:
    """The tiles of those départements up to `zoom_max`, counted against the cache; a zoom
    out of range, an unknown code or a provider forbidding bulk downloads is refused."""
    if not FIRST_ZOOM <= zoom_max <= MAX_ZOOM:
        raise InvalidInput(f"Le zoom maximal doit être entre {FIRST_ZOOM} et {MAX_ZOOM}.")
    check_bulk(source.provider)
    outlines = outlines_for(codes)
    tiles = list(territory_tiles(outlines, zoom_max))
    return Plan(tuple(o.code for o in outlines), zoom_max, source, tiles, estimate(source, tiles))


def prepare_territory(plan: Plan, *, report: Callable[[int, int, str], None] | None = None,
                      cancel: threading.Event | None = None) -> Prepared:  # fmt: skip
    """Run a plan (the window's task, the CLI's command); a complete run is recorded in the
    cache file with its départements and zoom."""
    progress = None if report is None else (lambda done, total: report(done, total, "tuiles"))
    fetched, failed = prepare(plan.source, plan.tiles, progress=progress, cancel=cancel)
    cancelled = cancel is not None and cancel.is_set()
    if not cancelled and not failed:
        plan.source.cache.add_territory(list(plan.departements), plan.zoom_max)
    return Prepared(fetched, failed, cancelled)


def prepare(
    source: TileSource,
    tiles: list[tuple[int, int, int]],
    *,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> tuple[int, int]:
    """Fetch the tiles not kept yet; returns (fetched, failed). Stops at `cancel`."""
    check_bulk(source.provider)
    fetched = failed = 0
    for done, tile in enumerate(tiles, 1):
        if cancel is not None and cancel.is_set():
            break
        # A tile already seen is kept as it is and protected from the size bound.
        if not source.cache.mark_prepared(*tile):
            if source.fetch(*tile, prepared=True) is None:
                failed += 1
            else:
                fetched += 1
        if progress is not None:
            progress(done, len(tiles))
    return fetched, failed


def pack_map(provider_key: str, target: Path) -> dict[str, object]:
    """The prepared tiles of that provider's cache written to `target` (for a data pack);
    returns what the pack's manifest says of them. Nothing prepared is refused."""
    chosen = provider(provider_key)
    path = cache_path(chosen)
    cache = TileCache(path) if path.exists() else None
    try:
        count = cache.write_prepared(target) if cache is not None else 0
        territories = cache.territories() if cache is not None else []
    finally:
        if cache is not None:
            cache.close()
    if not count:
        target.unlink(missing_ok=True)
        raise InvalidInput(
            f"Aucun territoire préparé pour la carte « {chosen.label} » : rien à emporter.",
            hint="Préparez d'abord la carte (lba-desktop carte preparer --departements 15, ou "
            "menu Données › Préparer la carte d'un territoire), ou exportez sans --avec-carte.",
        )
    return {"tiles": count, "cache": path.name, "fournisseur": chosen.label,
            "territoires": territories}  # fmt: skip


def check_pack_map(path: Path, described: dict[str, object]) -> str:
    """Check a pack's map file against its description; the cache file name it goes into.
    Raises ValueError with the reason in French."""
    name = described.get("cache")
    if not isinstance(name, str) or not _CACHE_NAME.match(name):
        raise ValueError("la carte du paquet ne dit pas à quel fond elle appartient.")
    if check_tiles_file(path) != described.get("tiles"):
        raise ValueError("la carte ne contient pas le nombre de tuiles annoncé.")
    return name


def merge_pack_map(path: Path, cache_name: str) -> int:
    """Add a checked pack map's tiles to the local cache, as prepared; how many came."""
    cache = TileCache(paths.data_root() / "carte" / cache_name)
    try:
        return cache.merge_prepared(path)
    finally:
        cache.close()
