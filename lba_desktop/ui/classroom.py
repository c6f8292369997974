"""Classroom mode (« Mode présentation », Ctrl+Shift+P): full screen, large high-contrast text
for a projector, personal data hidden, ready-made searches one click away; Esc leaves it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QToolBar

from lba_desktop.errors import LbaError
from lba_desktop.ui.results_model import COL_DATE, COL_ORG

log = logging.getLogger(__name__)

FONT_SCALE = 1.5
SHORTCUT = "Ctrl+Shift+P"
# With large text the title column would be squeezed to a few letters: these give it room
# (the organisation and the dates are in the details; the level matters to a class).
HIDDEN_COLUMNS = (COL_ORG, COL_DATE)


@dataclass(frozen=True)
class Scenario:
    label: str
    romes: tuple[str, ...]
    lieu: str
    rayon: int


# ROME codes rather than words: « mécanicien » alone matches fifteen métiers.
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("Boulanger autour d'Aurillac", ("D1102",), "Aurillac", 30),
    Scenario("Aide-soignant autour de Lille", ("J1501",), "Lille", 30),
    Scenario("Mécanicien à La Réunion", ("I1604",), "974", 30),
)


def high_contrast_palette() -> QPalette:
    """Black on white with a strong blue selection: readable at the back of a classroom on a
    washed-out projector."""
    p = QPalette()
    white, black, blue = QColor("#ffffff"), QColor("#000000"), QColor("#000091")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, white)
        p.setColor(group, QPalette.ColorRole.WindowText, black)
        p.setColor(group, QPalette.ColorRole.Base, white)
        p.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#eef0f8"))
        p.setColor(group, QPalette.ColorRole.Text, black)
        p.setColor(group, QPalette.ColorRole.Button, QColor("#e8e8e8"))
        p.setColor(group, QPalette.ColorRole.ButtonText, black)
        p.setColor(group, QPalette.ColorRole.Highlight, blue)
        p.setColor(group, QPalette.ColorRole.HighlightedText, white)
        p.setColor(group, QPalette.ColorRole.ToolTipBase, QColor("#ffffe0"))
        p.setColor(group, QPalette.ColorRole.ToolTipText, black)
        p.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#444444"))
        p.setColor(group, QPalette.ColorRole.Link, blue)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#555555"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#555555"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#555555"))
    return p


class ClassroomMode(QObject):
    """Owned by the main window. While active, hides everything in `window.personal_widgets`
    (widgets, docks, menus or actions about people, shortlists, appointments) and disables
    `window.personal_actions`; restores the window exactly as it was when it ends."""

    restored = Signal()  # the window is back to its size and place of before

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.active = False
        self._saved: dict[str, Any] = {}
        self._hidden: list[Any] = []
        self._disabled: list[QAction] = []

        self.action = QAction("Mode &présentation", window)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.action.setToolTip("Plein écran, grands caractères, données personnelles masquées")
        self.action.toggled.connect(self._on_toggled)
        window.addAction(self.action)  # the shortcut works even with the menu bar hidden
        self._add_to_menu()

        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
        self.escape.setContext(Qt.ShortcutContext.WindowShortcut)
        self.escape.setEnabled(False)
        self.escape.activated.connect(self.leave)

        self.toolbar = self._make_toolbar()

    def _add_to_menu(self) -> None:
        bar = self.window.menuBar()
        menu = QMenu("&Affichage", bar)
        menu.addAction(self.action)
        help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Aide"), None)
        if help_action is not None:
            bar.insertMenu(help_action, menu)
        else:
            bar.addMenu(menu)
        self.menu = menu

    def _make_toolbar(self) -> QToolBar:
        bar = QToolBar("Scénarios de présentation", self.window)
        bar.setObjectName("classroomScenarios")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.setAccessibleName("Recherches prêtes pour la présentation")
        self.scenario_actions: list[QAction] = []
        for index, scenario in enumerate(SCENARIOS):
            action = QAction(scenario.label, bar)
            action.setToolTip(f"Lancer la recherche « {scenario.label} »")
            action.setData(index)
            action.triggered.connect(self._on_scenario)
            bar.addAction(action)
            self.scenario_actions.append(action)
        bar.addSeparator()
        leave = QAction("Quitter (Échap)", bar)
        leave.setToolTip("Quitter le mode présentation (Échap ou Ctrl+Maj+P)")
        leave.triggered.connect(self.leave)
        bar.addAction(leave)
        self.window.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        bar.setVisible(False)
        return bar

    # -- entering and leaving

    @Slot()
    def toggle(self) -> None:
        self.action.toggle()

    @Slot()
    def enter(self) -> None:
        self.action.setChecked(True)

    @Slot()
    def leave(self) -> None:
        self.action.setChecked(False)

    @Slot(bool)
    def _on_toggled(self, on: bool) -> None:
        if on and not self.active:
            self._enter()
        elif not on and self.active:
            self._leave()

    def _enter(self) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        w = self.window
        table = getattr(w, "table", None)
        self._saved = {
            "font": QFont(app.font()),
            "palette": QPalette(app.palette()),
            "state": w.windowState(),
            "geometry": w.saveGeometry(),
            "row_height": table.verticalHeader().defaultSectionSize() if table else 0,
            "add_label": w.map.add_label,
        }
        # The popup link names the current young person (« … de Léa »): not on a projector.
        w.map.set_add_label("")
        self._hidden = []
        for thing in getattr(w, "personal_widgets", []):
            # A menu leaves the menu bar through its menuAction(); setVisible() on the QMenu
            # itself only concerns its popup.
            # A widget counts as shown unless hidden on purpose: one whose parent is hidden
            # for now (the details' follow-up bar while nothing is selected) comes back too.
            if isinstance(thing, QMenu):
                target, shown = thing.menuAction(), thing.menuAction().isVisible()
            else:
                target, shown = thing, not thing.isHidden()
            if shown:
                self._hidden.append(target)
            target.setVisible(False)
        # Their shortcuts (Ctrl+D « Ajouter à la sélection »…) must not work unseen either.
        self._disabled = [a for a in getattr(w, "personal_actions", []) if a.isEnabled()]
        for action in self._disabled:
            action.setEnabled(False)
        font = QFont(app.font())
        size = font.pointSizeF() if font.pointSizeF() > 0 else 10.0
        font.setPointSizeF(size * FONT_SCALE)
        app.setFont(font)
        app.setPalette(high_contrast_palette())
        if table is not None and self._saved["row_height"]:
            table.verticalHeader().setDefaultSectionSize(
                round(self._saved["row_height"] * FONT_SCALE)
            )
        if table is not None:
            table.set_forced_hidden(HIDDEN_COLUMNS)
        self._zoom_map(FONT_SCALE)
        self.toolbar.setVisible(True)
        self.escape.setEnabled(True)
        self.active = True
        w.showFullScreen()
        log.info("Mode présentation activé")

    def _leave(self) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        w = self.window
        self.active = False
        w.map.set_add_label(self._saved["add_label"])
        self.escape.setEnabled(False)
        self.toolbar.setVisible(False)
        app.setFont(self._saved["font"])
        app.setPalette(self._saved["palette"])
        table = getattr(w, "table", None)
        if table is not None and self._saved["row_height"]:
            table.verticalHeader().setDefaultSectionSize(self._saved["row_height"])
        if table is not None:
            table.set_forced_hidden(())
        self._zoom_map(1.0)
        for thing in self._hidden:
            thing.setVisible(True)
        for action in self._disabled:
            action.setEnabled(True)
        self._hidden = []
        self._disabled = []
        # The layouts still hold the large text's minimum sizes until their pending requests
        # run: restoring the geometry now clamped the window wider than a laptop screen.
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        w.setWindowState(self._saved["state"])
        w.show()
        if not self._saved["state"] & (
            Qt.WindowState.WindowFullScreen | Qt.WindowState.WindowMaximized
        ):
            QTimer.singleShot(0, self, self._restore_geometry)
        log.info("Mode présentation désactivé")

    @Slot()
    def _restore_geometry(self) -> None:
        if not self.active:  # not if the mode was entered again meanwhile
            self.window.restoreGeometry(self._saved["geometry"])
            self.restored.emit()

    def _zoom_map(self, factor: float) -> None:
        view = getattr(getattr(self.window, "map", None), "view", None)
        if view is not None and hasattr(view, "setZoomFactor"):
            view.setZoomFactor(factor)

    # -- scenarios

    @Slot()
    def _on_scenario(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.run_scenario(SCENARIOS[int(action.data())])

    def run_scenario(self, scenario: Scenario) -> None:
        """Fill the filters as a counsellor would, then search (through the window)."""
        w: Any = self.window
        filters = w.filters
        while filters.chosen_metiers():
            filters.chosen_list.setCurrentRow(0)
            filters.remove_button.click()
        metiers = w.backend.metiers if w.backend is not None else None
        for code in scenario.romes:
            try:
                metier = metiers.get(code) if metiers is not None else None
            except LbaError:
                metier = None
            if metier is not None:
                filters.add_metier(metier)
            else:  # the catalogue is still opening: the search explains what is missing
                filters.metier_edit.setText(code)
        place = None
        if w.backend is not None:
            try:
                place = w.backend.geocoder.resolve(scenario.lieu)
            except LbaError:
                place = None
        if place is not None:
            filters.set_place(place)  # a resolved place: no ambiguity shown to the class
        else:
            filters.place_edit.setText(scenario.lieu)
            filters.place_edit.textEdited.emit(scenario.lieu)  # as if typed: resolved again
        filters.set_radius(scenario.rayon)
        w.search()
