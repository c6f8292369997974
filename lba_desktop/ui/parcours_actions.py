"""Wires « Parcours complets » into the window: its dock, the profile of the young person chosen
in « Jeunes suivis », « Chercher pour ce jeune », and « Employeurs à portée » of a training."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget

from lba_desktop.errors import LbaError
from lba_desktop.map_page import marker_key
from lba_desktop.map_parcours import parcours_payload, set_links_js, training_links
from lba_desktop.models import Hit, Item, Kind, Place, PlaceKind
from lba_desktop.parcours import Pair, ParcoursResult, ParcoursService
from lba_desktop.people.news import News, NewsReport
from lba_desktop.people.profiles import Profile, Profiles, search_for
from lba_desktop.ui.news_dialog import NewsDialog
from lba_desktop.ui.parcours_view import ParcoursPanel

if TYPE_CHECKING:
    from lba_desktop.ui.main_window import MainWindow


def home_place(person: Any) -> Place | None:
    """The young person's home commune as a place to search around, if known."""
    if person is None or not person.has_home:
        return None
    return Place(
        kind=PlaceKind.COMMUNE,
        code=person.home_insee,
        label=person.home_label or person.home_insee,
        lat=person.home_lat,
        lon=person.home_lon,
        departement=person.home_departement,
    )


# Task functions: plain calls run on the pool, no Qt.
def load_profile(profiles: Profiles, person_id: int) -> Profile:
    return profiles.get(person_id)


def save_profile(profiles: Profiles, profile: Profile) -> Profile:
    return profiles.save(
        profile.person_id,
        mobility_km=profile.mobility_km,
        diploma_level=profile.diploma_level,
        romes=profile.romes,
    )


def pairs_for_profile(service: ParcoursService, home: Place | None, profile: Profile) -> Any:
    return service.for_profile(
        domicile=home,
        romes=profile.romes,
        mobilite=profile.mobility_km,
        niveau=profile.diploma_level,
    )


def refresh_news(people: Any, catalogue: Any) -> NewsReport:
    """« Quoi de neuf »: the leads a new catalogue brought within each young person's profile."""
    return News(people.store).refresh(catalogue)


def employers_of_training(
    service: ParcoursService, training_id: str, home: Place | None, radius: int
) -> Any:
    return service.from_training(training_id, domicile=home, mobilite=radius)


