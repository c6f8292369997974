"""« Territoire »: the view opens from the menu, shows a département's métiers, draws the map,
opens the search behind a figure, and exports PNG, PDF and XLSX."""

from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import QTabWidget, QWidget

from lba_desktop.models import Kind, PlaceKind
from lba_desktop.ui.territory_widgets import RomeRole

SHOTS = Path(os.environ.get("LBA_UI_SHOTS") or tempfile.gettempdir()) / "lba-ui-shots"


def open_cantal(qtbot: Any, window: Any) -> Any:
    menu = next(a for a in window.menuBar().actions() if a.text() == "&Territoire")
    assert menu.menu().actions()[0] is window.territory_actions.action
    window.territory_actions.action.trigger()
    dialog = window.territory_actions.dialog
    qtbot.waitExposed(dialog)
    dialog.select_territory("departement", "15")
    assert dialog.view is not None and dialog.view.territory.code == "15"
    return dialog


def test_the_view_shows_the_departement_and_a_bar_opens_its_search(qtbot: Any, window: Any):
    dialog = open_cantal(qtbot, window)
    dialog.resize(1366, 740)
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert dialog.metier_model.rowCount() == len(dialog.view.metiers) > 20
    top = dialog._chart_romes[-1]  # the métier drawn first, the biggest
    counts = next(m.counts for m in dialog.view.metiers if m.rome == top)
    dialog.grab().save(str(SHOTS / "territory_metiers.png"))
    with qtbot.waitSignal(window.searchFinished, timeout=20_000) as blocker:
        dialog._on_bar_clicked(len(dialog._chart_romes) - 1, None)
    result = blocker.args[0]
    place = window.filters.place()
    assert place is not None and place.kind is PlaceKind.DEPARTEMENT and place.code == "15"
    assert [m.code for m in window.filters.chosen_metiers()] == [top]
    # What the view counted is what the search shows (within the window's per-kind caps).
    assert result.counts[Kind.FORMATION] == counts.formations
    assert result.counts[Kind.OFFRE] == counts.offres


def test_a_domain_opens_the_search_of_its_metiers_or_lists_them(qtbot: Any, window: Any):
    dialog = open_cantal(qtbot, window)
    dialog.resize(1366, 740)
    dialog.tabs.setCurrentIndex(1)
    assert dialog.domain_model.rowCount() == len(dialog.view.domains) > 20
    dialog.grab().save(str(SHOTS / "territory_domains.png"))
    code = dialog._chart_domains[-1]  # the domain drawn first, the biggest
    domain = next(d for d in dialog.view.domains if d.code == code)
    assert len(domain.romes) > 1
    with qtbot.waitSignal(window.searchFinished, timeout=20_000) as blocker:
        dialog._on_domain_bar_clicked(len(dialog._chart_domains) - 1, None)
    result = blocker.args[0]
    assert window.filters.place().code == "15"
    assert sorted(m.code for m in window.filters.chosen_metiers()) == list(domain.romes)
    # Each item once, however many of the domain's métiers it carries: as the search counts.
    assert result.counts[Kind.FORMATION] == domain.counts.formations
    assert result.counts[Kind.OFFRE] == domain.counts.offres
    # Over France a domain has more métiers than a search takes: they are listed instead.
    dialog.select_territory("france", "")
    wide = next(d for d in dialog.view.domains if len(d.romes) > 20)
    dialog.open_domain(wide.code)
    assert dialog.tabs.currentIndex() == 0
    assert sorted(m.rome for m in dialog.view.metiers) == list(wide.romes)
    assert "plus qu'une recherche n'en prend (20)" in dialog.summary.text()


