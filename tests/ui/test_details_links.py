"""The details panel hands the system only links the policy allows, and survives huge fields."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QToolButton

from lba_desktop.models import Hit, Item, Kind
from lba_desktop.ui.details import DetailsPanel
from tests.hostile import BAD_LINKS, GOOD_LINKS, MEGABYTE


def rich_labels(panel: DetailsPanel) -> list[QLabel]:
    return [
        label
        for label in panel.widget().findChildren(QLabel)
        if label.textFormat() == Qt.TextFormat.RichText and "href" in label.text()
    ]


def test_only_allowed_links_are_links_and_reach_the_system(qtbot: Any, monkeypatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url)))
    panel = DetailsPanel()
    qtbot.addWidget(panel)
    for bad in BAD_LINKS:
        item = Item(
            Kind.OFFRE,
            "O1",
            "Offre",
            url=bad,
            email="x@y.fr\nBcc: tous@x.fr",
            details={"apply_url": bad, "website": bad},
        )
        panel.show_hit(Hit(item, 1.0))
        assert rich_labels(panel) == [], bad
        panel._open_link(bad)  # even if a label somehow linked it
    assert opened == []
    good = Item(Kind.OFFRE, "O2", "Offre", url=GOOD_LINKS[0], email="contact@cfa.fr")
    panel.show_hit(Hit(good, 1.0))
    links = rich_labels(panel)
    assert len(links) == 2
    links[0].linkActivated.emit(GOOD_LINKS[0])
    assert [url.toString() for url in opened] == [GOOD_LINKS[0]]


def test_a_megabyte_field_is_shown_cut_and_copied_whole(qtbot: Any) -> None:
    panel = DetailsPanel()
    qtbot.addWidget(panel)
    item = Item(Kind.FORMATION, "F1", MEGABYTE, details={"description": MEGABYTE, "uai": MEGABYTE})
    panel.show_hit(Hit(item, 1.0))
    panel.resize(400, 700)
    panel.widget().adjustSize()
    texts = [label.text() for label in panel.widget().findChildren(QLabel)]
    assert max(len(t) for t in texts) < 10_000
    buttons = [w for w in panel.widget().findChildren(QToolButton) if w.property("copyText")]
    assert any(b.property("copyText") == MEGABYTE for b in buttons)
