"""Raster map tiles for every map: the providers (Plan IGN by default, OpenStreetMap), the
URL a test or a structure sets in LBA_TILE_URL, and the source the page's tiles come from:
the cache first, the provider when online, nothing otherwise (the place names stay)."""

from __future__ import annotations

import hashlib
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from lba_desktop import paths
from lba_desktop.data.tile_cache import DEFAULT_MAX_BYTES, TileCache
from lba_desktop.data.tile_client import TileClient

ENV_TILE_URL = "LBA_TILE_URL"
MB = 1024 * 1024
SCHEME = "lbatile"  # the page asks lbatile://<source>/{z}/{x}/{y}; the window answers it
_TILE_PATH = re.compile(r"^/(\d{1,2})/(\d{1,7})/(\d{1,7})$")


@dataclass(frozen=True, slots=True)
class Provider:
    key: str
    label: str
    template: str
    attribution: str
    max_zoom: int
    rate_per_second: float  # what the provider's usage rules allow one application
    bulk_allowed: bool  # may a territory be prepared (downloaded ahead) from it


PROVIDERS: dict[str, Provider] = {
    "plan-ign": Provider(
        "plan-ign",
        "Plan IGN (Géoplateforme)",
        "https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
        "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&TILEMATRIXSET=PM"
        "&FORMAT=image/png&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}",
        "© IGN",
        19,
        20.0,
        True,
    ),
    "osm": Provider(
        "osm",
        "OpenStreetMap",
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "© contributeurs OpenStreetMap",
        19,
        2.0,
        False,  # its tile usage policy forbids bulk downloading
    ),
}
DEFAULT_PROVIDER = "plan-ign"


def provider(key: str = DEFAULT_PROVIDER) -> Provider:
    """The provider chosen, with LBA_TILE_URL (a {z}/{x}/{y} template) replacing its URL."""
    chosen = PROVIDERS.get(key, PROVIDERS[DEFAULT_PROVIDER])
    override = os.environ.get(ENV_TILE_URL, "").strip()
    if override and all(f"{{{k}}}" in override for k in "zxy"):
        return Provider("url", "Serveur de tuiles configuré", override, chosen.attribution,
                        chosen.max_zoom, chosen.rate_per_second, True)  # fmt: skip
    return chosen


def page_template(chosen: Provider) -> str:
    """The tile URL written in the page: its host names the source, so the browser's own
    caches never hand one provider's tile for another's."""
    return f"{SCHEME}://t{_digest(chosen)}/{{z}}/{{x}}/{{y}}"


def _digest(chosen: Provider) -> str:
    return hashlib.sha1(chosen.template.encode()).hexdigest()[:10]


def parse_tile_path(path: str) -> tuple[int, int, int] | None:
    """(z, x, y) from the page's « /z/x/y » path, or None for anything else."""
    found = _TILE_PATH.match(path)
    if not found:
        return None
    z, x, y = (int(v) for v in found.groups())
    if z > 22 or x >= (1 << z) or y >= (1 << z):
        return None
    return z, x, y


def tile_x(lon: float, z: int) -> float:
    """The Web Mercator tile column (with its fraction) of a longitude at zoom z."""
    return (lon + 180.0) / 360.0 * (1 << z)


def tile_y(lat: float, z: int) -> float:
    """The Web Mercator tile row (with its fraction) of a latitude at zoom z."""
    s = math.sin(math.radians(max(min(lat, 85.0), -85.0)))
    return (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * (1 << z)


def lat_of_row(y: float, z: int) -> float:
    return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / (1 << z)))))


def lon_of_column(x: float, z: int) -> float:
    return x / (1 << z) * 360.0 - 180.0


def cache_path(chosen: Provider) -> Path:
    """One cache file per provider (per URL for LBA_TILE_URL): tiles differ between them."""
    name = chosen.key if chosen.key in PROVIDERS else f"{chosen.key}-{_digest(chosen)}"
    return paths.data_root() / "carte" / f"tuiles-{name}.mbtiles"


class TileSource:
    """What the page's tile requests are answered with; safe to call from several threads."""

    def __init__(self, chosen: Provider, *, online: bool, cache: TileCache | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:  # fmt: skip
        self.provider = chosen
        self.online = online
        self.cache = cache or TileCache(cache_path(chosen), max_bytes=max_bytes, name=chosen.label)
        self.client = TileClient(chosen.template, rate=chosen.rate_per_second)

    def cached(self, z: int, x: int, y: int) -> bytes | None:
        """The cached tile at once (a millisecond), or None."""
        return self.cache.get(z, x, y)

    def fetch(self, z: int, x: int, y: int, *, prepared: bool = False) -> bytes | None:
        """The provider's tile (kept in the cache; for good when `prepared`), or None offline:
        the page then draws nothing there and its place names stay readable. Blocks: call it
        off the UI."""
        if not self.online:
            return None
        data = self.client.fetch(z, x, y)
        if data is not None:
            self.cache.put(z, x, y, data, prepared=prepared)
        return data

    def close(self) -> None:
        self.cache.close()


def has_prepared_tiles(provider_key: str) -> bool:
    """Whether a territory was prepared for that provider (its map then shows offline)."""
    path = cache_path(provider(provider_key))
    if not path.exists():
        return False
    cache = TileCache(path)
    try:
        return bool(cache.territories()) or cache.prepared_bytes() > 0
    finally:
        cache.close()


def tile_cache_usage_fr(provider_key: str) -> str:
    """What the cache of that provider holds, in a French sentence (the settings show it)."""
    path = cache_path(provider(provider_key))
    if not path.exists():
        return "Le cache de la carte est vide."
    cache = TileCache(path)
    try:
        seen, prepared = cache.size_bytes, cache.prepared_bytes()
    finally:
        cache.close()

    def mb(n: int) -> str:
        return (
            f"{n / 1_000_000:.0f}" if n >= 10_000_000 else f"{n / 1_000_000:.1f}".replace(".", ",")
        )

    return (
        f"Le cache tient {mb(seen)} Mo de tuiles vues et {mb(prepared)} Mo de territoires préparés."
    )
