"""The métier field also suggests the catalogue's diplomas: picked, it searches their trainings."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from lba_desktop.models import Kind


def _suggestions(filters: Any, typed: str) -> list[str]:
    """The completion lines for a typed text (the debounced completion run at once; read
    from the model, since the popup only opens on a focused field, which an offscreen run
    under load does not always give)."""
    filters.metier_edit.setText(typed)
    filters._complete_metier()
    model = filters.metier_completer.source
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def _pick(filters: Any, row: int) -> None:
    filters._metier_picked(filters.metier_completer.source.index(row, 0))


def test_a_diploma_picked_searches_its_trainings_and_its_metiers_jobs(
    qtbot: Any, window: Any
) -> None:
    filters = window.filters
    shown = _suggestions(filters, "cap boul")
    # A diploma kind typed: the diplomas come first.
    assert shown[0].startswith("Diplôme : CAP Boulanger — RNCP")
    _pick(filters, 0)
    assert filters.chosen_diploma() is not None
    diploma = filters.chosen_diploma()
    assert filters.chosen_list.item(0).text() == f"CAP Boulanger ({diploma.rncp})"
    assert filters.metier_edit.text() == ""

    filters.place_edit.setText("Aurillac")
    with qtbot.waitSignal(window.searchFinished, timeout=20_000) as blocker:
        window.search()
    result = blocker.args[0]
    assert result.criteria.rncp == filters.chosen_diploma().rncp
    assert "D1102" in result.criteria.romes
    assert {h.item.title for h in result.of_kind(Kind.FORMATION)} == {"CAP Boulanger"}
    assert result.counts[Kind.ENTREPRISE] > 0

    # A métier typed without a diploma kind: the métiers first, the diplomas after them.
    shown = _suggestions(filters, "boulang")
    assert shown[0] == "Boulanger / Boulangère — D1102"
    assert any(line.startswith("Diplôme : BP Boulanger") for line in shown)

    # Removing the diploma from the chosen list takes it out of the search.
    filters.chosen_list.setCurrentRow(0)
    qtbot.mouseClick(filters.remove_button, Qt.MouseButton.LeftButton)
    assert filters.chosen_diploma() is None
    assert filters.request().rncp == ""
