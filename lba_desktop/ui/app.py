"""Start the window: Qt application set up in French, the main window, and the screenshot mode
(`--screenshot FILE.png [--metier …] [--lieu …] [--rayon N]`) used by tests and the README."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, Qt, QTimer, QTranslator, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from lba_desktop import paths
from lba_desktop.errors import LbaError
from lba_desktop.settings import Settings, load_settings
from lba_desktop.ui.chromium_flags import prepare_chromium

if TYPE_CHECKING:
    from lba_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

SCREENSHOT_TIMEOUT_MS = 90_000
# Chromium paints the map a little after the JavaScript call returns; a screenshot taken at
# once would show the previous frame.
MAP_PAINT_DELAY_MS = 700


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="lba-desktop", add_help=True, description="Fenêtre de recherche de LBA Desktop."
    )
    parser.add_argument("--gui", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--debug",
        action="store_true",
        help="afficher aussi les messages techniques de Qt et de Chromium",
    )
    parser.add_argument(
        "--screenshot",
        metavar="FICHIER.png",
        default="",
        help="enregistrer une capture de la fenêtre puis quitter",
    )
    parser.add_argument("--metier", default="", help="métier à chercher (capture)")
    parser.add_argument("--lieu", default="", help="lieu de la recherche (capture)")
    parser.add_argument("--rayon", type=int, default=None, help="rayon en km (capture)")
    parser.add_argument("--presentation", action="store_true", help="capture en mode présentation")
    parser.add_argument("--largeur", type=int, default=1400, help="largeur de la capture")
    parser.add_argument("--hauteur", type=int, default=860, help="hauteur de la capture")
    parser.add_argument(
        "--theme",
        choices=("systeme", "clair", "sombre"),
        default="systeme",
        help="apparence de la fenêtre (celle du système par défaut)",
    )
    parser.add_argument(
        "--tuiles-en-ligne",
        action="store_true",
        help="ajouter le fond OpenStreetMap (nécessite Internet)",
    )
    return parser.parse_args(argv)


def _prepare_environment(screenshot: bool) -> None:
    """Must run before Qt starts: platform and Chromium flags cannot change afterwards."""
    if screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    prepare_chromium()


def setup_application(app: QApplication) -> None:
    """French locale for numbers and dates, and Qt's own French strings (Annuler, Oui, Non)."""
    assert isinstance(app, QApplication)
    QLocale.setDefault(QLocale(QLocale.Language.French, QLocale.Country.France))
    app.setApplicationName("LBA Desktop")
    app.setOrganizationName("lba-desktop")
    app.setApplicationDisplayName("LBA Desktop")
    app.setWindowIcon(QIcon(str(paths.resource("icons", "lba-desktop.png"))))
    from lba_desktop.ui.look import use_unclipped_text

    use_unclipped_text(app)
    if app.property("lbaTranslator") is None:
        from lba_desktop.ui.qt_french import MissingFrench

        # The last installed is asked first: Qt's catalogue, then what it lacks.
        app.installTranslator(MissingFrench(app))
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(QLocale(QLocale.Language.French), "qtbase", "_", folder):
            app.installTranslator(translator)
        else:
            log.info("Traductions de Qt introuvables dans %s", folder)
        app.setProperty("lbaTranslator", True)


def run(argv: list[str]) -> int:
    """The `lba-desktop` window (no sub-command). Returns the exit code."""
    args = _parse([a for a in argv if a != "--gui"])
    _prepare_environment(bool(args.screenshot))
    from lba_desktop.ui.platform_check import map_blocker, window_blocker

    blocker = window_blocker()
    if blocker is not None:  # Qt would abort with an English message and exit code 134
        print(blocker, file=sys.stderr)
        return 1
    from lba_desktop.ui.qt_messages import install_message_filter, quiet_chromium

    quiet_chromium(debug=args.debug)
    install_message_filter(debug=args.debug)
    try:
        # Must be imported before the QApplication exists (shared OpenGL contexts).
        import PySide6.QtWebEngineWidgets  # noqa: F401

        from lba_desktop.ui.tile_scheme import register_tile_scheme

        register_tile_scheme()  # also before the QApplication
    except ImportError as exc:
        print(map_blocker(exc), file=sys.stderr)
    from lba_desktop.ui.main_window import MainWindow  # after the environment is set

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "lba-desktop"])
    assert isinstance(app, QApplication)
    setup_application(app)
    if args.theme != "systeme":
        scheme = Qt.ColorScheme.Dark if args.theme == "sombre" else Qt.ColorScheme.Light
        app.styleHints().setColorScheme(scheme)
        if args.theme == "sombre":
            from lba_desktop.ui.look import dark_palette, use_unclipped_text

            # Fusion draws with the palette everywhere (native styles may ignore it).
            use_unclipped_text(app, "Fusion")
            app.setPalette(dark_palette())
    shell = _start_shell(app, screenshot=bool(args.screenshot))
    if isinstance(shell, int):
        return shell  # a second launch: the first window was asked to come to the front
    instance, settings = shell
    window = MainWindow(
        online_tiles=args.tuiles_en_ligne or settings.online_tiles,
        remember_geometry=not args.screenshot,
        watch_network=not args.screenshot,  # a screenshot (tests, the bundle's check) stays local
    )
    window.filters.set_radius(settings.default_radius_km)
    if not args.screenshot:
        if instance is not None:
            instance.set_window(window)
        window.show()
        from lba_desktop.ui.stop_signals import CloseOnStopSignal
        from lba_desktop.ui.welcome import maybe_show_welcome

        CloseOnStopSignal(app, window)  # a logout or `kill` closes it as a click would

        # Once the window is on screen, so the welcome opens over it.
        QTimer.singleShot(0, window, lambda: maybe_show_welcome(window))
        return app.exec()

    shooter = _Screenshot(window, args)
    window.resize(args.largeur, args.hauteur)
    window.show()
    shooter.start()
    return app.exec() or shooter.exit_code


