"""Wires the follow-up of young people into the main window: the « Jeunes suivis » dock
(people and the current person's shortlist), its menu, the user store's opening and the current
person; the person actions, the search link and the appointments live in followup_*.py."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMessageBox, QSplitter

from lba_desktop.errors import LbaError
from lba_desktop.map_page import home_pin
from lba_desktop.people.account import SignInRefused
from lba_desktop.people.offline import ServerAway
from lba_desktop.people.records import PEOPLE_PAGE
from lba_desktop.settings import load_settings
from lba_desktop.ui.backend import UserServices, open_user_services, refresh_shortlists
from lba_desktop.ui.followup_appointments import AppointmentActions
from lba_desktop.ui.followup_conflicts import LineConflicts
from lba_desktop.ui.followup_people import PersonActions
from lba_desktop.ui.followup_picking import ShortlistPicking
from lba_desktop.ui.followup_server import ServerLink
from lba_desktop.ui.journal_report_dialog import JournalReportDialog
from lba_desktop.ui.journal_view import JournalDialog
from lba_desktop.ui.messages import plain_message
from lba_desktop.ui.people_panel import PeoplePanel
from lba_desktop.ui.saved_files import tell_saved
from lba_desktop.ui.settings_shared import ask_password
from lba_desktop.ui.shortlist_view import ShortlistView

if TYPE_CHECKING:
    from lba_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

DOCK_HEIGHT = 210
QWIDGETSIZE_MAX = 16_777_215  # Qt's "no maximum"


class FollowUp(QObject):
    """Owns the people, shortlist and appointment parts of the window; the window only
    creates it. Signals exist for tests."""

    ready = Signal()  # user.sqlite is open and the panel filled
    personErased = Signal(int)
    shortlistChanged = Signal()

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.services: UserServices | None = None
        self.person: Any = None
        self.saved_message: Any = None  # the last « saved » box, for tests
        self.journal_dialog: JournalDialog | None = None
        self.report_dialog: JournalReportDialog | None = None
        # One object per job; each reaches the others through this one.
        self.people_actions = PersonActions(self)
        self.picking = ShortlistPicking(self)
        self.rdv = AppointmentActions(self)
        self.link = ServerLink(self)
        self.conflicts = LineConflicts(self)
        self._preloaded: Any = None  # (person id, shortlist rows) read off the window thread
        self.read_only = ""  # why the follow-up cannot be changed now (server away), or ""
        self._ready = False

        self.panel = PeoplePanel()
        self.shortlist = ShortlistView()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.panel)
        split.addWidget(self.shortlist)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        split.setSizes([330, 1070])
        self.dock = QDockWidget("Jeunes suivis", window)
        self.dock.setObjectName("jeunesSuivis")
        self.dock.setAccessibleName("Jeunes suivis et leur sélection")
        self.dock.setWidget(split)
        self.dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.setEnabled(False)  # until user.sqlite is open
        self._fit_dock()

        self._make_actions()
        self._connect()

        # The classroom mode (issue 7) hides these; a QMenu hides from the bar through its
        # menuAction(), the actions are listed for shortcuts.
        personal = getattr(window, "personal_widgets", None)
        if personal is None:
            personal = []
            window.personal_widgets = personal
        personal.extend([self.dock, window.details.follow_bar, self.menu])
        actions = getattr(window, "personal_actions", None)
        if actions is None:
            actions = []
            window.personal_actions = actions
        actions.extend(self.actions)

    # -- building

    def _action(self, text: str, tip: str, slot: Any, shortcut: Any = None) -> QAction:
        action = QAction(text, self.window)
        action.setToolTip(tip)
        action.setStatusTip(tip)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _make_actions(self) -> None:
        w = self.window
        self.add_action = self._action(
            "Ajouter à la &sélection",
            "Ajouter le résultat choisi à la sélection de la personne choisie",
            self.picking.add_current,
            "Ctrl+D",
        )
        # Active in the whole window (list, details, map) rather than the list alone.
        self.add_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.rdv_action = self._action(
            "Demander un &rendez-vous…",
            "Demande de rendez-vous au CFA de la formation choisie",
            self.rdv.request_for_current,
        )
        self.new_person_action = self._action(
            "&Nouvelle personne…",
            "Créer la fiche d'un jeune",
            self.people_actions.new_person,
            "Ctrl+Shift+N",
        )
        self.outbox_action = self._action(
            "&Envoi des demandes de rendez-vous…",
            "Toutes les demandes de rendez-vous, leur état et les actions possibles",
            self.rdv.show_outbox,
        )
        self.send_action = self._action(
            "Envoyer les demandes en &attente",
            "Envoyer maintenant les demandes de rendez-vous qui attendent",
            self.rdv.send_now,
        )
        self.journal_action = self._action(
            "&Journal de la personne…",
            "Le parcours daté de la personne choisie, et noter une étape",
            self.show_journal,
        )
        self.report_action = self._action(
            "&Rapport d'activité…",
            "Le journal d'une période, d'un conseiller ou de tous, en PDF ou CSV",
            self.show_report,
        )
        toggle = self.dock.toggleViewAction()
        toggle.setText("Panneau « &Jeunes suivis »")
        toggle.setShortcut(QKeySequence("Ctrl+J"))
        self.menu = w.menuBar().addMenu("&Suivi")
        self.menu.setToolTipsVisible(True)
        for action in (
            self.new_person_action,
            self.journal_action,
            self.report_action,
            toggle,
            None,
            self.add_action,
            self.rdv_action,
        ):
            if action is None:
                self.menu.addSeparator()
            else:
                self.menu.addAction(action)
        self.menu.addSeparator()
        self.menu.addAction(self.outbox_action)
        self.menu.addAction(self.send_action)
        # Help stays last in the bar.
        bar = w.menuBar()
        help_action = next((a for a in bar.actions() if a.text().replace("&", "") == "Aide"), None)
        if help_action is not None:
            bar.removeAction(self.menu.menuAction())
            bar.insertMenu(help_action, self.menu)
        self.actions = [
            self.add_action,
            self.rdv_action,
            self.new_person_action,
            self.outbox_action,
            self.send_action,
            self.journal_action,
            self.report_action,
            toggle,
        ]
        w.addAction(self.add_action)
        w.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        w.table.customContextMenuRequested.connect(self.picking.results_menu)

    def _connect(self) -> None:
        w = self.window
        w.backendReady.connect(self._open_services)
        if hasattr(w, "catalogueReplaced"):
            w.catalogueReplaced.connect(self.catalogue_changed)
        picking, actions, rdv = self.picking, self.people_actions, self.rdv
        w.searchFinished.connect(picking.on_search_finished)
        w.map.addRequested.connect(picking.on_map_add)
        w.map.markerClicked.connect(picking.on_marker_clicked)
        w.details.addRequested.connect(picking.on_details_add)
        w.details.appointmentRequested.connect(rdv.on_details_rdv)
        p = self.panel
        p.page_reader = self._read_page
        p.currentChanged.connect(self._on_person_changed)
        p.newRequested.connect(actions.new_person)
        p.editRequested.connect(actions.edit_person)
        p.eraseRequested.connect(actions.erase_person)
        p.exportDataRequested.connect(actions.export_person_data)
        p.purgeAccepted.connect(actions.purge)
        p.searchChanged.connect(self._on_people_search)
        s = self.shortlist
        s.changed.connect(self._on_shortlist_changed)
        s.appointmentRequested.connect(rdv.on_shortlist_rdv)
        s.mapRequested.connect(picking.on_map_requested)
        s.entryActivated.connect(picking.on_entry_activated)
        s.exported.connect(self._on_exported)
        s.failed.connect(self.show_error)

    # -- services

    @Slot()
    def _open_services(self) -> None:
        if self.services is not None:
            return
        backend = self.window.backend
        assert backend is not None
        self.window.runner.start(
            open_user_services,
            store=backend.store,
            geocoder=backend.geocoder,
            succeeded=self._on_services,
            failed=self._on_services_failed,
        )

    @Slot(object)
    def _on_services(self, services: UserServices) -> None:
        self.open_with(services)

    def open_with(self, services: UserServices) -> None:
        """The store answered (at start, or the server back after starting away)."""
        self.use_services(services)
        self.panel.show_purge(self._inactive())
        self.link.start(services)
        self.rdv.start_sender(services.appointments)
        self._started()

    def _started(self) -> None:
        if self.services is not None and not self._ready:
            self._ready = True
            self.window.installEventFilter(self)
            self.ready.emit()

    def use_services(self, services: UserServices) -> None:
        """Work on `services`: the server's, or the local copy's while the server is away."""
        self.services = services
        self.shortlist.set_services(
            people=services.people, appointments=services.appointments, runner=self.window.runner
        )
        self.dock.setEnabled(True)
        self.reload_people(keep=self.person.id if self.person is not None else None)
        self.shortlist.reload()

    def set_read_only(self, on: bool, why: str) -> None:
        """While the server is away: no new person, line or request; notes and statuses
        stay open (they wait on this computer)."""
        self.read_only = why if on else ""
        self.panel.set_read_only(on)
        for action in (self.new_person_action, self.rdv_action, self.add_action):
            action.setEnabled(not on)
        self._title_dock()

    def _title_dock(self) -> None:
        person = self.person
        title = f"Jeunes suivis — sélection de {person.display_name}" if person else "Jeunes suivis"
        self.dock.setWindowTitle(
            f"{title} — lecture seule (serveur injoignable)" if self.read_only else title
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            # Before the window's own close: no new send starts, the ones running end, then
            # user.sqlite is closed.
            self.rdv.stop_sender()
            self.link.stop()
            self.window.runner.wait(10_000)
            current, online = self.services, self.link.online
            self.services = None
            if current is not None:
                current.close()
            if online is not None and online is not current:
                online.close()
        return False

    @Slot(object)
    def _on_services_failed(self, exc: Exception) -> None:
        if isinstance(exc, ServerAway) and self.link.start_away():
            self._started()
            return
        if isinstance(exc, SignInRefused) and ask_password(self.window, exc.message):
            self._open_services()  # once more, with the password just typed
            return
        message = exc.message if isinstance(exc, LbaError) else "Fichier des personnes illisible."
        self.dock.setToolTip(f"Suivi des jeunes indisponible : {message}")
        self.window.statusBar().showMessage(f"Suivi des jeunes indisponible : {message}", 10_000)

    def _inactive(self) -> list[Any]:
        from lba_desktop.exports.privacy import purge_proposal

        assert self.services is not None
        try:
            return purge_proposal(self.services.people, months=load_settings().retention_months)
        except LbaError:
            return []

    @property
    def people(self) -> Any:
        return self.services.people if self.services else None

    @property
    def appointments(self) -> Any:
        return self.services.appointments if self.services else None

    def reload_people(self, *, keep: int | None = None, limit: int | None = None) -> None:
        if self.services is None:
            return
        try:
            page = self.people.people_page(
                self.panel.search_edit.text(), limit=limit or self.rows_to_read()
            )
        except LbaError as exc:
            self.show_error(exc)
            return
        self.show_people(page, keep=keep)

    def rows_to_read(self) -> int:
        """A page, or as many rows as the list holds now: a colleague's change read again
        does not shorten a list scrolled far down."""
        return max(PEOPLE_PAGE, self.panel.model.rowCount())

    def _read_page(self, key: Any) -> Any:
        """The panel scrolled to its end: the next page (None when the store fails now:
        said once the view is done asking)."""
        if self.people is None:
            return None
        try:
            return self.people.people_page(self.panel.search_edit.text(), after=key)
        except LbaError as exc:
            QTimer.singleShot(0, self, lambda error=exc: self.show_error(error))
            return None

    def show_people(self, page: Any, *, keep: int | None = None, shortlist: Any = None) -> Any:
        """Fill the panel with a page of people already read. `shortlist` is (person id,
        rows) read with them: a current person who comes back changed is shown from those
        rows, not read again here. Returns them when no person change used them."""
        self._preloaded = shortlist
        try:
            self.panel.set_people(page.people, keep=keep, next_key=page.next_key)
        finally:
            left, self._preloaded = self._preloaded, None
        # Once the panel's layout took the widgets just shown or hidden into account.
        QTimer.singleShot(0, self, self._fit_dock)
        return left

    @Slot()
    def _fit_dock(self) -> None:
        """The search stays the main screen: with nobody recorded the panel is one line of
        invitation; once there are people, a strip the counsellor can pull up (Ctrl+J hides
        it). At most a quarter of the screen, so twelve results still show on a laptop."""
        dock = self.dock
        if self.panel.is_empty() and self.person is None:
            # A ceiling, not just a size: the main window would otherwise give an empty panel
            # its share of every resize.
            # (The dock's own size hint is cached; its title bar and frame are what it adds.)
            frame = dock.height() - dock.widget().height()
            dock.setMaximumHeight(dock.widget().minimumSizeHint().height() + frame)
            return
        was_empty = dock.maximumHeight() < QWIDGETSIZE_MAX
        dock.setMaximumHeight(QWIDGETSIZE_MAX)
        if was_empty:
            screen = self.window.screen()
            quarter = screen.availableGeometry().height() // 4 if screen else DOCK_HEIGHT
            self.window.resizeDocks([dock], [min(DOCK_HEIGHT, quarter)], Qt.Orientation.Vertical)

    @Slot(str)
    def _on_people_search(self, _text: str) -> None:
        self.reload_people(limit=PEOPLE_PAGE)  # a new search starts at its first page

    @Slot()
    def catalogue_changed(self) -> None:
        """After a sync or a data pack: trainings come from the new catalogue, and each
        shortlisted item is checked against it in the background."""
        backend = self.window.backend
        if self.services is None or backend is None:
            return
        self.services.appointments.use_catalogue(backend.store)
        self.window.runner.start(
            refresh_shortlists,
            self.services.people,
            backend.store,
            succeeded=self._on_availability,
            failed=self.show_background_error,
        )

    @Slot(object)
    def _on_availability(self, changed: int) -> None:
        self.shortlist.reload()
        if changed:
            self.window.statusBar().showMessage(
                f"Sélections vérifiées : {changed} élément(s) ont changé de disponibilité.", 8000
            )

    # -- the current person

    @Slot(object)
    def _on_person_changed(self, person: Any) -> None:
        self.person = person
        rows, ready = None, self._preloaded
        if ready is not None and person is not None and ready[0] == person.id:
            rows, self._preloaded = ready[1], None
        self.shortlist.set_person(person, rows=rows)
        name = person.first_name if person is not None else ""
        self._title_dock()
        self.add_action.setText(
            f"Ajouter à la &sélection de {name}" if name else "Ajouter à la &sélection"
        )
        self.window.map.set_add_label(f"Ajouter à la sélection de {name}" if name else "")
        self.window.map.set_home(home_pin(person))
        self.update_details()
        self.picking.person_changed(person)

    def update_details(self) -> None:
        name = self.person.first_name if self.person is not None else ""
        self.window.details.set_person(name, frozenset(self.shortlist.item_keys()))

    def require_person(self) -> Any:
        """The current person, or None after telling the counsellor to choose one."""
        if self.person is not None:
            return self.person
        self.dock.show()
        self.dock.raise_()
        QMessageBox.information(
            self.window,
            "Choisissez une personne",
            "Choisissez d'abord, dans le panneau « Jeunes suivis », la personne dont vous "
            "préparez la sélection (ou créez-la avec « Nouvelle personne »).",
        )
        return None

    # -- messages

    @Slot()
    def show_journal(self) -> None:
        person = self.require_person()
        if person is None or self.services is None:
            return
        dialog = JournalDialog(self.people, person, parent=self.window)
        dialog.stepRecorded.connect(self.reload_people)  # last activity
        self.journal_dialog = dialog
        dialog.open()

    @Slot()
    def show_report(self) -> None:
        if self.services is None:
            return
        dialog = JournalReportDialog(self.people, self.window.runner, parent=self.window)
        dialog.exported.connect(self._on_report_written)
        self.report_dialog = dialog
        dialog.open()

    @Slot(str, int)
    def _on_report_written(self, path: str, count: int) -> None:
        events = f"{count} événement{'s' * (count > 1)}"
        if self.report_dialog is not None:
            self.report_dialog.accept()  # done: the message says where the file is
        self.tell_saved("Rapport enregistré", path, what=f"Le rapport ({events}) est enregistré")

    @Slot()
    def _on_shortlist_changed(self) -> None:
        self.after_shortlist_change()

    def after_shortlist_change(self) -> None:
        self.reload_people()  # counts and last activity
        self.update_details()
        self.shortlistChanged.emit()

    @Slot(str)
    def _on_exported(self, path: str) -> None:
        self.tell_saved("Sélection exportée", path, what="La sélection est enregistrée")

    def tell_saved(self, title: str, path: str, **kwargs: Any) -> None:
        """Tell where a file went; the box is kept (a test reads it)."""
        self.saved_message = tell_saved(self.window, title, path, **kwargs)

    @Slot(object)
    def show_background_error(self, exc: Any) -> None:
        """A task nobody is waiting on failed (a check after a sync, a colleague's change read
        again): said in the status bar, never in a dialog that would stop the counsellor."""
        if isinstance(exc, ServerAway) and self.link.online is not None:
            self.link.server_lost()
            return
        message = exc.message if isinstance(exc, LbaError) else "échec inattendu."
        log.warning("Tâche de fond du suivi en échec (%s)", type(exc).__name__)
        self.window.statusBar().showMessage(f"Suivi des jeunes : {message}", 15_000)

    def show_error(self, exc: Any) -> None:
        if isinstance(exc, ServerAway) and self.link.online is not None:
            self.link.server_lost()  # said once, in the status bar and the panel
            return
        if self.conflicts.is_line_conflict(exc):
            self.conflicts.ask(exc)  # both versions, side by side, to choose from
            return
        if not isinstance(exc, LbaError):
            exc = LbaError("L'opération a échoué de façon inattendue.")
        plain_message(self.window, "LBA Desktop", f"{exc.message}\n\n{exc.hint}".strip())
