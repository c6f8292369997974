"""The map panel: a QWebEngineView on the offline folium page, fed per search through
runJavaScript and linked to the list through QWebChannel; a plain message when QtWebEngine
cannot start, so the window keeps working with the list alone."""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import QFile, QIODevice, QObject, Qt, QUrl, Signal, Slot
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from lba_desktop.map_page import ensure_map_page, set_home_js, set_results_js
from lba_desktop.map_tiles import MB, SCHEME, TileSource, cache_path, has_prepared_tiles, provider
from lba_desktop.settings import load_settings

log = logging.getLogger(__name__)

QWEBCHANNEL_JS = ":/qtwebchannel/qwebchannel.js"


class MapBridge(QObject):
    """The object the page sees as `lbaBridge`: QWebChannel exposes its slots by name, and the
    page calls `lbaBridge.markerClicked(key)` when a marker is clicked."""

    clicked = Signal(str)
    addClicked_ = Signal(str)

    @Slot(str)
    def markerClicked(self, key: str) -> None:
        self.clicked.emit(key)

    @Slot(str)
    def addClicked(self, key: str) -> None:
        """The popup's « Ajouter à la sélection de … » link."""
        self.addClicked_.emit(key)


def install_tile_handler(profile: Any, *, online: bool = True) -> Any:
    """The profile's lbatile:// handler (installed on first use) for the settings' provider
    and cache size; asking the provider for missing tiles only when `online`."""
    from lba_desktop.ui.tile_scheme import TileSchemeHandler

    settings = load_settings()
    chosen = provider(settings.tile_provider)
    max_bytes = settings.tile_cache_mb * MB
    handler = profile.urlSchemeHandler(SCHEME.encode())
    if not isinstance(handler, TileSchemeHandler):
        source = TileSource(chosen, online=online, max_bytes=max_bytes)
        handler = TileSchemeHandler(source, profile)
        profile.installUrlSchemeHandler(SCHEME.encode(), handler)
    elif handler.source.provider != chosen or handler.source.cache.path != cache_path(chosen):
        # Settings or data folder changed
        handler.source = TileSource(chosen, online=online, max_bytes=max_bytes)
    handler.source.online = online
    handler.source.cache.max_bytes = max_bytes
    return handler


def create_web_view(parent: QWidget) -> QWidget:
    """The web view; tests replace this factory to simulate a machine without QtWebEngine."""
    from PySide6.QtWebEngineCore import QWebEngineScript, QWebEngineSettings
    from PySide6.QtWebEngineWidgets import QWebEngineView

    view = QWebEngineView(parent)
    page = view.page()
    settings = page.settings()
    settings.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
    # qwebchannel.js ships inside Qt; the page is a file:// URL and cannot load qrc:, so the
    # script is injected into the page before its own code runs.
    source = QFile(QWEBCHANNEL_JS)
    if source.open(QIODevice.OpenModeFlag.ReadOnly):
        script = QWebEngineScript()
        script.setName("qwebchannel")
        script.setSourceCode(bytes(source.readAll().data()).decode("utf-8"))
        script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
        script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
        script.setRunsOnSubFrames(False)
        page.scripts().insert(script)
        source.close()
    return view