def test_the_map_colours_departements_and_a_click_searches_there(qtbot: Any, window: Any):
    dialog = open_cantal(qtbot, window)
    dialog.resize(1366, 740)
    dialog.select_territory("france", "")
    dialog.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: bool(dialog.map._paths) or dialog.map.grab() is None, timeout=5_000)
    rome = dialog.current_rome
    assert rome and dialog.map.values and len(dialog.map.thresholds()) >= 2
    dialog.grab().save(str(SHOTS / "territory_map.png"))
    cantal = dialog.map._paths["15"]
    point = cantal.pointAtPercent(0.0)
    centre = cantal.boundingRect().center()
    inside = centre if dialog.map.code_at(centre) == "15" else QPointF(point)
    assert dialog.map.code_at(inside) == "15"
    with qtbot.waitSignal(window.searchFinished, timeout=20_000):
        qtbot.mouseClick(dialog.map, Qt.MouseButton.LeftButton, pos=inside.toPoint())
    assert window.filters.place().code == "15"
    assert [m.code for m in window.filters.chosen_metiers()] == [rome]


def test_action_lists_and_exports(qtbot: Any, window: Any, tmp_path: Path):
    dialog = open_cantal(qtbot, window)
    dialog.resize(1366, 740)
    dialog.select_territory("region", "84")
    dialog.tabs.setCurrentIndex(3)
    assert dialog.alone_model.rowCount() > 0 and dialog.missing_model.rowCount() > 0
    dialog.grab().save(str(SHOTS / "territory_actions.png"))
    # A training with no employer within 30 km: its search (30 km around it) finds none.
    first = dialog.alone_model.index(0, 0)
    with qtbot.waitSignal(window.searchFinished, timeout=20_000) as blocker:
        dialog._open_gap(first)
    result = blocker.args[0]
    employers = sum(result.counts[k] for k in (Kind.OFFRE, Kind.ENTREPRISE, Kind.PARTENARIAT))
    assert result.nearest_anywhere or employers == 0
    assert window.filters.chosen_metiers()[0].code == first.data(RomeRole)

    dialog.save_png(tmp_path / "t.png")
    dialog.save_pdf(tmp_path / "t.pdf")
    from lba_desktop.exports.territory_xlsx import write_territory_xlsx

    write_territory_xlsx(dialog.view, tmp_path / "t.xlsx")
    assert (tmp_path / "t.png").read_bytes()[:4] == b"\x89PNG"
    # One page per tab, each under its heading in text, its accent kept.
    pages = [
        " ".join(unicodedata.normalize("NFKC", page.extract_text()).split())
        for page in PdfReader(tmp_path / "t.pdf").pages
    ]
    assert len(pages) == dialog.tabs.count() == 4
    assert pages[3].startswith("À agir — Auvergne-Rhône-Alpes")
    assert dialog.summary.text() in pages[3]
    assert pages[1].startswith("Domaines — Auvergne-Rhône-Alpes")
    assert "Carte par département — Auvergne-Rhône-Alpes" in pages[2]
    book = load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == [
        "Métiers",
        "Domaines",
        "Formations sans employeur",
        "Métiers sans formation",
    ]
    rows = list(book["Métiers"].iter_rows(values_only=True))
    assert rows[0][:3] == ("ROME", "Métier", "Formations")
    assert len(rows) - 1 == len(dialog.view.metiers)
    domains = list(book["Domaines"].iter_rows(values_only=True))
    assert domains[0][:4] == (
        "Domaine professionnel (ROME)",
        "Métiers du domaine",
        "Grand domaine",
        "Métiers présents",
    )
    first = dialog.view.domains[0]
    assert domains[1][0] == first.code and domains[1][5] == first.counts.formations
    assert len(domains) - 1 == len(dialog.view.domains)


def test_the_accent_of_a_capital_is_drawn_on_a_tab(qtbot: Any, app: Any):
    """DejaVu Sans puts the accent of « À » above the font's ascent: Qt cut it off on a tab
    not selected (drawn lower), which read « A agir ». The application's style draws it."""

    def tab_bar(title: str) -> Any:
        tabs = QTabWidget()
        qtbot.addWidget(tabs)
        tabs.addTab(QWidget(), "Métiers")
        tabs.addTab(QWidget(), title)  # not the current tab
        tabs.resize(300, 60)
        tabs.show()
        qtbot.waitExposed(tabs)
        return tabs.tabBar().grab().toImage()

    accented, plain = tab_bar("À agir"), tab_bar("A agir")
    assert accented.size() == plain.size()
    assert accented != plain