class ParcoursActions(QObject):
    """Owns the « Parcours complets » dock; follows the person chosen in « Jeunes suivis »."""

    resultShown = Signal(object)  # the ParcoursResult on screen (tests, the map)
    profileSaved = Signal(object)
    newsReported = Signal(object)  # the NewsReport of the pass after a new catalogue

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.followup = window.followup
        self.person: Any = None
        self.profile: Profile | None = None
        self.profiles: Profiles | None = None
        self.result: ParcoursResult | None = None
        # One « what's new » pass at a time: they share the file of what was already seen, and
        # two catalogue changes in a row (a sync, then the demo data) would race on it.
        self._news_running = False
        self._news_again = False
        self.panel = ParcoursPanel()
        self.dock = QDockWidget("Parcours complets", window)
        self.dock.setObjectName("parcoursComplets")
        self.dock.setAccessibleName("Parcours complets : formation et employeur à portée")
        self.dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        window.tabifyDockWidget(self.followup.dock, self.dock)
        # Hidden until asked for: on a 1366 × 768 laptop the results, the details and the
        # follow-up panel need the whole window (test_layout).
        self.dock.hide()
        self.dock.setEnabled(False)
        self.open_action = QAction("&Profil et parcours complets", window)
        self.open_action.setToolTip(
            "Le profil du jeune choisi (mobilité, niveau, métiers) et les parcours complets : "
            "formation + employeur à portée de son domicile"
        )
        # No shortcut of its own: Ctrl+Shift+P is the classroom mode's.
        self.open_action.triggered.connect(self.show_panel)
        self.followup.menu.addAction(self.open_action)
        window.addAction(self.open_action)
        self.news_action = QAction("&Nouvelles pistes pour mes jeunes…", window)
        self.news_action.setToolTip(
            "Ce qu'une mise à jour des données ou un paquet a apporté dans le profil de chaque "
            "jeune : à revoir et à ajouter à leur sélection"
        )
        self.news_action.triggered.connect(self.open_news)
        self.news_action.setEnabled(False)
        self.followup.menu.addAction(self.news_action)
        self.news_dialog: NewsDialog | None = None
        for name, extra in (
            ("personal_widgets", self.dock),
            ("personal_actions", self.open_action),
            ("personal_actions", self.news_action),
        ):
            found = getattr(window, name, None)
            if found is not None:
                found.append(extra)

        self.followup.ready.connect(self._on_ready)
        self.followup.panel.currentChanged.connect(self._on_person)
        window.backendReady.connect(self._on_backend)
        window.catalogueReplaced.connect(self.check_news)
        box = self.panel.profile_box
        box.saveRequested.connect(self._save)
        box.searchRequested.connect(self.search_for_person)
        box.pairsRequested.connect(self.pairs_for_person)
        self.panel.pairAddRequested.connect(self.add_pair)
        self.panel.trainingChosen.connect(self.show_links)
        self.panel.pairActivated.connect(self.show_employer)
        window.map.markerClicked.connect(self._on_marker)
        window.searchFinished.connect(self._on_search)
        self.map_shows_parcours = False
        self.followup.shortlist.mapRequested.connect(self._on_shortlist_map)
        window.details.employersRequested.connect(self.employers_of)

    @Slot()
    def show_panel(self) -> None:
        self.dock.show()
        self.dock.raise_()

    # -- services

    def _service(self) -> ParcoursService | None:
        backend = self.window.backend
        return ParcoursService(backend.search) if backend is not None else None

    @Slot()
    def _on_backend(self) -> None:
        backend = self.window.backend
        if backend is not None:
            self.panel.profile_box.metiers = backend.metiers

    @Slot()
    def _on_ready(self) -> None:
        people = self.followup.people
        if people is not None:
            self.profiles = Profiles(people.store)
            self.dock.setEnabled(True)
            self.news_action.setEnabled(True)
            self.window.installEventFilter(self)
            self._on_person(self.followup.person)
            self.check_news()

    @Slot()
    def check_news(self) -> None:
        """After a sync, a data pack or at start: count what is new for the young people."""
        people, backend = self.followup.people, self.window.backend
        if people is None or backend is None:
            return
        if self._news_running:
            self._news_again = True  # counted again against the newest catalogue once done
            return
        self._news_running = True
        self.window.runner.start(
            refresh_news, people, backend.store, succeeded=self._on_news, failed=self._news_failed
        )

    def _news_done(self) -> None:
        self._news_running = False
        if self._news_again:
            self._news_again = False
            self.check_news()

    @Slot(object)
    def _news_failed(self, exc: Exception) -> None:
        # A count made in the background: its failure is said in the status bar, never in a
        # dialog that would stop the counsellor's work.
        reason = exc.message if isinstance(exc, LbaError) else "erreur inattendue"
        self.window.statusBar().showMessage(f"Nouvelles pistes non comptées : {reason}", 15000)
        self._news_done()

    @Slot(object)
    def _on_news(self, report: NewsReport) -> None:
        if report.leads:
            self.window.statusBar().showMessage(
                f"{report.summary_fr} : menu Suivi › « Nouvelles pistes pour mes jeunes » pour "
                "les revoir.",
                15000,
            )
        self.newsReported.emit(report)
        self._news_done()

    @Slot()
    def open_news(self) -> None:
        """The list of new leads per young person, to add to their shortlists in a few clicks."""
        people, backend = self.followup.people, self.window.backend
        if people is None or backend is None:
            return
        try:
            dialog = NewsDialog(people, News(people.store), backend.store, self.window)
        except LbaError as exc:
            self.followup.show_error(exc)
            return
        dialog.changed.connect(self._on_news_added)
        self.news_dialog = dialog
        dialog.show()
        dialog.raise_()

    @Slot()
    def _on_news_added(self) -> None:
        self.followup.shortlist.reload()
        self.followup.after_shortlist_change()

    # -- the chosen person

    def autosave(self) -> bool:
        """Save what was typed in the profile and not saved yet (another young person chosen,
        the window closing): nothing typed is lost. False when there was nothing to save."""
        box = self.panel.profile_box
        if self.person is None or self.profiles is None:
            return False
        if box.metier_edit.text().strip():
            box.add_typed()  # a métier typed but not added (a text naming none stays typed)
        if not box.values_changed():
            return False
        try:
            saved = save_profile(self.profiles, box.values())
        except LbaError as exc:
            self.followup.show_error(exc)
            return False
        box.mark_saved(saved)
        self.profile = saved
        self.window.statusBar().showMessage(
            f"Profil de {self.person.first_name} enregistré automatiquement.", 5000
        )
        self.profileSaved.emit(saved)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Installed after the follow-up's own filter, so called before it closes the store.
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.autosave()
        return False

    @Slot(object)
    def _on_person(self, person: Any) -> None:
        box = self.panel.profile_box
        same = person is not None and self.person is not None and person.id == self.person.id
        if same and self.profile is not None:
            # The same young person's record came back (a line added, a counter): what is
            # being typed in the profile stays as it is.
            self.person = person
            box.setTitle(f"Profil de recherche de {person.display_name}")
            box.home_label.setText(
                person.home_label if person.has_home else "non renseigné (à indiquer dans sa fiche)"
            )
            return
        if self.person is not None and box.values().person_id == self.person.id:
            self.autosave()
        self.person = person
        self.profile = None
        if person is None or self.profiles is None:
            box.show_profile(None, "", None)
            self.panel.show_message("Choisissez un jeune dans « Jeunes suivis ».")
            return
        box.setTitle(f"Profil de recherche de {person.display_name}")
        self.window.runner.start(
            load_profile, self.profiles, person.id, succeeded=self._on_profile, failed=self._failed
        )

    @Slot(object)
    def _on_profile(self, profile: Profile) -> None:
        if self.person is None or profile.person_id != self.person.id:
            return  # another person was chosen meanwhile
        if self.profile is not None and self.profile.person_id == profile.person_id:
            # A second read of the same profile (the record came back while the first was on
            # its way), landing after the counsellor started typing: what is typed stays.
            return
        self.profile = profile
        home = self.person.home_label if self.person.has_home else ""
        self.panel.profile_box.show_profile(self.person.id, home, profile)
        self.panel.show_message(
            "« Parcours complets » : les formations et les employeurs à portée de son domicile."
            if self.person.has_home
            else "Indiquez sa commune de domicile dans sa fiche pour chercher ce qui est à portée."
        )

    @Slot(object)
    def _save(self, profile: Profile) -> None:
        if self.profiles is None or self.person is None:
            return
        self.window.runner.start(
            save_profile, self.profiles, profile, succeeded=self._on_saved, failed=self._failed
        )

    @Slot(object)
    def _on_saved(self, profile: Profile) -> None:
        self.profile = profile
        if self.person is not None and profile.person_id == self.person.id:
            self.panel.profile_box.mark_saved(profile)
        self.window.statusBar().showMessage("Profil enregistré.", 5000)
        self.profileSaved.emit(profile)

    # -- searches

    @Slot()
    def search_for_person(self) -> None:
        """« Chercher pour ce jeune »: the window's search filled from the profile."""
        backend = self.window.backend
        if self.person is None or backend is None:
            return
        try:
            wanted = search_for(self.person, self.panel.profile_box.values())
        except LbaError as exc:
            self.followup.show_error(exc)
            return
        filters = self.window.filters
        place = home_place(self.person)
        if place is not None:
            filters.set_place(place)
        filters.set_metiers([m for m in map(backend.metiers.get, wanted.romes) if m is not None])
        filters.set_radius(wanted.rayon)
        filters.level_combo.setCurrentIndex(max(0, filters.level_combo.findData(wanted.niveau)))
        self.window.search()

    @Slot()
    def pairs_for_person(self) -> None:
        service = self._service()
        if self.person is None or service is None:
            return
        profile = self.panel.profile_box.values()
        self.panel.show_message("Recherche des parcours…")
        self.show_panel()
        self.window.runner.start(
            pairs_for_profile,
            service,
            home_place(self.person),
            profile,
            succeeded=self._on_result,
            failed=self._failed,
        )

    @Slot(object)
    def employers_of(self, item: Item) -> None:
        """« Employeurs à portée » of a training: from the chosen young person's home and
        mobility when someone is chosen, else around the CFA with the search's radius."""
        service = self._service()
        if service is None or item.kind is not Kind.FORMATION:
            return
        radius = self.window.filters.radius()
        if self.person is not None:
            radius = self.panel.profile_box.values().mobility_km
        self.show_panel()
        self.panel.show_message("Recherche des employeurs à portée…")
        self.window.runner.start(
            employers_of_training,
            service,
            item.id,
            home_place(self.person),
            radius,
            succeeded=self._on_result,
            failed=self._failed,
        )

    @Slot(object)
    def add_pair(self, pair: Pair) -> None:
        """The pair into the chosen young person's shortlist, as one « parcours » line (an
        offer with its training included, whose training is not listed, goes alone)."""
        people, person = self.followup.people, self.followup.require_person()
        if people is None or person is None:
            return
        try:
            if pair.training is None:
                entry, created = people.add_to_shortlist(
                    person.id, item=pair.employer, distance_km=pair.employer_from_home_km
                )
                chosen = entry.id
            else:
                line, created = people.add_pair_to_shortlist(
                    person.id, training=pair.training, employer=pair.employer
                )
                chosen = line.entry.id
        except LbaError as exc:
            self.followup.show_error(exc)
            return
        what = pair.training.title if pair.training else pair.employer.title
        employer = pair.employer.organisation or pair.employer.title
        label = f"Parcours « {what} » + « {employer} »" if pair.training else f"« {what} »"
        self.window.statusBar().showMessage(
            f"{label} ajouté à la sélection de {person.first_name}."
            if created
            else f"{label} est déjà dans la sélection de {person.first_name}.",
            5000,
        )
        shortlist = self.followup.shortlist
        shortlist.reload()
        shortlist.select_entry(chosen)
        self.followup.after_shortlist_change()

    @Slot(object)
    def _on_result(self, result: ParcoursResult) -> None:
        self.result = result
        self.panel.show_result(result)
        self.show_on_map(result)
        self.resultShown.emit(result)

    # -- the map

    def show_on_map(self, result: ParcoursResult) -> None:
        """Home, the trainings and their employers on the window's map; the lines of the
        training the pairs start from, when there is one."""
        picking = self.followup.picking
        picking.map_shows_shortlist = False
        self.followup.shortlist.map_button.setChecked(False)
        self.map_shows_parcours = True
        self.window.map.set_results(parcours_payload(result, self.person))
        if result.chosen_training is not None:
            self.show_links(result.chosen_training)

    @Slot(object)
    def show_links(self, training: Item) -> None:
        """Lines from `training` to each of its employers within reach."""
        if self.result is None or not self.map_shows_parcours:
            return
        self.window.map.set_links(set_links_js(training_links(self.result, training.id)))

    @Slot(object)
    def show_employer(self, pair: Pair) -> None:
        """A pair double-clicked: its employer in the details (contact, link to apply), and
        its marker on the map when the map shows the parcours."""
        self.window.details.show_hit(Hit(pair.employer, pair.employer_from_home_km))
        if self.map_shows_parcours:
            self.window.map.select(marker_key(pair.employer.kind, pair.employer.id))

    @Slot(str)
    def _on_marker(self, key: str) -> None:
        if self.map_shows_parcours and key.startswith(f"{Kind.FORMATION.value}:"):
            self.panel.select_training(key.split(":", 1)[1])

    @Slot(bool)
    def _on_shortlist_map(self, _shown: bool) -> None:
        self.map_shows_parcours = False  # the selection, or the search again

    @Slot(object)
    def _on_search(self, _result: Any) -> None:
        self.map_shows_parcours = False  # the window drew the search's results

    @Slot(object)
    def _failed(self, exc: Exception) -> None:
        if isinstance(exc, LbaError):
            self.panel.show_message(f"{exc.message} {exc.hint}".strip())
        else:
            self.followup.show_error(exc)