class MapPanel(QWidget):
    """Owns the page's life: built once, loaded once, then only `lbaSetResults` calls."""

    markerClicked = Signal(str)  # marker key "kind:id"
    addRequested = Signal(str)  # marker key whose popup link « Ajouter à la sélection » was used
    pageReady = Signal()
    resultsShown = Signal(int)  # markers now in the cluster layer (after a set/show call)
    linksShown = Signal(int)  # lines drawn from the chosen training to its employers

    def __init__(self, parent: QWidget | None = None, *, online_tiles: bool = False) -> None:
        super().__init__(parent)
        self.setAccessibleName("Carte des résultats")
        self.setToolTip("Carte : cliquez un point pour le retrouver dans la liste")
        self._stack = QStackedLayout(self)
        self._message = QLabel()
        self._message.setWordWrap(True)
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setMargin(24)
        self._message.setAccessibleName("Message de la carte")
        self._stack.addWidget(self._message)
        self.view: Any = None
        self.tiles: Any = None  # the lbatile:// handler, with online tiles
        self.ready = False
        self.failed_reason = ""
        self._pending_js: str | None = None
        self._pending_kinds: list[str] | None = None
        self._pending_select: str | None = None
        self._pending_links: str | None = None
        self._dark = False
        self._online_tiles = online_tiles
        self._bridge = MapBridge(self)
        self._bridge.clicked.connect(self._on_bridge_click)
        self._bridge.addClicked_.connect(self._on_bridge_add)
        self._add_label = ""
        self._home: dict[str, Any] | None = None
        self._show_message("Chargement de la carte…")
        try:
            self._start()
        except Exception as exc:  # no QtWebEngine, no GPU stack, page cannot be written…
            log.warning("Carte indisponible : %s", exc)
            self._fail(str(exc))

    # -- start

    def _start(self) -> None:
        view = create_web_view(self)
        from PySide6.QtWebChannel import QWebChannel
        from PySide6.QtWebEngineCore import QWebEngineSettings

        page = view.page()
        settings = load_settings()
        # A prepared territory shows offline even with online tiles off: it is what it is for.
        with_tiles = self._online_tiles or has_prepared_tiles(settings.tile_provider)
        if with_tiles:
            # The file:// page may then load lbatile:// images, which the window answers
            # from its cache or the provider (tile_scheme); nothing else is remote.
            page.settings().setAttribute(
                QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, True
            )
            self.tiles = install_tile_handler(page.profile(), online=self._online_tiles)
        channel = QWebChannel(page)
        channel.registerObject("lbaBridge", self._bridge)
        page.setWebChannel(channel)
        self._channel = channel
        view.setAccessibleName("Carte interactive")
        view.setToolTip("Carte : molette pour zoomer, clic sur un point pour le détail")
        view.loadFinished.connect(self._on_load_finished)
        self.view = view
        self._stack.addWidget(view)
        page_path = ensure_map_page(online_tiles=with_tiles, provider_key=settings.tile_provider)
        view.load(QUrl.fromLocalFile(str(page_path)))

    def _show_message(self, text: str) -> None:
        self._message.setText(text)
        self._stack.setCurrentWidget(self._message)

    def _fail(self, reason: str) -> None:
        self.failed_reason = reason or "erreur inconnue"
        self.ready = False
        self._show_message(
            "La carte ne peut pas s'afficher sur cet ordinateur "
            "(composant d'affichage web indisponible).\n"
            "La recherche, la liste et les détails fonctionnent normalement."
        )

    @property
    def available(self) -> bool:
        return self.view is not None and not self.failed_reason

    @Slot(bool)
    def _on_load_finished(self, ok: bool) -> None:
        if self.view is None:  # released while Chromium was still loading the page
            return
        if not ok:
            self._fail("page de carte illisible")
            return
        self.ready = True
        self._stack.setCurrentWidget(self.view)
        self._run(f"lbaTheme({json.dumps(self._dark)})")
        if self._add_label:
            self._run(f"lbaSetAddLabel({json.dumps(self._add_label)})")
        if self._home is not None:
            self._run(set_home_js(self._home))
        if self._pending_js is not None:
            self._run(self._pending_js, self._on_results_shown)
            self._pending_js = None
        elif self._pending_kinds is not None:
            self.show_kinds(self._pending_kinds)
        self._pending_kinds = None
        if self._pending_select is not None:
            self.select(self._pending_select)
            self._pending_select = None
        if self._pending_links is not None:
            self._run(self._pending_links, self._on_links_shown)
            self._pending_links = None
        self.pageReady.emit()

    # -- feeding

    def _run(self, js: str, callback: Any = None) -> None:
        if callback is None:
            self.view.page().runJavaScript(js, 0)
        else:
            self.view.page().runJavaScript(js, 0, callback)

    def set_results(self, payload: dict[str, Any]) -> None:
        """Replace the markers; kept for later when the page is still loading."""
        js = set_results_js(payload)
        if not self.available:
            return
        if not self.ready:
            self._pending_js = js
            self._pending_kinds = None  # the payload carries the kinds to show
            self._pending_select = None
            self._pending_links = None
            return
        self._run(js, self._on_results_shown)

    def show_kinds(self, kinds: list[str]) -> None:
        if not self.available:
            return
        if not self.ready:
            self._pending_kinds = kinds
            return
        self._run(f"lbaShowKinds({json.dumps(kinds)})", self._on_results_shown)

    def set_links(self, js: str) -> None:
        """Lines of « Parcours complets » (`map_parcours.set_links_js`); after the markers
        when the page is still loading."""
        if not self.available:
            return
        if not self.ready:
            self._pending_links = js
            return
        self._run(js, self._on_links_shown)

    @Slot(object)
    def _on_links_shown(self, count: Any) -> None:
        self.linksShown.emit(int(count or 0))

    def select(self, key: str) -> None:
        """Open that item's marker popup (once the page is loaded, if it is not yet)."""
        if not self.available:
            return
        if not self.ready:
            self._pending_select = key
            return
        self._run(f"lbaSelect({json.dumps(key)})")

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        if self.available and self.ready:
            self._run(f"lbaTheme({json.dumps(dark)})")

    @property
    def add_label(self) -> str:
        return self._add_label

    def set_add_label(self, text: str) -> None:
        """The popup link's text (« Ajouter à la sélection de Léa »); "" removes the link."""
        self._add_label = text
        if self.available and self.ready:
            self._run(f"lbaSetAddLabel({json.dumps(text)})")

    def set_home(self, pin: dict[str, Any] | None) -> None:
        """The chosen young person's home as a pin on the map (None: none)."""
        self._home = pin
        if self.available and self.ready:
            self._run(set_home_js(pin))

    def run_js(self, js: str, callback: Any) -> None:
        """For tests and the benchmark: evaluate `js` in the page, result to `callback`."""
        self._run(js, callback)

    @Slot(object)
    def _on_results_shown(self, count: Any) -> None:
        self.resultsShown.emit(int(count or 0))

    @Slot(str)
    def _on_bridge_click(self, key: str) -> None:
        self.markerClicked.emit(key)

    @Slot(str)
    def _on_bridge_add(self, key: str) -> None:
        self.addRequested.emit(key)

    def release(self) -> None:
        """Delete the page before its web profile goes away at exit (Chromium warns
        otherwise and may crash on some platforms)."""
        if self.view is not None:
            self.ready = False
            self.view.loadFinished.disconnect(self._on_load_finished)
            self.view.page().deleteLater()
            self.view.deleteLater()
            self.view = None

    @property
    def bridge(self) -> QObject:
        """The channel object, whose `markerClicked(key)` slot the page calls."""
        return self._bridge
