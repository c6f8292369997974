"""The PDF hand-out's map over real map tiles (a tile server of the tests' own behind
LBA_TILE_URL): tiles printed under the dots when online tiles are on, printed again from the
cache with the server stopped, the reference layer alone when there is no tile at all."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from lba_desktop.exports.html_map_export import render_html
from lba_desktop.exports.pdf_export import MARGIN, render_pdf
from lba_desktop.map_background import background, view_tiles
from lba_desktop.map_tiles import TileSource, cache_path, provider
from lba_desktop.settings import Settings, save_settings
from tests.tile_server import TileServer
from tests.unit.test_pdf_map import handout

needs_pdftoppm = pytest.mark.skipif(not shutil.which("pdftoppm"), reason="pdftoppm absent")


@pytest.fixture
def tiles(monkeypatch: pytest.MonkeyPatch) -> Iterator[TileServer]:
    server = TileServer()
    monkeypatch.setenv("LBA_TILE_URL", server.template)
    yield server
    server.stop()


def _map_pixels(pdf: bytes, tmp_path: Path) -> Image.Image:
    """The first page at 40 dpi, cut to the map (under the title, full width)."""
    (tmp_path / "page.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-singlefile",
                    str(tmp_path / "page.pdf"), str(tmp_path / "page")], check=True)  # fmt: skip
    page = Image.open(tmp_path / "page.png").convert("RGB")
    px_per_mm = page.width / 210
    left = int((MARGIN + 3) * px_per_mm)
    top, bottom = int(60 * px_per_mm), int(100 * px_per_mm)  # inside the map on every layout
    return page.crop((left, top, page.width - left, bottom))


def _coloured_share(image: Image.Image) -> float:
    """The part of the pixels that are clearly coloured (the reference layer is grey)."""
    raw = image.tobytes()
    pixels = [raw[i : i + 3] for i in range(0, len(raw), 3)]
    return sum(1 for p in pixels if max(p) - min(p) > 25) / len(pixels)


@needs_pdftoppm
def test_the_hand_out_prints_the_tiles_then_again_offline_from_the_cache(
    tiles: TileServer, tmp_path: Path
) -> None:
    save_settings(Settings(online_tiles=True))
    online = render_pdf(handout())
    assert tiles.requests and len(tiles.requests) <= 80
    assert "© IGN" in PdfReader(io.BytesIO(online)).pages[0].extract_text()
    assert _coloured_share(_map_pixels(online, tmp_path)) > 0.5
    asked = len(tiles.requests)
    tiles.stop()
    offline = render_pdf(handout())
    assert len(tiles.requests) == asked  # nothing asked twice: the cache answered
    assert _coloured_share(_map_pixels(offline, tmp_path)) > 0.5


@needs_pdftoppm
def test_without_any_tile_the_reference_layer_is_the_background(tmp_path: Path) -> None:
    pdf = render_pdf(handout())
    assert not cache_path(provider()).exists()  # an export creates no empty cache
    image = _map_pixels(pdf, tmp_path)
    assert _coloured_share(image) < 0.01
    assert len(image.getcolors(maxcolors=1 << 16) or []) > 3  # outlines and names, not blank
    assert "© IGN" not in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()


def test_a_view_takes_the_zoom_the_cache_holds(tiles: TileServer) -> None:
    """A territory prepared to zoom 9 prints at 9 when the finest zoom has nothing, offline."""
    source = TileSource(provider(), online=True)
    view = (2.2, 44.8, 2.6, 45.0)
    for x, y in view_tiles(view, 9):
        source.fetch(9, x, y)
    source.online = False
    shown = background(source, view, 11)
    assert shown is not None and shown.zoom == 9 and shown.complete
    assert background(source, (5.0, 47.0, 5.4, 47.2), 11) is None  # elsewhere: nothing
    source.close()


def _tiles_in(page: str) -> int:
    return page.count("data:image/png;base64,")


def test_the_html_page_carries_its_tiles_and_needs_no_server(tiles: TileServer) -> None:
    save_settings(Settings(online_tiles=True))
    page = render_html(handout())
    carried = _tiles_in(page)
    assert 10 <= carried <= 4 * 80
    assert f"127.0.0.1:{tiles.port}" not in page  # the tiles are in the file, not linked
    assert "© IGN" in page
    asked = len(tiles.requests)
    tiles.stop()
    assert _tiles_in(render_html(handout())) == carried  # offline: the same, from the cache
    assert len(tiles.requests) == asked


def test_the_html_page_without_tiles_keeps_the_reference_layer() -> None:
    page = render_html(handout())
    assert _tiles_in(page) == 0 and "lbaTiles" not in page
    assert "Saint-Flour" in page  # the place names the page draws
