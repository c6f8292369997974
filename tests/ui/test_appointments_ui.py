"""The CFA appointment request form from a training, its field errors, the outbox view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lba_desktop.appointments import AppointmentService
from lba_desktop.models import Kind
from lba_desktop.ui.results_model import ItemRole
from tests.ui.test_main_window import search_from_keyboard
from tests.ui.test_people_ui import SHOTS, create_person, ready


def test_request_form_errors_then_outbox(qtbot: Any, window: Any) -> None:
    follow = ready(qtbot, window)
    create_person(qtbot, follow, first_name="Léa", last_name="Martin", email="lea@exemple.fr")
    search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    proxy = window.proxy
    row = next(
        r
        for r in range(proxy.rowCount())
        if proxy.index(r, 0).data(ItemRole).kind is Kind.FORMATION
    )
    window.table.selectRow(row)
    follow.rdv.request_for_current()
    dialog = follow.rdv.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.edits["first_name"].text() == "Léa"
    assert dialog.channel_label.text()

    dialog.submit()  # no phone, no reason
    assert dialog.isVisible()
    assert dialog.errors["reasons"].isVisible()
    assert dialog.errors["phone"].isVisible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dialog.grab().save(str(SHOTS / "appointment_dialog.png"))

    dialog.edits["phone"].setText("06 12 34 56 78")
    dialog.reason_boxes["place"].setChecked(True)
    dialog.reason_boxes["autre"].setChecked(True)
    dialog.submit()
    assert dialog.errors["message"].isVisible()  # « Autre » needs a message
    dialog.message_edit.setPlainText("Visiter l'atelier")
    with qtbot.waitSignal(dialog.saved, timeout=5_000):
        dialog.submit()
    assert not dialog.isVisible()

    with AppointmentService() as service:
        (request,) = service.list_requests()
        assert request.reasons == ("place", "autre") and request.message == "Visiter l'atelier"

    follow.rdv.show_outbox()
    outbox = follow.rdv.outbox_dialog
    assert outbox.model.rowCount() == 1
    assert outbox.model.request(0).id == request.id
    outbox.grab().save(str(SHOTS / "outbox.png"))
    outbox.close()


def test_shortlist_shows_the_request_status(qtbot: Any, window: Any, tmp_path: Path) -> None:
    follow = ready(qtbot, window)
    create_person(
        qtbot, follow, first_name="Léa", last_name="M", email="l@exemple.fr", phone="0612345678"
    )
    search_from_keyboard(qtbot, window, "boulanger", "Aurillac")
    proxy = window.proxy
    row = next(
        r
        for r in range(proxy.rowCount())
        if proxy.index(r, 0).data(ItemRole).kind is Kind.FORMATION
    )
    window.table.selectRow(row)
    follow.picking.add_current()
    view = follow.shortlist
    view.table.selectRow(0)
    view.request_appointment()
    dialog = follow.rdv.dialog
    dialog.reason_boxes["contenu"].setChecked(True)
    with qtbot.waitSignal(dialog.saved, timeout=5_000):
        dialog.submit()
    from lba_desktop.ui.shortlist_model import COL_RDV

    assert view.model.index(0, COL_RDV).data() == "Brouillon"
