"""The offline place names: big towns and préfectures first, every commune by the deepest
zoom, never two labels on top of each other, département names inside their outline, and
names that cannot break out of the page's script."""

from __future__ import annotations

import json
import math

from lba_desktop import place_names as pn
from lba_desktop.data.referentials import load_communes
from lba_desktop.map_page_build import build_map_page
from lba_desktop.safe_text import json_in_script


def by_name(name: str, kind: int | None = None) -> pn.PlaceLabel:
    return next(p for p in pn.place_labels() if p.name == name and kind in (None, p.kind))


def test_big_towns_and_prefectures_come_first_and_every_commune_is_named_zoomed_in() -> None:
    labels = pn.place_labels()
    communes = [p for p in labels if p.kind != pn.DEPARTEMENT]
    assert len(communes) == len(load_communes())
    assert max(p.min_zoom for p in communes) <= pn.LAST_ZOOM
    assert by_name("Paris").min_zoom == pn.FIRST_ZOOM
    assert by_name("Aurillac").min_zoom <= 7  # the préfecture of Cantal, at a regional view
    assert by_name("Saint-Flour").min_zoom <= 9
    assert by_name("Roannes-Saint-Mary").min_zoom >= 11  # a village of Cantal, zoomed in only
    # Priority order: a town never comes after a village shown from the same zoom.
    order = {id(p): i for i, p in enumerate(labels)}
    assert order[id(by_name("Aurillac"))] < order[id(by_name("Roannes-Saint-Mary"))]


def test_labels_of_one_zoom_never_overlap() -> None:
    for z in (6, 8, 10, 12):
        world = 256.0 * 2**z
        grid = pn._BoxGrid()
        for p in pn.place_labels():
            if p.kind == pn.DEPARTEMENT or p.min_zoom > z:
                continue
            mx, my = pn._mercator(p.lat, p.lon)
            x, y = mx * world, my * world
            half = len(p.name) * pn._CHAR_PX[p.kind] / 2 + 4
            box = (x - half, y - pn._LINE_PX[p.kind], x + half, y + 4)
            assert not grid.hits(box), (z, p.name)
            grid.add(box)


def inside(point: tuple[float, float], ring: tuple[tuple[float, float], ...]) -> bool:
    x, y = point
    crossings = sum(
        1
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
        if (y0 <= y < y1 or y1 <= y < y0) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0)
    )
    return crossings % 2 == 1


def test_every_departement_is_named_at_a_point_inside_it() -> None:
    outlines = pn.departement_outlines()
    assert len(outlines) >= 96
    for outline in outlines:
        point = pn.label_point(outline)
        assert any(inside(point, ring) for ring in outline.rings), outline.name
    cantal = by_name("Cantal", pn.DEPARTEMENT)
    assert math.isclose(cantal.lat, 45.05, abs_tol=0.2) and cantal.min_zoom == 7


def test_names_cannot_end_the_script_or_run_as_a_template() -> None:
    hostile = ["</script><script>alert(1)</script>", "{{ 7*7 }}", "<!--", "a\u2028b", 'q"\\']
    text = json_in_script([[name, 1.0, 2.0, 5, 3] for name in hostile] + [{"k": {"v": 1}}])
    assert "</" not in text and "{{" not in text and "<!--" not in text and "\u2028" not in text
    assert json.loads(text)[: len(hostile)] == [[n, 1.0, 2.0, 5, 3] for n in hostile]


def test_the_built_page_carries_every_label_and_the_drawing_code(tmp_path) -> None:
    page = build_map_page(tmp_path / "carte.html").read_text(encoding="utf-8")
    start = page.index("window.LBA_PLACES = ") + len("window.LBA_PLACES = ")
    rows = json.loads(page[start : page.index(";</script>", start)])
    assert len(rows) == len(pn.place_labels())
    aurillac = next(r for r in rows if r[0] == "Aurillac")
    assert aurillac[3:] == [by_name("Aurillac").min_zoom, pn.PREFECTURE]
    assert math.isclose(aurillac[1], 44.930, abs_tol=1e-3) and math.isclose(
        aurillac[2], 2.445, abs_tol=1e-3
    )
    assert "window.LbaPlaces" in page and ".lba-pin-home" in page
