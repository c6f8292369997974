"""Wires the follow-up of young people into the main window: the « Jeunes suivis » dock
(people and the current person's shortlist), adding results from the list, the details and the
map, CFA appointment requests, the outbox and its background sender, privacy actions."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QMenu,
    QMessageBox,
    QSplitter,
)

from lba_desktop.errors import LbaError
from lba_desktop.map_page import home_pin, markers_payload, shortlist_payload
from lba_desktop.models import Hit, Item, Kind
from lba_desktop.people import where_people_are_kept
from lba_desktop.settings import load_settings
from lba_desktop.ui.appointment_dialog import AppointmentDialog
from lba_desktop.ui.backend import (
    UserServices,
    erase_people_for_good,
    erase_person_for_good,
    export_person_folder,
    open_user_services,
    refresh_shortlists,
)
from lba_desktop.ui.messages import plain_message
from lba_desktop.ui.outbox_view import OutboxDialog, OutboxSender
from lba_desktop.ui.people_panel import PeoplePanel
from lba_desktop.ui.person_dialog import PersonDialog
from lba_desktop.ui.results_model import HitRole
from lba_desktop.ui.saved_files import remember_folder, save_folder, tell_saved
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
        self.sender_: OutboxSender | None = None
        self.person: Any = None
        self.person_dialog: PersonDialog | None = None
        self.appointment_dialog: AppointmentDialog | None = None
        self.outbox_dialog: OutboxDialog | None = None
        self._map_shows_shortlist = False

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
            self.add_current,
            "Ctrl+D",
        )
        # Active in the whole window (list, details, map) rather than the list alone.
        self.add_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.rdv_action = self._action(
            "Demander un &rendez-vous…",
            "Demande de rendez-vous au CFA de la formation choisie",
            self.request_for_current,
        )
        self.new_person_action = self._action(
            "&Nouvelle personne…", "Créer la fiche d'un jeune", self.new_person, "Ctrl+Shift+N"
        )
        self.outbox_action = self._action(
            "&Envoi des demandes de rendez-vous…",
            "Toutes les demandes de rendez-vous, leur état et les actions possibles",
            self.show_outbox,
        )
        self.send_action = self._action(
            "Envoyer les demandes en &attente",
            "Envoyer maintenant les demandes de rendez-vous qui attendent",
            self.send_now,
        )
        toggle = self.dock.toggleViewAction()
        toggle.setText("Panneau « &Jeunes suivis »")
        toggle.setShortcut(QKeySequence("Ctrl+J"))
        self.menu = w.menuBar().addMenu("&Suivi")
        self.menu.setToolTipsVisible(True)
        for action in (self.new_person_action, toggle, None, self.add_action, self.rdv_action):
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
            toggle,
        ]
        w.addAction(self.add_action)
        w.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        w.table.customContextMenuRequested.connect(self._results_menu)

    def _connect(self) -> None:
        w = self.window
        w.backendReady.connect(self._open_services)
        if hasattr(w, "catalogueReplaced"):
            w.catalogueReplaced.connect(self.catalogue_changed)
        w.searchFinished.connect(self._on_search_finished)
        w.map.addRequested.connect(self._on_map_add)
        w.map.markerClicked.connect(self._on_marker_clicked)
        w.details.addRequested.connect(self._on_details_add)
        w.details.appointmentRequested.connect(self._on_details_rdv)
        p = self.panel
        p.currentChanged.connect(self._on_person_changed)
        p.newRequested.connect(self.new_person)
        p.editRequested.connect(self.edit_person)
        p.eraseRequested.connect(self.erase_person)
        p.exportDataRequested.connect(self.export_person_data)
        p.purgeAccepted.connect(self._purge)
        p.searchChanged.connect(self._on_people_search)
        s = self.shortlist
        s.changed.connect(self._on_shortlist_changed)
        s.appointmentRequested.connect(self._on_shortlist_rdv)
        s.mapRequested.connect(self._on_map_requested)
        s.entryActivated.connect(self._on_entry_activated)
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
        self.services = services
        self.shortlist.set_services(
            people=services.people, appointments=services.appointments, runner=self.window.runner
        )
        self.sender_ = OutboxSender(self.window.runner, services.appointments, self)
        self.sender_.finished.connect(self._on_sent)
        self.sender_.requestSent.connect(self._on_request_sent)
        self.sender_.failed.connect(self._on_send_failed)
        self.dock.setEnabled(True)
        self.reload_people()
        self.panel.show_purge(self._inactive())
        self.sender_.start()
        self.window.installEventFilter(self)
        self.ready.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            # Before the window's own close: no new send starts, the ones running end, then
            # user.sqlite is closed.
            if self.sender_ is not None:
                self.sender_.stop()
            self.window.runner.wait(10_000)
            if self.services is not None:
                self.services.close()
                self.services = None
        return False

    @Slot(object)
    def _on_services_failed(self, exc: Exception) -> None:
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

    def reload_people(self, *, keep: int | None = None) -> None:
        if self.services is None:
            return
        try:
            found = self.people.search_people(self.panel.search_edit.text())
        except LbaError as exc:
            self.show_error(exc)
            return
        self.panel.set_people(found, keep=keep)
        # Once the panel's layout took the widgets just shown or hidden into account.
        QTimer.singleShot(0, self, self._fit_dock)

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
        self.reload_people()

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
            failed=self.show_error,
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
        self.shortlist.set_person(person)
        name = person.first_name if person is not None else ""
        self.dock.setWindowTitle(
            f"Jeunes suivis — sélection de {person.display_name}" if person else "Jeunes suivis"
        )
        self.add_action.setText(
            f"Ajouter à la &sélection de {name}" if name else "Ajouter à la &sélection"
        )
        self.window.map.set_add_label(f"Ajouter à la sélection de {name}" if name else "")
        self.window.map.set_home(home_pin(person))
        self._update_details()
        if self._map_shows_shortlist:
            self._on_map_requested(person is not None)

    def _update_details(self) -> None:
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

    # -- people

    @Slot()
    def new_person(self) -> None:
        self._open_person_dialog(None)

    @Slot(object)
    def edit_person(self, person: Any) -> None:
        self._open_person_dialog(person)

    def _open_person_dialog(self, person: Any) -> None:
        if self.services is None:
            return
        backend = self.window.backend
        dialog = PersonDialog(
            self.people,
            geocoder=backend.geocoder if backend else None,
            person=person,
            parent=self.window,
        )
        dialog.accepted.connect(self._on_person_saved)
        self.person_dialog = dialog
        self.dock.show()
        dialog.open()

    @Slot()
    def _on_person_saved(self) -> None:
        dialog = self.person_dialog
        if dialog is None or dialog.person is None:
            return
        self.panel.search_edit.clear()
        self.reload_people(keep=dialog.person.id)
        self.panel.choose(dialog.person.id)
        self.shortlist.reload()  # distances follow a new home commune
        self.window.statusBar().showMessage(
            f"Fiche de {dialog.person.display_name} enregistrée.", 4000
        )

    @Slot(object)
    def erase_person(self, person: Any) -> None:
        if self.services is None:
            return
        # Plain text: a name is shown as typed, never read as HTML (a link in it would open).
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Supprimer définitivement",
            f"Supprimer définitivement la personne n° {person.id} : {person.display_name}"
            + (f" ({person.home_label})" if person.home_label else "")
            + f", {person.item_count} piste(s) ?\n\n"
            "Sa fiche, sa sélection, ses notes, son journal et ses demandes de rendez-vous "
            f"seront effacés {where_people_are_kept()}. Cette suppression est définitive : "
            "elle ne peut pas être annulée.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self.window,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        answer = box.exec()
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.window.runner.start(
            erase_person_for_good,
            self.people,
            person.id,
            succeeded=self._on_erased,
            failed=self.show_error,
        )

    @Slot(object)
    def _on_erased(self, person_id: int) -> None:
        self.reload_people()
        self.window.statusBar().showMessage("Personne supprimée définitivement.", 5000)
        self.personErased.emit(person_id)

    @Slot(list)
    def _purge(self, people: list[Any]) -> None:
        if self.services is None or not people:
            return
        self.window.runner.start(
            erase_people_for_good,
            self.people,
            [p.id for p in people],
            load_settings().retention_months,
            succeeded=self._on_purged,
            failed=self.show_error,
        )

    @Slot(object)
    def _on_purged(self, ids: list[int]) -> None:
        self.reload_people()
        self.window.statusBar().showMessage(
            f"{len(ids)} personne(s) inactive(s) supprimée(s) définitivement.", 6000
        )
        for person_id in ids:
            self.personErased.emit(person_id)

    @Slot(object)
    def export_person_data(self, person: Any) -> None:
        if self.services is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self.window,
            f"Dossier où exporter les données de {person.display_name}",
            str(save_folder()),
        )
        if not folder:
            return
        remember_folder(folder)
        self.window.runner.start(
            export_person_folder,
            self.people,
            person.id,
            folder,
            succeeded=self._on_person_exported,
            failed=self.show_error,
        )

    @Slot(object)
    def _on_person_exported(self, files: list[str]) -> None:
        # The PDF is what a person reads; the JSON holds everything, for a machine.
        first = next((f for f in files if f.lower().endswith(".pdf")), files[0])
        self.saved_message = tell_saved(
            self.window,
            "Données exportées",
            first,
            what="Toutes les données de la personne sont exportées",
            others=tuple(f for f in files if f != first),
        )

    # -- adding to the shortlist

    def add_hit(self, hit: Hit) -> bool:
        """Add a result to the current person's selection; False when it was already there."""
        person = self.require_person()
        if person is None or self.services is None:
            return False
        try:
            entry, created = self.people.add_to_shortlist(
                person.id, item=hit.item, distance_km=hit.distance_km
            )
        except LbaError as exc:
            self.show_error(exc)
            return False
        if created:
            message = f"« {hit.item.title} » ajouté à la sélection de {person.first_name}."
        else:
            message = f"« {hit.item.title} » est déjà dans la sélection de {person.first_name}."
        self.window.statusBar().showMessage(message, 5000)
        self.shortlist.reload()
        self.shortlist.select_entry(entry.id)
        self._after_shortlist_change()
        return created

    def _selected_hit(self) -> Hit | None:
        rows = self.window.table.selectionModel().selectedRows()
        return self.window.proxy.data(rows[0], HitRole) if rows else None

    @Slot()
    def add_current(self) -> None:
        hit = self._selected_hit() or self.window.details.hit()
        if hit is None:
            self.window.statusBar().showMessage(
                "Choisissez d'abord un résultat dans la liste ou sur la carte.", 5000
            )
            return
        self.add_hit(hit)

    @Slot(object)
    def _on_details_add(self, hit: Hit) -> None:
        self.add_hit(hit)

    @Slot(str)
    def _on_map_add(self, key: str) -> None:
        if self.window.classroom.active:  # people data stays out of a demonstration
            return
        row = self.window.model.row_of_key(key)
        if row >= 0:
            self.add_hit(self.window.model.hits()[row])

    @Slot(QPoint)
    def _results_menu(self, pos: QPoint) -> None:
        w = self.window
        index = w.table.indexAt(pos)
        if not index.isValid():
            return
        hit = w.proxy.data(index, HitRole)
        menu = QMenu(w.table)
        if self.add_action.isVisible():
            key = f"{hit.item.kind.value}:{hit.item.id}"
            if self.person is not None and key in self.shortlist.item_keys():
                done = menu.addAction(f"✓ Déjà dans la sélection de {self.person.first_name}")
                done.setEnabled(False)
            else:
                menu.addAction(self.add_action)
            if hit.item.kind is Kind.FORMATION:
                menu.addAction(self.rdv_action)
        if menu.isEmpty():
            return
        w.table.selectRow(index.row())
        menu.popup(w.table.viewport().mapToGlobal(pos))

    @Slot()
    def _on_shortlist_changed(self) -> None:
        self._after_shortlist_change()

    def _after_shortlist_change(self) -> None:
        self.reload_people()  # counts and last activity
        self._update_details()
        self.shortlistChanged.emit()

    # -- appointments

    @Slot()
    def request_for_current(self) -> None:
        hit = self._selected_hit() or self.window.details.hit()
        if hit is None or hit.item.kind is not Kind.FORMATION:
            self.window.statusBar().showMessage(
                "Choisissez d'abord une formation dans la liste.", 5000
            )
            return
        self.open_appointment(item=hit.item)

    @Slot(object)
    def _on_details_rdv(self, item: Item) -> None:
        self.open_appointment(item=item)

    @Slot(int)
    def _on_shortlist_rdv(self, entry_id: int) -> None:
        self.open_appointment(entry_id=entry_id)

    def open_appointment(self, *, item: Item | None = None, entry_id: int | None = None) -> None:
        person = self.require_person()
        if person is None or self.services is None:
            return
        try:
            form = self.appointments.prefill(person_id=person.id, item=item, entry_id=entry_id)
        except LbaError as exc:
            self.show_error(exc)
            return
        dialog = AppointmentDialog(self.appointments, form, parent=self.window)
        dialog.saved.connect(self._on_request_saved)
        dialog.sendRequested.connect(self._on_send_requested)
        self.appointment_dialog = dialog
        dialog.open()

    @Slot(object)
    def _on_request_saved(self, request: Any) -> None:
        self.shortlist.reload()
        self.window.statusBar().showMessage(
            f"Demande de rendez-vous enregistrée : {request.status_detail_fr}", 6000
        )
        if self.outbox_dialog is not None:
            self.outbox_dialog.reload()

    @Slot(int)
    def _on_send_requested(self, request_id: int) -> None:
        if self.sender_ is not None:
            self.sender_.send_one(request_id)

    @Slot()
    def show_outbox(self) -> None:
        if self.services is None or self.sender_ is None:
            return
        if self.outbox_dialog is None:
            self.outbox_dialog = OutboxDialog(self.appointments, self.sender_, self.window)
            self.outbox_dialog.changed.connect(self.shortlist.reload)
        self.outbox_dialog.reload()
        self.outbox_dialog.show()
        self.outbox_dialog.raise_()

    @Slot()
    def send_now(self) -> None:
        if self.sender_ is not None:
            self.sender_.send_pending()

    @Slot(object)
    def _on_sent(self, report: Any) -> None:
        if report.attempted:
            self.shortlist.reload()
            self.window.statusBar().showMessage(
                f"Demandes de rendez-vous : {report.summary_fr}", 6000
            )

    @Slot(object)
    def _on_request_sent(self, request: Any) -> None:
        self.shortlist.reload()
        self.window.statusBar().showMessage(
            f"Demande de rendez-vous n° {request.id} : {request.status_detail_fr}", 8000
        )

    @Slot(object)
    def _on_send_failed(self, exc: LbaError) -> None:
        self.window.statusBar().showMessage(f"Envoi des demandes : {exc.message}", 8000)

    # -- the map

    @Slot(bool)
    def _on_map_requested(self, show: bool) -> None:
        w = self.window
        self._map_shows_shortlist = show and self.person is not None
        if self._map_shows_shortlist:
            w.map.set_results(shortlist_payload(self.person, self.shortlist.model.entries()))
        elif w.last_result is not None:
            w.map.set_results(markers_payload(w.last_result, kinds=w.proxy.visible_kinds()))
        else:
            w.map.set_results({"items": [], "centre": None, "radius_km": None, "kinds": None})

    @Slot(object)
    def _on_search_finished(self, _result: Any) -> None:
        # The window drew the new results on the map: the selection is no longer shown.
        self._map_shows_shortlist = False
        self.shortlist.map_button.setChecked(False)

    @Slot(str)
    def _on_marker_clicked(self, key: str) -> None:
        if not self._map_shows_shortlist:
            return
        for entry in self.shortlist.model.entries():
            if f"{entry.kind.value}:{entry.item_id}" == key:
                self.shortlist.select_entry(entry.id)

    @Slot(object)
    def _on_entry_activated(self, entry: Any) -> None:
        if self._map_shows_shortlist:
            self.window.map.select(f"{entry.kind.value}:{entry.item_id}")

    # -- messages

    @Slot(str)
    def _on_exported(self, path: str) -> None:
        self.saved_message = tell_saved(
            self.window, "Sélection exportée", path, what="La sélection est enregistrée"
        )

    @Slot(object)
    def show_error(self, exc: Any) -> None:
        if not isinstance(exc, LbaError):
            exc = LbaError("L'opération a échoué de façon inattendue.")
        plain_message(self.window, "LBA Desktop", f"{exc.message}\n\n{exc.hint}".strip())
