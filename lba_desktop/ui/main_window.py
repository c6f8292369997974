"""The main window: filters on the left, the results list and the details of the selected
result in the middle, the map on the right, all kept in step; data origin, network state and
search time in the status bar."""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QModelIndex,
    QObject,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lba_desktop import __version__, paths
from lba_desktop.errors import LbaError
from lba_desktop.map_page import markers_payload
from lba_desktop.models import Kind, SearchResult
from lba_desktop.ui.backend import (
    Backend,
    SearchRequest,
    close_backend,
    load_backend,
    reload_backend,
    run_search,
    warm_backend,
)
from lba_desktop.ui.classroom import ClassroomMode
from lba_desktop.ui.data_info_dialog import DataInfoDialog
from lba_desktop.ui.datapack_actions import DataActions
from lba_desktop.ui.details import DetailsPanel
from lba_desktop.ui.filters import FiltersPanel
from lba_desktop.ui.followup import FollowUp
from lba_desktop.ui.look import is_dark, km, number
from lba_desktop.ui.map_actions import MapActions
from lba_desktop.ui.map_view import MapPanel
from lba_desktop.ui.parcours_actions import ParcoursActions
from lba_desktop.ui.results_model import COL_TITLE, HitRole, KeyRole, ResultsModel, ResultsProxy
from lba_desktop.ui.results_table import ResultsTable
from lba_desktop.ui.settings_dialog import add_settings_action
from lba_desktop.ui.status_line import StatusLine
from lba_desktop.ui.tasks import TaskRunner
from lba_desktop.ui.territory_actions import TerritoryActions

log = logging.getLogger(__name__)

DEFAULT_SIZE = QSize(1400, 860)


