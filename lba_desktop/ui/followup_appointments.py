"""The follow-up's appointment side: the CFA appointment request form, the outbox window and
its background sender's messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Slot

from lba_desktop.errors import LbaError
from lba_desktop.models import Item, Kind
from lba_desktop.ui.appointment_dialog import AppointmentDialog
from lba_desktop.ui.outbox_view import OutboxDialog, OutboxSender

if TYPE_CHECKING:
    from lba_desktop.ui.followup import FollowUp


class AppointmentActions(QObject):
    """Opens appointment requests for the current person and reports what the sender did."""

    def __init__(self, follow: FollowUp) -> None:
        super().__init__(follow)
        self.follow = follow
        self.window = follow.window
        self.sender_: OutboxSender | None = None
        self.dialog: AppointmentDialog | None = None
        self.outbox_dialog: OutboxDialog | None = None

    def start_sender(self, appointments: Any) -> None:
        self.sender_ = OutboxSender(self.window.runner, appointments, self)
        self.sender_.finished.connect(self._on_sent)
        self.sender_.requestSent.connect(self._on_request_sent)
        self.sender_.failed.connect(self._on_send_failed)
        self.sender_.start()

    def stop_sender(self) -> None:
        if self.sender_ is not None:
            self.sender_.stop()

    @Slot()
    def request_for_current(self) -> None:
        hit = self.follow.picking.selected_hit() or self.window.details.hit()
        if hit is None or hit.item.kind is not Kind.FORMATION:
            self.window.statusBar().showMessage(
                "Choisissez d'abord une formation dans la liste.", 5000
            )
            return
        self.open_appointment(item=hit.item)

    @Slot(object)
    def on_details_rdv(self, item: Item) -> None:
        self.open_appointment(item=item)

    @Slot(int)
    def on_shortlist_rdv(self, entry_id: int) -> None:
        self.open_appointment(entry_id=entry_id)

    def open_appointment(self, *, item: Item | None = None, entry_id: int | None = None) -> None:
        follow = self.follow
        if follow.read_only:
            self.window.statusBar().showMessage(
                f"{follow.read_only} : les demandes de rendez-vous attendent son retour.", 8000
            )
            return
        person = follow.require_person()
        if person is None or follow.services is None:
            return
        try:
            form = follow.appointments.prefill(person_id=person.id, item=item, entry_id=entry_id)
        except LbaError as exc:
            follow.show_error(exc)
            return
        dialog = AppointmentDialog(follow.appointments, form, parent=self.window)
        dialog.saved.connect(self._on_request_saved)
        dialog.sendRequested.connect(self._on_send_requested)
        self.dialog = dialog
        dialog.open()

    @Slot(object)
    def _on_request_saved(self, request: Any) -> None:
        self.follow.shortlist.reload()
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
        follow = self.follow
        if follow.services is None or self.sender_ is None:
            return
        if self.outbox_dialog is None:
            self.outbox_dialog = OutboxDialog(follow.appointments, self.sender_, self.window)
            self.outbox_dialog.changed.connect(follow.shortlist.reload)
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
            self.follow.shortlist.reload()
            self.window.statusBar().showMessage(
                f"Demandes de rendez-vous : {report.summary_fr}", 6000
            )

    @Slot(object)
    def _on_request_sent(self, request: Any) -> None:
        self.follow.shortlist.reload()
        self.window.statusBar().showMessage(
            f"Demande de rendez-vous n° {request.id} : {request.status_detail_fr}", 8000
        )

    @Slot(object)
    def _on_send_failed(self, exc: LbaError) -> None:
        self.window.statusBar().showMessage(f"Envoi des demandes : {exc.message}", 8000)
