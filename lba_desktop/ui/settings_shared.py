"""The « Suivi partagé » tab of the settings: the structure's server, the counsellor's name and
password (to the keyring, or for the session only when there is none), and the sign-in asked
when the server refuses the password."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QFormLayout, QInputDialog, QLabel, QLineEdit, QWidget

from lba_desktop.people.account import (
    NO_KEYRING_FR,
    configured_server,
    keep_password,
    keyring_available,
    password_kept,
    role_of,
)
from lba_desktop.settings import Settings


class SharedTab(QWidget):
    """Fields of the shared follow-up; the dialog reads them and saves the password."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.user_db = QLineEdit(settings.user_db)
        self.user_db.setPlaceholderText("postgresql://conseiller@serveur.ma-structure.fr/suivi")
        self.user_db.setAccessibleName("Adresse du serveur du suivi partagé")
        self.counsellor = QLineEdit(settings.counsellor_name)
        self.counsellor.setPlaceholderText("ex. Anne Dupont (votre nom, vu par vos collègues)")
        self.counsellor.setAccessibleName("Nom du conseiller")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Mot de passe du serveur")
        if settings.user_db and password_kept(settings.user_db):
            self.password.setPlaceholderText("enregistré dans le trousseau (laisser vide)")
        form.addRow("Serveur du suivi partagé :", self.user_db)
        form.addRow(
            "",
            _hint(
                "Vide : les jeunes suivis restent sur cet ordinateur. Une adresse PostgreSQL : "
                "toute la structure partage le suivi. Connexion chiffrée (TLS) exigée vers tout "
                "serveur autre que cet ordinateur. Pris en compte au prochain démarrage."
            ),
        )
        form.addRow("Votre nom de conseiller :", self.counsellor)
        form.addRow("Mot de passe du compte :", self.password)
        form.addRow(
            "",
            _hint(
                "Le mot de passe est rangé dans le trousseau sécurisé du système."
                if keyring_available()
                else NO_KEYRING_FR
            ),
        )
        if os.environ.get("LBA_USER_DB"):
            form.addRow("", _hint("La variable LBA_USER_DB est active : elle est prioritaire."))


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("hint")
    label.setStyleSheet("QLabel#hint { color: palette(placeholder-text); }")
    return label


def save_password(url: str, password: str) -> str:
    """Keep the typed password; the sentence to say when it could not go to the keyring."""
    if not url or not password:
        return ""
    return "" if keep_password(url, password) else NO_KEYRING_FR


def ask_password(parent: QWidget, message: str) -> bool:
    """The server refused the sign-in: ask the password of the configured account once more.
    False when the counsellor cancels."""
    url = configured_server()
    if not url:
        return False
    password, ok = QInputDialog.getText(
        parent,
        "Connexion au suivi partagé",
        f"{message}\n\nMot de passe du compte « {role_of(url)} » :",
        QLineEdit.EchoMode.Password,
    )
    if not ok or not password:
        return False
    said = save_password(url, password)
    if said:
        parent.window().statusBar().showMessage(said, 10_000)  # type: ignore[attr-defined]
    return True