def _start_shell(app: QApplication, *, screenshot: bool) -> int | tuple[Any, Settings]:
    """Log file, crash dialog, one window per data folder, settings. An exit code when this
    launch must stop (another window owns the data folder)."""
    from lba_desktop.logging_setup import setup_logging
    from lba_desktop.ui.crash import install_crash_handler
    from lba_desktop.ui.single_instance import Outcome, SingleInstance, refuse_second_instance

    log_path = setup_logging()
    install_crash_handler(log_path, app, interactive=not screenshot)
    instance = None
    if not screenshot:  # tests take many screenshots at once, each in its own data folder
        instance = SingleInstance(paths.data_root(), app)
        outcome = instance.acquire()
        if outcome is not Outcome.PRIMARY:
            return refuse_second_instance(outcome)
        app.aboutToQuit.connect(instance.release)
    try:
        settings = load_settings()
    except LbaError as exc:  # unreadable user.sqlite: the window still opens and says so later
        log.warning("Réglages illisibles, valeurs par défaut : %s", exc.message)
        settings = Settings()
    return instance, settings


class _Screenshot(QObject):
    """Runs one search as a counsellor would, selects the first result, saves the window."""

    def __init__(self, window: MainWindow, args: argparse.Namespace) -> None:
        super().__init__(window)
        self.window = window
        self.args = args
        self.exit_code = 0
        self._saved = False
        self._guard = QTimer(self)
        self._guard.setSingleShot(True)
        self._guard.setInterval(SCREENSHOT_TIMEOUT_MS)
        self._guard.timeout.connect(self._save)
        self._paint = QTimer(self)
        self._paint.setSingleShot(True)
        self._paint.setInterval(MAP_PAINT_DELAY_MS)
        self._paint.timeout.connect(self._save)

    def start(self) -> None:
        w = self.window
        self._guard.start()
        if self.args.metier or self.args.lieu:
            w.backendReady.connect(self._on_ready)
            w.searchFinished.connect(self._on_search_done)
            w.searchFailed.connect(self._on_search_done)
        else:
            w.backendReady.connect(self._on_search_done)

    @Slot()
    def _on_ready(self) -> None:
        w = self.window
        if self.args.presentation:
            w.classroom.enter()
        metiers = w.backend.metiers if w.backend else None
        text = self.args.metier.strip()
        diplomas = w.backend.certifications if w.backend else None
        diploma = diplomas.resolve(text) if text and diplomas is not None else None
        if diploma is not None:
            w.filters.set_diploma(diploma)
        elif text and metiers is not None:
            try:
                found = [metiers.get(code) for code in metiers.romes_for(text)]
            except LbaError:
                found = []
            if found and all(found):
                for metier in found:
                    w.filters.add_metier(metier)
            else:
                w.filters.metier_edit.setText(text)  # the search will explain what is wrong
        w.filters.place_edit.setText(self.args.lieu)
        if self.args.rayon:
            w.filters.set_radius(self.args.rayon)
        w.search()

    @Slot(object)
    def _on_search_done(self, _outcome: object = None) -> None:
        w = self.window
        if w.map.available and w.last_result is not None:
            # The list selection below also opens the first marker's popup on the map.
            w.map.resultsShown.connect(self._on_map_drawn)
        else:
            self._paint.start()
        if w.proxy.rowCount():
            w.table.selectRow(0)
        w.table.setFocus()

    @Slot(int)
    def _on_map_drawn(self, _count: int) -> None:
        self._paint.start()

    @Slot()
    def _save(self) -> None:
        if self._saved:
            return
        self._saved = True
        path = Path(self.args.screenshot)
        path.parent.mkdir(parents=True, exist_ok=True)
        image = self.window.grab()
        if image.isNull() or not image.save(str(path), "PNG"):
            print(f"Erreur : capture impossible dans {path}.", file=sys.stderr)
            self.exit_code = 1
        else:
            print(f"Capture enregistrée : {path}")
        self.window.close()
        app = QApplication.instance()
        if app is not None:
            app.exit(self.exit_code)