class MainWindow(QMainWindow):
    """The search window. Signals exist for tests and the benchmark."""

    backendReady = Signal()
    backendWarm = Signal()  # the OPCO picker, diplomas and place autocomplete are ready too
    searchFinished = Signal(object)  # SearchResult, after the list shows it
    searchFailed = Signal(object)  # the exception, after the message shows it
    catalogueReplaced = Signal()  # a sync, data pack or demo rebuild swapped the catalogue

    def __init__(
        self,
        *,
        online_tiles: bool = False,
        remember_geometry: bool = True,
        watch_network: bool = True,
    ) -> None:
        super().__init__()
        self.setWindowTitle("LBA Desktop — formations et entreprises en apprentissage")
        self.runner = TaskRunner(self)
        self.backend: Backend | None = None
        self.last_result: SearchResult | None = None
        self.last_request: SearchRequest | None = None
        self._inflight: SearchRequest | None = None
        self._search_signals: QObject | None = None
        self._queued: SearchRequest | None = None
        self._selecting_from_map = False
        self._remember_geometry = remember_geometry

        self.filters = FiltersPanel()
        self.filters.setEnabled(True)
        self.filters_scroll = QScrollArea()
        self.filters_scroll.setWidget(self.filters)
        self.filters_scroll.setWidgetResizable(True)
        self.filters_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.filters_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.filters_scroll.setAccessibleName("Critères de recherche")

        self.model = ResultsModel(self)
        self.proxy = ResultsProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = ResultsTable(self.proxy)
        self.summary = QLabel("Choisissez un métier et un lieu, puis appuyez sur Entrée.")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Résumé de la recherche")
        self.banner = self._make_banner()
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setMargin(24)
        self.empty.setAccessibleName("Aucun résultat")
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)
        self._show_empty(
            "Choisissez un métier (Ctrl+F) et un lieu à gauche, puis appuyez sur "
            "Entrée : formations, offres et entreprises s'affichent ici, "
            "les plus proches d'abord."
        )

        results = QWidget()
        results_box = QVBoxLayout(results)
        results_box.setContentsMargins(4, 8, 4, 0)
        results_box.addWidget(self.summary)
        results_box.addWidget(self.banner)
        results_box.addWidget(self.list_stack, 1)

        self.details = DetailsPanel()
        self.details.copied.connect(self._on_copied)
        self.map = MapPanel(online_tiles=online_tiles)

        # Three columns over the whole height of a laptop screen: the criteria (a dock that
        # keeps the left edge, so « Jeunes suivis » below spans only the other two), the list
        # at full height, then the details above the map. The details come first: they must
        # show what, who, where, contact and the next step without scrolling.
        horizontal, vertical = Qt.Orientation.Horizontal, Qt.Orientation.Vertical
        self.right = _splitter(vertical, (self.details, 3), (self.map, 2))
        self.splitter = _splitter(horizontal, (results, 5), (self.right, 4))
        self.setCentralWidget(self.splitter)
        self.criteria_dock = QDockWidget("Critères de recherche", self)
        self.criteria_dock.setObjectName("criteres")
        self.criteria_dock.setTitleBarWidget(QWidget())  # always there: no title, no close
        self.criteria_dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
        self.criteria_dock.setWidget(self.filters_scroll)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.criteria_dock)
        self.setCorner(Qt.Corner.TopLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)

        self._make_menus()
        self.status_line = StatusLine(self, self.runner, watch_network=watch_network)
        self.data_label = self.status_line.data_label
        self.time_label = self.status_line.time_label
        self.network_label = self.status_line.network_label
        # Widgets the classroom mode hides (issue 7); the follow-up part registers its own.
        if not hasattr(self, "personal_widgets"):
            self.personal_widgets: list[QWidget] = []
        self.followup = FollowUp(self)  # people, shortlists, appointment requests
        self.data_info_dialog: DataInfoDialog | None = None  # « À propos des données »
        self.parcours = ParcoursActions(self)  # training + employer within a young person's reach
        self.classroom = ClassroomMode(self)  # Ctrl+Shift+P; hides personal_widgets
        add_settings_action(self)

        QShortcut(QKeySequence.StandardKey.Find, self, self.focus_metier)

        self.filters.searchRequested.connect(self.search)
        self.filters.filtersChanged.connect(self._on_filters_changed)
        self.filters.placeChosen.connect(self._on_place_chosen)
        self.filters.kindsChanged.connect(self._on_kinds_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.map.markerClicked.connect(self._on_marker_clicked)
        self.map.pageReady.connect(self._on_map_ready)

        self._fit_criteria_width()
        self.splitter.setSizes([640, 400])
        self.right.setSizes([330, 220])
        if not remember_geometry:  # tests and screenshots: a fixed size, whatever the screen
            self.resize(DEFAULT_SIZE)
        elif not self._restore_geometry():
            self.fit_to_screen()
        self._start_backend()

    @Slot()
    def _fit_criteria_width(self) -> None:
        """The criteria column is as wide as its widest field needs, no wider (with its
        scroll bar's room, in case a very small screen needs it)."""
        extra = self.filters_scroll.verticalScrollBar().sizeHint().width()
        width = self.filters.minimumSizeHint().width() + extra
        self.filters_scroll.setMinimumWidth(width)
        self.resizeDocks([self.criteria_dock], [width], Qt.Orientation.Horizontal)

    def fit_to_screen(self) -> None:
        """A first start: 1400 × 860 where the screen has room, else the whole available
        area (a 1366 × 768 laptop), never more than the screen."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(DEFAULT_SIZE)
            return
        area = screen.availableGeometry()
        size = DEFAULT_SIZE.boundedTo(area.size())
        self.resize(size)
        self.move(area.x() + (area.width() - size.width()) // 2, area.y())
        if size != DEFAULT_SIZE:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    # -- building

    def _make_banner(self) -> QFrame:
        banner = QFrame()
        banner.setObjectName("banner")
        banner.setFrameShape(QFrame.Shape.StyledPanel)
        box = QHBoxLayout(banner)
        box.setContentsMargins(8, 4, 8, 4)
        self.banner_label = QLabel()
        self.banner_label.setWordWrap(True)
        self.banner_label.setAccessibleName("Avertissement sur les résultats")
        box.addWidget(self.banner_label, 1)
        self.widen_button = QPushButton("Élargir la recherche")
        self.widen_button.setAccessibleName("Élargir la recherche")
        self.widen_button.clicked.connect(self.widen)
        box.addWidget(self.widen_button)
        banner.setVisible(False)
        return banner

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&Fichier")
        quit_action = QAction("&Quitter", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.setToolTip("Fermer l'application")
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        data_menu = bar.addMenu("&Données")
        about_data = QAction("À propos des &données…", self)
        about_data.setToolTip("Origine, date et contenu du catalogue local")
        about_data.triggered.connect(self.show_data_info)
        data_menu.addAction(about_data)
        self.data_actions = DataActions(self, self.runner)
        self.data_actions.add_to(data_menu)
        self.data_actions.catalogueSwapped.connect(self.reload_catalogue)
        self.map_actions = MapActions(self)
        self.map_actions.add_to(data_menu)
        self.territory_actions = TerritoryActions(self)
        self.territory_actions.add_to(bar)
        help_menu = bar.addMenu("&Aide")
        about = QAction("À &propos…", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    # -- backend

    def _start_backend(self) -> None:
        self.filters.search_button.setEnabled(False)
        self.runner.start(load_backend, succeeded=self._on_backend, failed=self._on_backend_failed)

    @Slot(object)
    def _on_backend(self, backend: Backend) -> None:
        self.backend = backend
        self.filters.set_services(
            geocoder=backend.geocoder, metiers=backend.metiers, opcos=(), certifications=None
        )
        self.filters.search_button.setEnabled(True)
        self.status_line.show_catalogue(backend.info)
        self.backendReady.emit()
        if self._queued is not None:
            request, self._queued = self._queued, None
            self._start_search(request)
        # What only the pickers and the autocomplete need comes once the window answers.
        self.runner.start(warm_backend, backend, succeeded=self._on_backend_warm)

    @Slot(object)
    def _on_backend_warm(self, warm: Backend) -> None:
        if self.backend is None or self.backend.store is not warm.store:
            return  # the catalogue was replaced meanwhile: the reload brought its own
        self.backend = warm
        self.filters.set_opcos(warm.opcos)
        self.filters.certifications = warm.certifications
        self.backendWarm.emit()

    @Slot(object)
    def _on_backend_failed(self, exc: Exception) -> None:
        message = exc.message if isinstance(exc, LbaError) else "Le catalogue n'a pas pu s'ouvrir."
        hint = exc.hint if isinstance(exc, LbaError) else "Consultez le journal de l'application."
        self.data_label.setText("Catalogue indisponible")
        self.filters.show_error(LbaError(message, hint=hint))

    # -- catalogue replaced (sync, data pack, demo)

    @Slot()
    def reload_catalogue(self) -> None:
        """Open the catalogue file again after a swap; searches use the old one until then."""
        if self.backend is None:
            self._start_backend()
            return
        self.runner.start(
            reload_backend,
            self.backend,
            succeeded=self._on_catalogue_reloaded,
            failed=self._on_backend_failed,
        )

    @Slot(object)
    def _on_catalogue_reloaded(self, backend: Backend) -> None:
        old, self.backend = self.backend, backend
        self.filters.set_opcos(backend.opcos)
        self.filters.certifications = backend.certifications  # the new file's diplomas
        self.status_line.show_catalogue(backend.info)
        # The current search runs again on the new data (a search still running on the old
        # catalogue is superseded, so its answer is dropped).
        request = self._inflight or self.last_request
        if request is not None:
            self._start_search(request)
        # Listeners move their services to the new store first; only then is the old closed.
        self.catalogueReplaced.emit()
        if old is not None:
            self.runner.start(close_backend, old)

    # -- search

    @Slot()
    def search(self) -> None:
        """Search with what the filters hold now (Enter, the button)."""
        self.filters.cancel_pending()  # this search already covers the filters just changed
        self._start_search(self.filters.request())

    def _start_search(self, request: SearchRequest) -> None:
        if self.backend is None:
            self._queued = request  # searched as soon as the catalogue is open
            return
        self._inflight = request
        self.time_label.setText("Recherche…")
        # Only the latest search's answer (success or failure) is shown; older ones are dropped.
        self._search_signals = self.runner.start(
            run_search,
            self.backend.search,
            request,
            succeeded=self._on_search_done,
            failed=self._on_search_failed,
        )

    @Slot()
    def _on_filters_changed(self) -> None:
        # Filters only re-run a search that already ran, so typing a first métier is quiet.
        if self.last_request is not None and self.filters.place_edit.text().strip():
            request = self.filters.request()
            if request.romes or request.metier:
                self._start_search(request)

    @Slot()
    def _on_place_chosen(self) -> None:
        if self.filters.request().romes or self.filters.metier_edit.text().strip():
            self.search()

    @Slot(object)
    def _on_search_done(self, outcome: tuple[SearchRequest, SearchResult]) -> None:
        if self.sender() is not self._search_signals:
            return  # a newer search was started meanwhile
        request, result = outcome
        self._inflight = None
        self.last_request = request
        self.last_result = result
        self.filters.clear_error()
        self.table.setEnabled(True)
        typed = request.lieu if isinstance(request.lieu, str) else None
        if typed is not None and self.filters.place_edit.text().strip() == typed:
            # Keep what the text resolved to, so filter changes do not resolve it again.
            self.filters.set_place(result.criteria.place)
        self.details.clear()
        self.model.set_rows(result.hits)
        self.filters.set_counts(result.counts)
        self.time_label.setText(f"Recherche : {number(round(result.elapsed_ms))} ms")
        self._update_summary()
        self._update_banner()
        self._update_empty()
        self.map.set_results(markers_payload(result, kinds=self.proxy.visible_kinds()))
        if self.proxy.rowCount():
            self.table.scrollToTop()
        self.searchFinished.emit(result)

    @Slot(object)
    def _on_search_failed(self, exc: Exception) -> None:
        if self.sender() is not self._search_signals:
            return
        self._inflight = None
        self.time_label.setText("")
        if not isinstance(exc, LbaError):
            exc = LbaError(
                "La recherche a échoué de façon inattendue.",
                hint="Réessayez ; si cela recommence, signalez-le avec le journal.",
            )
        self.filters.show_error(exc)
        self._mark_stale()
        self.searchFailed.emit(exc)

    def _mark_stale(self) -> None:
        """The list still shows the previous search's results: greyed under a line that says
        so, the details and the map emptied, until a search succeeds."""
        if self.last_result is None or not self.last_result.hits:
            return
        self.table.setEnabled(False)
        self.details.clear()
        self.map.set_results({"items": [], "centre": None, "radius_km": None, "kinds": None})
        self.banner_label.setText(
            "<b>La nouvelle recherche n'a pas abouti</b> (voir le message à gauche) : "
            "la liste grisée est celle de la recherche précédente."
        )
        self.widen_button.setVisible(False)
        self.banner.setVisible(True)

    @Slot()
    def widen(self) -> None:
        """The same search with the radius the last result proposed."""
        if self.last_request is None or self.last_result is None:
            return
        radius = self.last_result.widen_to_km
        if radius is None:
            return
        self.filters.set_radius(radius)
        self._start_search(self.last_request.with_radius(radius))

    # -- display

    def _update_summary(self) -> None:
        result = self.last_result
        if result is None:
            return
        c = result.criteria
        shown = self.proxy.rowCount()
        total = len(result.hits)
        where = c.place.label if c.place.is_area else f"{c.place.label}, {c.radius_km} km"
        labels = list(self.last_request.metier_labels) if self.last_request else []
        # The chosen métiers are listed in the filters: a long list would push the results down.
        what = ", ".join(labels) if len(labels) <= 3 else f"{len(labels)} métiers"
        if self.last_request and self.last_request.metier:
            what = ", ".join(filter(None, (what, f"« {self.last_request.metier} »")))
        count = f"{number(shown)} résultat{'s' if shown > 1 else ''}" + (
            f" affiché{'s' if shown > 1 else ''} sur {number(total)}" if shown != total else ""
        )
        self.summary.setText(
            f"<b>{count}</b> — {html.escape(where)}" + (f" — {html.escape(what)}" if what else "")
        )

    def _update_banner(self) -> None:
        result = self.last_result
        if result is None:
            self.banner.setVisible(False)
            return
        widen_to = result.widen_to_km
        if result.nearest_anywhere:
            nearest = min((h.distance_km for h in result.hits if h.distance_km), default=None)
            far = (
                f" : les plus proches sont à {km(nearest)}"
                if nearest
                else ", voici les plus proches"
            )
            self.banner_label.setText(f"<b>Aucun résultat dans le rayon</b>{far}.")
        elif result.widen_hint and result.hits:
            self.banner_label.setText("Peu de résultats dans ce rayon.")
        elif not result.hits:
            self.banner_label.setText("Aucun résultat.")
        else:
            self.banner.setVisible(False)
            return
        self.widen_button.setVisible(widen_to is not None)
        if widen_to is not None:
            self.widen_button.setText(f"Élargir la recherche à {widen_to} km")
            self.widen_button.setToolTip(
                f"Relancer la même recherche avec un rayon de {widen_to} km, qui atteint "
                "les résultats les plus proches"
            )
        self.banner.setVisible(True)

    def _show_empty(self, text: str) -> None:
        self.empty.setText(text)
        self.list_stack.setCurrentWidget(self.empty)

    def _update_empty(self) -> None:
        result = self.last_result
        if result is None:
            return
        if not result.hits:
            self._show_empty(
                "Aucun résultat pour ces critères.\n\nEssayez un rayon plus grand, un métier "
                "voisin (les suggestions proposent les métiers proches), un autre niveau "
                "(« Indifférent ») ou retirez le filtre OPCO / employeur handi-engagé."
            )
        elif self.proxy.rowCount() == 0:
            hidden = ", ".join(
                k.plural_fr.lower()
                for k in Kind
                if k not in self.proxy.visible_kinds() and result.counts[k]
            )
            self._show_empty(
                f"Des résultats existent ({hidden}) mais leur type est décoché : "
                "cochez-le dans les filtres pour les afficher."
            )
        else:
            self.list_stack.setCurrentWidget(self.table)

    @Slot()
    def _on_kinds_changed(self) -> None:
        kinds = self.filters.visible_kinds()
        self.proxy.set_visible_kinds(kinds)
        self.map.show_kinds(sorted(k.value for k in kinds))
        self._update_summary()
        self._update_empty()
        if self.details.hit() is not None and self.details.hit().item.kind not in kinds:
            self.details.clear()

    # -- selection, in step with the map

    def _key_at(self, proxy_index: QModelIndex) -> str:
        return str(self.proxy.data(proxy_index, KeyRole))

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.details.clear()
            return
        index = rows[0]
        self.details.show_hit(self.proxy.data(index, HitRole))
        if not self._selecting_from_map:
            self.map.select(self._key_at(index))

    @Slot(str)
    def _on_marker_clicked(self, key: str) -> None:
        self.select_key(key, from_map=True)

    def select_key(self, key: str, *, from_map: bool = False) -> bool:
        """Select the row of an item ("kind:id"); False when it is not in the list."""
        row = self.model.row_of_key(key)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, COL_TITLE))
        if not index.isValid():
            return False
        self._selecting_from_map = from_map
        try:
            self.table.setCurrentIndex(index)
            self.table.selectRow(index.row())
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        finally:
            self._selecting_from_map = False
        return True

    @Slot()
    def _on_map_ready(self) -> None:
        self.map.set_dark(is_dark())

    # -- actions

    @Slot()
    def focus_metier(self) -> None:
        self.filters.metier_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filters.metier_edit.selectAll()

    @Slot(str)
    def _on_copied(self, label: str) -> None:
        self.statusBar().showMessage(f"« {label} » copié dans le presse-papiers.", 4000)

    @Slot()
    def show_data_info(self) -> None:
        if self.backend is None:
            QMessageBox.information(self, "À propos des données", "Catalogue en cours d'ouverture…")
            return
        # Not modal-blocking: the counsellor can read it beside the results.
        self.data_info_dialog = DataInfoDialog(self.backend.info, self)
        self.data_info_dialog.open()

    @Slot()
    def show_about(self) -> None:
        QMessageBox.about(
            self,
            "À propos de LBA Desktop",
            f"<p><b>LBA Desktop {__version__}</b></p>"
            "<p>Formations en apprentissage, offres d'emploi et entreprises qui recrutent "
            "autour d'un lieu, sans connexion, pour les conseillers et conseillères "
            "d'orientation.</p><p>Inspiré du service public « La bonne alternance ». "
            "Fonds de carte : contours des départements et régions (IGN, INSEE) ; "
            "cartographie Leaflet.</p>",
        )

    # -- window life

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.map.set_dark(is_dark())
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            # Larger text (presentation mode) needs a wider criteria column, and back.
            QTimer.singleShot(0, self, self._fit_criteria_width)

    def _settings(self) -> QSettings:
        return QSettings(str(paths.data_root() / "fenetre.ini"), QSettings.Format.IniFormat)

    def _restore_geometry(self) -> bool:
        """The last geometry; False when none was saved (restoreGeometry keeps a window saved
        on a larger monitor inside the current one)."""
        geometry = self._settings().value("geometry")
        return geometry is not None and self.restoreGeometry(geometry)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._remember_geometry:
            self._settings().setValue("geometry", self.saveGeometry())
        self.data_actions.cancel_sync()  # a sync stops at its next call, catalogue untouched
        self.runner.wait(10_000)  # a search in flight must not outlive its window
        self.map.release()
        super().closeEvent(event)


def _splitter(orientation: Qt.Orientation, *parts: tuple[QWidget, int]) -> QSplitter:
    """A splitter over `parts` (widget, stretch factor) whose panes never collapse."""
    splitter = QSplitter(orientation)
    for index, (widget, stretch) in enumerate(parts):
        splitter.addWidget(widget)
        splitter.setStretchFactor(index, stretch)
    splitter.setChildrenCollapsible(False)
    return splitter
