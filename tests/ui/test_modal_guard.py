"""The suite's guard against modal dialogs nobody answers: refused at once and reported."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox


def test_an_unanswered_dialog_returns_at_once_and_is_reported(
    app: Any, no_unexpected_modal: list[str]
) -> None:
    answer = QMessageBox.question(None, "Supprimer ?", "Supprimer la sélection de Léa ?")
    box = QMessageBox(QMessageBox.Icon.Warning, "Erreur", "Le fichier est illisible.")
    code = box.exec()
    chosen = QFileDialog.getSaveFileName(None, "Exporter")

    assert answer != QMessageBox.StandardButton.Yes  # nothing is destroyed on the guard's behalf
    assert code == 0 and chosen == ("", "")
    assert no_unexpected_modal == [
        "QMessageBox.question « Supprimer ? » Supprimer la sélection de Léa ?",
        "QMessageBox « Erreur » Le fichier est illisible.",
        "QFileDialog.getSaveFileName",
    ]
    no_unexpected_modal.clear()  # expected here: the guard itself is under test
