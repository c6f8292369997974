"""The map tiles behind an exported map (PDF hand-out, HTML page): those covering its view,
from the tile cache first, from the provider when online tiles are on, at the finest zoom
that has them; nothing when none is at hand (the reference layer is then the background)."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from lba_desktop.map_tiles import (
    MB,
    TileSource,
    cache_path,
    lat_of_row,
    lon_of_column,
    provider,
    tile_x,
    tile_y,
)
from lba_desktop.settings import load_settings

Bbox = tuple[float, float, float, float]  # west, south, east, north in degrees
MAX_TILES_PER_ZOOM = 80  # a printed map needs a few dozen; beyond that the zoom is wrong
MAX_PAGE_ZOOM = 18
FETCH_BUDGET_S = 8.0  # an export waits this long at most for the provider


@dataclass(frozen=True, slots=True)
class Background:
    """The tiles of one zoom over a view: (x, y) → image bytes (PNG or JPEG)."""

    zoom: int
    tiles: dict[tuple[int, int], bytes]
    wanted: int  # how many tiles the view covers at that zoom
    attribution: str

    @property
    def complete(self) -> bool:
        return len(self.tiles) == self.wanted


@contextmanager
def export_tiles() -> Iterator[TileSource | None]:
    """The tile source of the settings for one export, or None when there is neither a cache
    file nor online tiles (an export does not create an empty cache)."""
    settings = load_settings()
    chosen = provider(settings.tile_provider)
    if not settings.online_tiles and not cache_path(chosen).exists():
        yield None
        return
    source = TileSource(chosen, online=settings.online_tiles,
                        max_bytes=settings.tile_cache_mb * MB)  # fmt: skip
    try:
        yield source
    finally:
        source.close()


def view_tiles(bbox: Bbox, z: int) -> list[tuple[int, int]]:
    """(x, y) of the tiles a view touches at zoom z."""
    west, south, east, north = bbox
    last = (1 << z) - 1
    x0, x1 = (min(max(int(tile_x(v, z)), 0), last) for v in (west, east))
    y0, y1 = (min(max(int(tile_y(v, z)), 0), last) for v in (north, south))
    return [(x, y) for y in range(y0, y1 + 1) for x in range(x0, x1 + 1)]


def fit_zoom(points: list[tuple[float, float]], width_px: float, height_px: float) -> int:
    """The zoom Leaflet's fitBounds picks for (lat, lon) points in a map of that size."""
    xs = [tile_x(lon, 0) for _lat, lon in points]
    ys = [tile_y(lat, 0) for lat, _lon in points]
    fits = [math.log2(size / (256 * span))
            for size, span in ((width_px, max(xs) - min(xs)), (height_px, max(ys) - min(ys)))
            if span > 0]  # fmt: skip
    return max(0, min(MAX_PAGE_ZOOM, math.floor(min(fits)))) if fits else MAX_PAGE_ZOOM


def page_views(points: list[tuple[float, float]], zoom: int, width_px: float, height_px: float
               ) -> list[tuple[int, Bbox]]:  # fmt: skip
    """What a standalone page should carry, most useful first: the view it opens on at
    `zoom`, one zoom closer, one farther, and two closer around the (lat, lon) points."""
    if points:
        xs = [tile_x(lon, 0) for _lat, lon in points]
        ys = [tile_y(lat, 0) for lat, _lon in points]
    else:
        xs, ys = [tile_x(2.4, 0)], [tile_y(46.6, 0)]  # France
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2

    def around(z: int, pad_x: float, pad_y: float) -> Bbox:
        # In world pixels at zoom 0 (the world is 256 wide), half the size on each side.
        half_x = max(pad_x / 2 / 256 / (1 << z), (max(xs) - min(xs)) / 2)
        half_y = max(pad_y / 2 / 256 / (1 << z), (max(ys) - min(ys)) / 2)
        return (lon_of_column(cx - half_x, 0), lat_of_row(min(cy + half_y, 1.0), 0),
                lon_of_column(cx + half_x, 0), lat_of_row(max(cy - half_y, 0.0), 0))  # fmt: skip

    seen = around(zoom, width_px, height_px)
    views = [(zoom, seen), (zoom + 1, seen), (zoom - 1, around(zoom - 1, width_px, height_px)),
             (zoom + 2, around(zoom + 2, width_px, height_px))]  # fmt: skip
    return [(z, bbox) for z, bbox in views if 0 <= z <= MAX_PAGE_ZOOM]


def background(source: TileSource | None, bbox: Bbox, zoom: int, *, coarser: int = 3,
               budget_s: float = FETCH_BUDGET_S) -> Background | None:  # fmt: skip
    """The tiles of the view at `zoom`, or at a coarser zoom when the cache holds more there
    (a territory prepared to zoom 13 prints at 13). Missing tiles of the finest zoom are asked
    of the provider when online, within `budget_s` and only while it answers."""
    if source is None:
        return None
    deadline = time.monotonic() + budget_s
    best: Background | None = None
    top = min(zoom, source.provider.max_zoom)
    for z in range(top, max(top - coarser, 0) - 1, -1):
        wanted = view_tiles(bbox, z)
        if len(wanted) > MAX_TILES_PER_ZOOM:
            continue
        found = _collect(source, z, wanted, deadline if z == top else 0.0)
        if not found:
            continue
        here = Background(z, found, len(wanted), source.provider.attribution)
        if here.complete:
            return here
        if best is None or len(found) / len(wanted) > len(best.tiles) / best.wanted:
            best = here
    return best


def page_tiles(source: TileSource | None, views: list[tuple[int, Bbox]], *, max_bytes: int,
               budget_s: float = FETCH_BUDGET_S) -> dict[tuple[int, int, int], bytes]:  # fmt: skip
    """The tiles of each (zoom, view) in turn, while they add up to less than `max_bytes`:
    what a standalone page carries so that it shows the map without any network."""
    if source is None:
        return {}
    deadline = time.monotonic() + budget_s
    out: dict[tuple[int, int, int], bytes] = {}
    total = 0
    for z, bbox in views:
        wanted = view_tiles(bbox, z)
        if len(wanted) > MAX_TILES_PER_ZOOM:
            continue
        found = _collect(source, z, wanted, deadline)
        size = sum(len(v) for v in found.values())
        if total + size > max_bytes:
            break
        total += size
        out.update({(z, x, y): data for (x, y), data in found.items()})
    return out


def _collect(source: TileSource, z: int, wanted: list[tuple[int, int]], deadline: float
             ) -> dict[tuple[int, int], bytes]:  # fmt: skip
    """The cached tiles of `wanted`; the others fetched when online until `deadline`, and
    only while the provider answers (an unreachable one is not asked 50 times)."""
    found = {}
    answering = source.online
    for x, y in wanted:
        data = source.cached(z, x, y)
        if data is None and answering and time.monotonic() < deadline:
            data = source.fetch(z, x, y)
            answering = data is not None
        if data is not None:
            found[(x, y)] = data
    return found
