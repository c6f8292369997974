"""The follow-up's link with the search: adding a result from the list, the details or the map
to the current person's selection, the results' context menu, and the map showing the
selection in place of the results."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, Slot
from PySide6.QtWidgets import QMenu

from lba_desktop.errors import LbaError
from lba_desktop.map_page import markers_payload, shortlist_payload
from lba_desktop.map_parcours import set_links_js, shortlist_links
from lba_desktop.models import Hit, Kind
from lba_desktop.ui.results_model import HitRole

if TYPE_CHECKING:
    from lba_desktop.ui.followup import FollowUp


class ShortlistPicking(QObject):
    """Puts results into the current person's selection and shows that selection on the map."""

    def __init__(self, follow: FollowUp) -> None:
        super().__init__(follow)
        self.follow = follow
        self.window = follow.window
        self.map_shows_shortlist = False

    # -- adding

    def add_hit(self, hit: Hit) -> bool:
        """Add a result to the current person's selection; False when it was already there."""
        follow = self.follow
        person = follow.require_person()
        if person is None or follow.services is None:
            return False
        try:
            entry, created = follow.people.add_to_shortlist(
                person.id, item=hit.item, distance_km=hit.distance_km
            )
        except LbaError as exc:
            follow.show_error(exc)
            return False
        if created:
            message = f"« {hit.item.title} » ajouté à la sélection de {person.first_name}."
        else:
            message = f"« {hit.item.title} » est déjà dans la sélection de {person.first_name}."
        self.window.statusBar().showMessage(message, 5000)
        follow.shortlist.reload()
        follow.shortlist.select_entry(entry.id)
        follow.after_shortlist_change()
        return created

    def selected_hit(self) -> Hit | None:
        rows = self.window.table.selectionModel().selectedRows()
        return self.window.proxy.data(rows[0], HitRole) if rows else None

    @Slot()
    def add_current(self) -> None:
        hit = self.selected_hit() or self.window.details.hit()
        if hit is None:
            self.window.statusBar().showMessage(
                "Choisissez d'abord un résultat dans la liste ou sur la carte.", 5000
            )
            return
        self.add_hit(hit)

    @Slot(object)
    def on_details_add(self, hit: Hit) -> None:
        self.add_hit(hit)

    @Slot(str)
    def on_map_add(self, key: str) -> None:
        if self.window.classroom.active:  # people data stays out of a demonstration
            return
        row = self.window.model.row_of_key(key)
        if row >= 0:
            self.add_hit(self.window.model.hits()[row])

    @Slot(QPoint)
    def results_menu(self, pos: QPoint) -> None:
        w = self.window
        follow = self.follow
        index = w.table.indexAt(pos)
        if not index.isValid():
            return
        hit = w.proxy.data(index, HitRole)
        menu = QMenu(w.table)
        if follow.add_action.isVisible():
            key = f"{hit.item.kind.value}:{hit.item.id}"
            if follow.person is not None and key in follow.shortlist.item_keys():
                done = menu.addAction(f"✓ Déjà dans la sélection de {follow.person.first_name}")
                done.setEnabled(False)
            else:
                menu.addAction(follow.add_action)
            if hit.item.kind is Kind.FORMATION:
                menu.addAction(follow.rdv_action)
        if menu.isEmpty():
            return
        w.table.selectRow(index.row())
        menu.popup(w.table.viewport().mapToGlobal(pos))

    # -- the map

    def person_changed(self, person: Any) -> None:
        if self.map_shows_shortlist:
            self.on_map_requested(person is not None)

    @Slot(bool)
    def on_map_requested(self, show: bool) -> None:
        w = self.window
        follow = self.follow
        self.map_shows_shortlist = show and follow.person is not None
        if self.map_shows_shortlist:
            model = follow.shortlist.model
            w.map.set_results(shortlist_payload(follow.person, model.entries()))
            # A parcours is a pair on the map too: a line from its CFA to its employer.
            w.map.set_links(set_links_js(shortlist_links(model.lines())))
        elif w.last_result is not None:
            w.map.set_results(markers_payload(w.last_result, kinds=w.proxy.visible_kinds()))
        else:
            w.map.set_results({"items": [], "centre": None, "radius_km": None, "kinds": None})

    @Slot(object)
    def on_search_finished(self, _result: Any) -> None:
        # The window drew the new results on the map: the selection is no longer shown.
        self.map_shows_shortlist = False
        self.follow.shortlist.map_button.setChecked(False)

    @Slot(str)
    def on_marker_clicked(self, key: str) -> None:
        if not self.map_shows_shortlist:
            return
        shortlist = self.follow.shortlist
        for entry in shortlist.model.entries():
            if f"{entry.kind.value}:{entry.item_id}" == key:
                shortlist.select_entry(entry.id)

    @Slot(object)
    def on_entry_activated(self, entry: Any) -> None:
        if self.map_shows_shortlist:
            self.window.map.select(f"{entry.kind.value}:{entry.item_id}")
