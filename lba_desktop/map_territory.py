"""A territory prepared for offline maps: the tiles covering some départements up to a zoom,
counted and sized before anything is fetched, fetched at the provider's rate into the tile
cache, resumed where an interruption left it (tiles already kept are not asked again)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from lba_desktop.errors import InvalidInput
from lba_desktop.map_tiles import Provider, TileSource, lat_of_row, tile_x, tile_y
from lba_desktop.place_names import Outline, departement_outlines

FIRST_ZOOM = 5
MAX_ZOOM = 15  # deeper than this a département is hundreds of thousands of tiles
AVERAGE_TILE_BYTES = 20_000  # a Plan IGN tile of the countryside, for the estimate


@dataclass(frozen=True, slots=True)
class Estimate:
    tiles: int
    to_fetch: int  # those not in the cache yet
    bytes: int


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
    return Estimate(len(tiles), to_fetch, to_fetch * AVERAGE_TILE_BYTES)


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
        if not source.cache.has(*tile):
            if source.fetch(*tile) is None:
                failed += 1
            else:
                fetched += 1
        if progress is not None:
            progress(done, len(tiles))
    return fetched, failed
