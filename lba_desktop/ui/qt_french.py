"""Qt's standard dialogs in French: Qt's own catalogue (qtbase_fr.qm) first, then the few
strings it lacks for the Qt version we ship (the file dialog's « Look in », « Files of type »
and its type column), so no English word shows in a save or open dialog."""

from __future__ import annotations

from PySide6.QtCore import QTranslator

# (context, source text) → French. Qt 6.11 added accelerators to these labels, which the
# catalogue still has without (« Look in: » is translated, « &Look in: » is not).
MISSING: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "&Voir dans\u00a0:",
    ("QFileDialog", "Files of &type:"): "&Type de fichier\u00a0:",
    ("QAbstractFileIconProvider", "Folder"): "Dossier",
    ("QAbstractFileIconProvider", "Drive"): "Lecteur",
    ("QAbstractFileIconProvider", "Unknown"): "Inconnu",
}


class MissingFrench(QTranslator):
    """Asked after Qt's catalogue (installed before it), only for what the catalogue lacks."""

    def translate(
        self,
        context: str,
        source_text: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str:
        return MISSING.get((context, source_text), "")

    def isEmpty(self) -> bool:
        return False
