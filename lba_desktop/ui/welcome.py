"""The welcome dialog of the first start: demo data versus synced data, and setting up the
structure now or later. Shown once; the answer is remembered in the settings."""

from __future__ import annotations

import logging
from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lba_desktop import paths
from lba_desktop.errors import LbaError
from lba_desktop.settings import load_settings, save_settings

log = logging.getLogger(__name__)

WELCOME_HTML = """
<h2 style="margin-bottom:4px">Bienvenue dans LBA Desktop</h2>
<p>Formations en apprentissage, offres d'emploi et entreprises qui recrutent autour d'un lieu,
<b>sans connexion</b>, sur une liste et une carte.</p>
<h3 style="margin-bottom:2px">Des données de démonstration pour commencer</h3>
<p>L'application s'ouvre avec un catalogue <b>fictif</b> : les organismes, les entreprises et
leurs coordonnées sont inventés. Il sert à découvrir l'outil ou à faire une démonstration,
<b>pas à conseiller un jeune</b>. Ces résultats portent la mention « Données fictives ».</p>
<h3 style="margin-bottom:2px">Des données réelles ensuite</h3>
<p>Pour travailler avec les vraies formations et entreprises de votre territoire :</p>
<ul>
<li>synchronisez vos départements depuis le service public « La bonne alternance »
(menu <i>Données</i>, connexion Internet nécessaire) ;</li>
<li>ou importez un <b>paquet de données</b> préparé par un collègue (clé USB).</li>
</ul>
<p>Renseignez d'abord votre structure : son nom figure sur les listes remises aux jeunes et
l'appel au service public exige un contact.</p>
"""


class WelcomeDialog(QDialog):
    """Two answers: set the structure up now (opens the settings dialog) or later."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Bienvenue")
        self.setMinimumWidth(600)
        self.setup_now = False
        icon = QLabel()
        pixmap = QPixmap(str(paths.resource("icons", "lba-desktop.png")))
        if not pixmap.isNull():
            icon.setPixmap(
                pixmap.scaled(
                    72,
                    72,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        text = QLabel(WELCOME_HTML)
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        text.setAccessibleName("Présentation de LBA Desktop")
        row = QHBoxLayout()
        row.setSpacing(16)
        row.addWidget(icon)
        row.addWidget(text, 1)

        buttons = QDialogButtonBox()
        self.setup_button = QPushButton("Configurer ma structure maintenant")
        self.setup_button.setDefault(True)
        self.later_button = QPushButton("Plus tard")
        self.later_button.setToolTip("Les réglages restent accessibles dans Fichier › Réglages…")
        buttons.addButton(self.setup_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._now)
        buttons.rejected.connect(self.reject)

        box = QVBoxLayout(self)
        box.setContentsMargins(20, 16, 20, 16)
        box.addLayout(row)
        later_hint = QLabel("Vous pourrez le faire à tout moment : Fichier › Réglages… (Ctrl+,).")
        later_hint.setWordWrap(True)
        box.addWidget(later_hint)
        box.addWidget(buttons)

    def _now(self) -> None:
        self.setup_now = True
        self.accept()


def maybe_show_welcome(parent: QWidget | None = None) -> bool:
    """On the first start only: show the welcome, remember it, open the settings if asked.
    True when the dialog was shown."""
    try:
        settings = load_settings()
    except LbaError as exc:
        log.warning("Réglages illisibles, accueil non affiché : %s", exc.message)
        return False
    if settings.welcome_done:
        return False
    dialog = WelcomeDialog(parent)
    dialog.exec()
    # Remembered whatever the answer: the welcome is an introduction, not a nag.
    try:
        save_settings(replace(settings, welcome_done=True))
    except LbaError as exc:
        log.warning("Accueil non mémorisé : %s", exc.message)
    if dialog.setup_now:
        from lba_desktop.ui.settings_dialog import open_settings

        open_settings(parent)
    return True
