"""The settings dialog (Fichier › Réglages…): structure, connection to the public APIs, personal
data, data folder and local server, checked before saving, with French messages."""

from __future__ import annotations

import os
import secrets
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lba_desktop import paths
from lba_desktop.errors import LbaError
from lba_desktop.map_tiles import PROVIDERS, tile_cache_usage_fr
from lba_desktop.models import MAX_RADIUS_KM
from lba_desktop.settings import (
    DEFAULTS,
    RETENTION_MONTHS_RANGE,
    TILE_CACHE_MB_RANGE,
    Settings,
    keyring_available,
    load_settings,
    parse_departements,
    save_settings,
    set_data_folder,
    validate,
)
from lba_desktop.ui.backend import share_structure_settings
from lba_desktop.ui.messages import plain_message
from lba_desktop.ui.settings_shared import SharedTab, save_password

ENV_OVERRIDES = {
    "lba_url": "LBA_API_URL",
    "apprentissage_url": "LBA_API_APPRENTISSAGE_URL",
    "caller": "LBA_CALLER",
    "api_key": "LBA_API_KEY",
}
KEY_IN_FILE_WARNING = (
    "<p><b>Aucun trousseau sécurisé n'est disponible sur cet ordinateur.</b></p>"
    "<p>La clé d'API peut être enregistrée <b>en clair</b> dans les données de l'application "
    "(user.sqlite). Toute personne ayant accès à ce dossier pourra la lire et l'utiliser au "
    "nom de votre structure.</p>"
    "<p>Elle ne figurera jamais dans le journal, les exports ni les paquets de données.</p>"
    "<p>Enregistrer la clé dans les données de l'application ?</p>"
)


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setObjectName("hint")
    label.setStyleSheet("QLabel#hint { color: palette(placeholder-text); }")
    return label


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `accept()` validates and saves, or says what is wrong."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Réglages de LBA Desktop")
        self.setMinimumWidth(620)
        self.initial = settings
        self.saved: Settings | None = None
        self.data_folder_message = ""

        self.tabs = QTabWidget()
        self.tabs.addTab(self._structure_tab(settings), "Structure")
        self.tabs.addTab(self._api_tab(settings), "Connexion aux API")
        self.tabs.addTab(self._data_tab(settings), "Données")
        self.tabs.addTab(self._server_tab(settings), "Serveur local")
        self.shared = SharedTab(settings)
        self.tabs.addTab(self.shared, "Suivi partagé")

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setObjectName("error")
        self.error_label.setStyleSheet("QLabel#error { color: #b00020; font-weight: bold; }")
        self.error_label.setAccessibleName("Erreurs dans les réglages")
        self.error_label.setVisible(False)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        box = QVBoxLayout(self)
        box.addWidget(self.tabs, 1)
        box.addWidget(self.error_label)
        box.addWidget(self.buttons)

    # -- tabs

    def _structure_tab(self, s: Settings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.structure_name = QLineEdit(s.structure_name)
        self.structure_name.setPlaceholderText("ex. Mission Locale du Cantal")
        self.structure_commune = QLineEdit(s.structure_commune)
        self.structure_commune.setPlaceholderText("ex. Aurillac")
        self.radius = QSpinBox()
        self.radius.setRange(1, MAX_RADIUS_KM)
        self.radius.setSuffix(" km")
        self.radius.setValue(s.default_radius_km)
        self.radius.setMaximumWidth(160)
        self.online_tiles = QCheckBox(
            "Télécharger le fond de carte (Internet requis ; ce qui est vu est gardé hors ligne)"
        )
        self.online_tiles.setChecked(s.online_tiles)
        self.tile_provider = QComboBox()
        self.tile_provider.setAccessibleName("Fond de carte")
        for key, chosen in PROVIDERS.items():
            self.tile_provider.addItem(f"{chosen.label} ({chosen.attribution})", key)
        self.tile_provider.setCurrentIndex(max(self.tile_provider.findData(s.tile_provider), 0))
        self.tile_cache = QSpinBox()
        self.tile_cache.setRange(*TILE_CACHE_MB_RANGE)
        self.tile_cache.setSingleStep(100)
        self.tile_cache.setSuffix(" Mo")
        self.tile_cache.setValue(s.tile_cache_mb)
        self.tile_cache.setMaximumWidth(160)
        self.tile_cache.setAccessibleName("Taille du cache de la carte")
        form.addRow("Nom de la structure :", self.structure_name)
        form.addRow("Commune :", self.structure_commune)
        form.addRow("", _hint("Le nom figure sur les listes imprimées remises aux jeunes."))
        form.addRow("Rayon par défaut :", self.radius)
        form.addRow("Carte :", self.online_tiles)
        form.addRow("Fond de carte :", self.tile_provider)
        form.addRow("Cache de la carte :", self.tile_cache)
        form.addRow(
            "",
            _hint(
                f"{tile_cache_usage_fr(s.tile_provider)} Les territoires préparés ne comptent "
                "pas dans cette limite. OpenStreetMap ne permet pas de préparer un territoire "
                "(ses règles l'interdisent). Le fond de carte change au prochain démarrage."
            ),
        )
        return page

    def _api_tab(self, s: Settings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.departements = QLineEdit(" ".join(s.sync_departements))
        self.departements.setPlaceholderText("ex. 15 63 19")
        self.caller = QLineEdit(s.caller)
        self.caller.setPlaceholderText("contact@ma-structure.fr lba-desktop")
        self.lba_url = QLineEdit(s.lba_url)
        self.apprentissage_url = QLineEdit(s.apprentissage_url)
        self.apprentissage_url.setPlaceholderText("identique à l'adresse de La bonne alternance")
        self.api_key = QLineEdit(s.api_key)
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText("nécessaire pour les offres d'emploi")
        show_key = QCheckBox("Afficher")
        show_key.toggled.connect(self._show_key)
        key_row = QHBoxLayout()
        key_row.addWidget(self.api_key, 1)
        key_row.addWidget(show_key)
        form.addRow("Départements à synchroniser :", self.departements)
        form.addRow("Appelant (caller) :", self.caller)
        form.addRow(
            "",
            _hint("Votre courriel de contact et le nom du produit : l'API publique l'exige."),
        )
        form.addRow("API La bonne alternance :", self.lba_url)
        form.addRow("API Apprentissage (offres) :", self.apprentissage_url)
        form.addRow("Clé d'API Apprentissage :", key_row)
        where = (
            "La clé est rangée dans le trousseau sécurisé du système."
            if keyring_available()
            else "Pas de trousseau sécurisé ici : la clé ne sera enregistrée qu'avec votre accord."
        )
        form.addRow("", _hint(where))
        overridden = [f"{var}" for var in ENV_OVERRIDES.values() if os.environ.get(var)]
        if overridden:
            form.addRow(
                "",
                _hint(
                    "Variables d'environnement actives, prioritaires sur ces réglages : "
                    + ", ".join(overridden)
                    + "."
                ),
            )
        return page

    def _data_tab(self, s: Settings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.retention = QSpinBox()
        self.retention.setRange(*RETENTION_MONTHS_RANGE)
        self.retention.setSuffix(" mois")
        self.retention.setValue(s.retention_months)
        self.retention.setMaximumWidth(160)
        form.addRow("Conservation des données des jeunes :", self.retention)
        form.addRow(
            "",
            _hint(
                "Au-delà de cette durée sans activité, l'application propose d'effacer la "
                "personne et sa sélection (RGPD)."
            ),
        )
        self.folder_label = QLabel(str(paths.data_root()))
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        change = QPushButton("Changer de dossier…")
        change.clicked.connect(self._choose_folder)
        reset = QPushButton("Dossier par défaut")
        reset.clicked.connect(self._default_folder)
        buttons = QHBoxLayout()
        buttons.addWidget(change)
        buttons.addWidget(reset)
        buttons.addStretch(1)
        form.addRow("Dossier des données :", self.folder_label)
        form.addRow("", buttons)
        self.folder_hint = _hint(
            "Le catalogue, les jeunes suivis et le journal sont dans ce dossier. "
            "Le changer ne déplace rien : l'application dit quoi copier."
        )
        if os.environ.get("LBA_DESKTOP_HOME"):
            self.folder_hint.setText(
                "Dossier imposé par la variable d'environnement LBA_DESKTOP_HOME."
            )
            change.setEnabled(False)
            reset.setEnabled(False)
        form.addRow("", self.folder_hint)
        return page

    def _server_tab(self, s: Settings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.serve_token = QLineEdit(s.serve_token)
        self.serve_token.setEchoMode(QLineEdit.EchoMode.Password)
        generate = QPushButton("Générer")
        generate.setToolTip("Créer un jeton aléatoire")
        generate.clicked.connect(self._generate_token)
        row = QHBoxLayout()
        row.addWidget(self.serve_token, 1)
        row.addWidget(generate)
        form.addRow("Jeton d'accès :", row)
        form.addRow(
            "",
            _hint(
                "Exigé pour « lba-desktop serve --host 0.0.0.0 », qui ouvre le catalogue aux "
                "autres postes du réseau local. Transmettez-le seulement à vos collègues."
            ),
        )
        return page

    # -- actions

    @Slot(bool)
    def _show_key(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.api_key.setEchoMode(mode)

    @Slot()
    def _generate_token(self) -> None:
        self.serve_token.setText(secrets.token_urlsafe(24))
        self.serve_token.setEchoMode(QLineEdit.EchoMode.Normal)

    @Slot()
    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Dossier des données de LBA Desktop", str(paths.data_root())
        )
        if folder:
            self._set_folder(Path(folder))

    @Slot()
    def _default_folder(self) -> None:
        self._set_folder(None)

    def _set_folder(self, folder: Path | None) -> None:
        try:
            self.data_folder_message = set_data_folder(folder)
        except OSError as exc:
            QMessageBox.warning(
                self, "Dossier des données", f"Ce dossier n'est pas utilisable : {exc.strerror}."
            )
            return
        target = folder if folder is not None else paths.default_data_root()
        self.folder_label.setText(f"{paths.data_root()}\n→ au prochain démarrage : {target}")
        QMessageBox.information(self, "Dossier des données", self.data_folder_message)

    def edited(self) -> Settings:
        """The settings as the fields hold them now (not yet checked)."""
        return replace(
            self.initial,
            structure_name=self.structure_name.text().strip(),
            structure_commune=self.structure_commune.text().strip(),
            sync_departements=parse_departements(self.departements.text()),
            default_radius_km=self.radius.value(),
            caller=self.caller.text().strip(),
            lba_url=self.lba_url.text().strip() or DEFAULTS.lba_url,
            apprentissage_url=self.apprentissage_url.text().strip(),
            api_key=self.api_key.text().strip(),
            retention_months=self.retention.value(),
            online_tiles=self.online_tiles.isChecked(),
            tile_provider=str(self.tile_provider.currentData()),
            tile_cache_mb=self.tile_cache.value(),
            serve_token=self.serve_token.text().strip(),
            user_db=self.shared.user_db.text().strip(),
            counsellor_name=" ".join(self.shared.counsellor.text().split()),
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        widgets = {
            "sync_departements": (1, self.departements),
            "caller": (1, self.caller),
            "lba_url": (1, self.lba_url),
            "apprentissage_url": (1, self.apprentissage_url),
            "api_key": (1, self.api_key),
            "serve_token": (3, self.serve_token),
            "default_radius_km": (0, self.radius),
            "retention_months": (2, self.retention),
            "user_db": (4, self.shared.user_db),
            "counsellor_name": (4, self.shared.counsellor),
            "tile_cache_mb": (0, self.tile_cache),
            "tile_provider": (0, self.tile_provider),
        }
        # Each message names its tab: the wrong field may not be on the tab shown.
        lines = [
            f"{self.tabs.tabText(widgets[name][0])} : {text}" if name in widgets else text
            for name, text in errors.items()
        ]
        self.error_label.setText("\n".join(lines))
        self.error_label.setVisible(bool(errors))
        for name in errors:
            if name in widgets:
                tab, widget = widgets[name]
                self.tabs.setCurrentIndex(tab)
                widget.setFocus()
                break
        self.adjustSize()  # the message must not squeeze the hints above it

    def accept(self) -> None:
        settings = self.edited()
        errors = validate(settings)
        if errors:
            self.show_errors(errors)
            return
        if settings.api_key and not keyring_available():
            if settings.api_key != self.initial.api_key or not settings.api_key_in_file:
                answer = QMessageBox.warning(
                    self,
                    "Clé d'API",
                    KEY_IN_FILE_WARNING,
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                    QMessageBox.StandardButton.No,
                )
                if answer != QMessageBox.StandardButton.Yes:
                    self.show_errors(
                        {
                            "api_key": "Clé non enregistrée : effacez-la ou acceptez de la "
                            "garder dans les données de l'application."
                        }
                    )
                    return
            settings = replace(settings, api_key_in_file=True)
        elif not settings.api_key:
            settings = replace(settings, api_key_in_file=False)
        try:
            save_settings(settings)
        except LbaError as exc:
            self.show_errors({"_": f"{exc.message} {exc.hint}".strip()})
            return
        said = save_password(settings.user_db, self.shared.password.text())
        if said:
            QMessageBox.information(self, "Mot de passe du suivi partagé", said)
        shared = share_structure_settings(self.parent(), settings)
        status = getattr(self.parent(), "statusBar", None)
        if shared and status is not None:
            status().showMessage(shared, 8000)
        self.saved = settings
        super().accept()


def open_settings(parent: QWidget | None = None) -> Settings | None:
    """Show the dialog over the stored settings; the saved settings, or None if cancelled."""
    try:
        current = load_settings()
    except LbaError as exc:
        plain_message(parent, "Réglages", f"{exc.message}\n{exc.hint}".strip())
        return None
    dialog = SettingsDialog(current, parent)
    dialog.exec()
    return dialog.saved


def add_settings_action(window: QMainWindow) -> QAction:
    """« Réglages… » in the Fichier menu, above « Quitter » (Ctrl+, as in most applications)."""
    action = QAction("&Réglages…", window)
    action.setShortcut(QKeySequence.StandardKey.Preferences)
    action.setToolTip("Structure, connexion aux API, conservation des données, dossier")
    action.setMenuRole(QAction.MenuRole.PreferencesRole)
    action.triggered.connect(lambda _checked=False: open_settings(window))
    file_menu = next(
        (a.menu() for a in window.menuBar().actions() if a.text().replace("&", "") == "Fichier"),
        None,
    )
    if file_menu is None:
        window.menuBar().addAction(action)
        return action
    actions = file_menu.actions()
    before = actions[-1] if actions else None
    file_menu.insertAction(before, action)
    file_menu.insertSeparator(before)
    return action
