"""« Envoi des demandes »: every appointment request with its status and what to do next, and
the background sender that goes through the outbox every few minutes and on demand."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lba_desktop.appointments import RequestStatus, SendReport
from lba_desktop.errors import LbaError
from lba_desktop.ui.appointment_dialog import prepare_email_flow
from lba_desktop.ui.backend import send_pending_requests, send_request_now
from lba_desktop.ui.messages import plain_message
from lba_desktop.ui.table_model import ListTableModel
from lba_desktop.ui.tasks import TaskRunner

SEND_INTERVAL_MS = 5 * 60 * 1000  # the outbox's own backoff decides what is actually due

COL_DATE, COL_PERSON, COL_TRAINING, COL_STATUS, COL_NEXT, COL_REASON = range(6)
HEADERS = ("Date", "Personne", "Formation", "Statut", "Prochain essai", "Motif de l'échec")
HEADER_TIPS = (
    "Date de la demande",
    "Jeune (ou parent) qui fait la demande",
    "Formation et CFA",
    "Où en est la demande",
    "Quand l'application réessaiera d'elle-même",
    "Pourquoi le dernier envoi a échoué",
)
SortRole = Qt.ItemDataRole.UserRole + 1
ItemRole = Qt.ItemDataRole.UserRole + 2  # the AppointmentRequest

Index = QModelIndex | QPersistentModelIndex


def _when(moment: Any) -> str:
    if moment is None:
        return ""
    local = moment.astimezone()
    return f"{local:%d/%m/%Y %H:%M}"


class OutboxModel(ListTableModel):
    """Rows are AppointmentRequests, newest first (the service's order)."""

    HEADERS = HEADERS
    HEADER_TIPS = HEADER_TIPS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)

    def request(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        request = self.request(index.row()) if index.isValid() else None
        if request is None:
            return None
        col = index.column()
        if role == ItemRole:
            return request
        if role == SortRole:
            return request.created_at.isoformat() if col == COL_DATE else self._text(request, col)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(request, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_STATUS:
                return request.status_detail_fr
            if col == COL_TRAINING:
                return f"{request.training.title}\n{request.training.cfa_name}\n" + (
                    request.training.channel_fr
                )
            return self._text(request, col) or None
        failed = request.status is RequestStatus.ECHEC
        if role == Qt.ItemDataRole.ForegroundRole and col == COL_STATUS and failed:
            return QColor("#c0392b")
        return None

    @staticmethod
    def _text(request: Any, col: int) -> str:
        if col == COL_DATE:
            return _when(request.created_at)
        if col == COL_PERSON:
            return request.display_name
        if col == COL_TRAINING:
            cfa = request.training.cfa_name
            return request.training.title + (f" — {cfa}" if cfa else "")
        if col == COL_STATUS:
            return request.status.label_fr
        if col == COL_NEXT:
            return _when(request.next_retry_at)
        if col == COL_REASON:
            return request.failure_reason or request.delivery_note_fr
        return ""


class OutboxSender(QObject):
    """Sends what is due every few minutes and on demand, one pass at a time, in the runner."""

    finished = Signal(object)  # the SendReport of a pass
    requestSent = Signal(object)  # the AppointmentRequest after « Réessayer maintenant »
    failed = Signal(object)  # an LbaError

    def __init__(self, runner: TaskRunner, appointments: Any, parent: QObject | None = None):
        super().__init__(parent)
        self.runner = runner
        self.appointments = appointments
        self.busy = False
        self.timer = QTimer(self)
        self.timer.setInterval(SEND_INTERVAL_MS)
        self.timer.timeout.connect(self.send_pending)

    def start(self) -> None:
        self.timer.start()
        self.send_pending()

    def stop(self) -> None:
        self.timer.stop()

    @Slot()
    def send_pending(self) -> None:
        if self.busy:
            return  # the pass in flight already covers what is due
        try:
            # A cheap read here: the pool (and the network) is only used when something waits.
            due = self.appointments.due()
        except LbaError as exc:
            self.failed.emit(exc)
            return
        if not due:
            self.finished.emit(SendReport())
            return
        self.busy = True
        self.runner.start(
            send_pending_requests,
            self.appointments,
            succeeded=self._on_pass_done,
            failed=self._on_failed,
        )

    def send_one(self, request_id: int) -> None:
        self.runner.start(
            send_request_now,
            self.appointments,
            request_id,
            succeeded=self._on_sent,
            failed=self._on_failed,
        )

    @Slot(object)
    def _on_pass_done(self, report: Any) -> None:
        self.busy = False
        self.finished.emit(report)

    @Slot(object)
    def _on_sent(self, request: Any) -> None:
        self.requestSent.emit(request)

    @Slot(object)
    def _on_failed(self, exc: Exception) -> None:
        self.busy = False
        self.failed.emit(exc if isinstance(exc, LbaError) else LbaError("Envoi impossible."))


class OutboxDialog(QDialog):
    """The list of requests and the three actions on the selected one."""

    changed = Signal()  # a request changed status here (the shortlist shows it)

    def __init__(self, appointments: Any, sender: OutboxSender, parent: QWidget | None = None):
        super().__init__(parent)
        self.appointments = appointments
        self.sender_ = sender
        self.setWindowTitle("Envoi des demandes de rendez-vous")
        self.setAccessibleName(self.windowTitle())
        self.resize(960, 420)
        self.model = OutboxModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TRAINING, QHeaderView.ResizeMode.Stretch)
        for col in (COL_DATE, COL_STATUS, COL_NEXT):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.resizeSection(COL_PERSON, 150)
        header.resizeSection(COL_REASON, 220)
        self.table.setAccessibleName("Demandes de rendez-vous")
        self.table.setToolTip("Toutes les demandes, les plus récentes d'abord")
        self.table.selectionModel().selectionChanged.connect(self._on_selection)

        self.summary = QLabel()
        self.summary.setAccessibleName("Résumé des envois")
        self.empty = QLabel(
            "Aucune demande de rendez-vous pour l'instant. Ouvrez une formation et choisissez "
            "« Demander un rendez-vous »."
        )
        self.empty.setWordWrap(True)
        self.retry_button = self._button(
            "&Réessayer maintenant", "Envoyer tout de suite la demande choisie", self.retry
        )
        self.email_button = self._button(
            "Préparer l'&e-mail…", "Écrire la demande en e-mail pour le CFA", self.prepare_email
        )
        self.transmit_button = self._button(
            "Marquer &transmise",
            "La demande a été transmise au CFA par e-mail ou par téléphone",
            self.mark_transmitted,
        )
        self.send_all_button = self._button(
            "&Envoyer les demandes en attente",
            "Envoyer maintenant tout ce qui attend (sinon, toutes les 5 minutes)",
            sender.send_pending,
        )
        close = self._button("&Fermer", "Fermer cette fenêtre", self.close)

        actions = QHBoxLayout()
        for button in (self.retry_button, self.email_button, self.transmit_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.send_all_button)
        actions.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(actions)

        sender.finished.connect(self._on_pass_done)
        sender.requestSent.connect(self._on_sent)
        sender.failed.connect(self._on_failed)
        self.reload()

    def _button(self, text: str, tip: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.setToolTip(tip)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.clicked.connect(slot)
        return button

    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.request(rows[0].row()) if rows else None

    @Slot()
    def reload(self) -> None:
        chosen = self.selected()
        self.model.set_rows(self.appointments.list_requests())
        counts = self.appointments.counts()
        waiting = (
            counts[RequestStatus.A_ENVOYER]
            + counts[RequestStatus.EN_COURS]
            + counts[RequestStatus.ECHEC]
        )
        self.summary.setText(
            f"{self.model.rowCount()} demande(s) — {counts[RequestStatus.ENVOYEE]} envoyée(s), "
            f"{counts[RequestStatus.TRANSMISE_EMAIL]} transmise(s) par e-mail, "
            f"{counts[RequestStatus.BROUILLON]} à transmettre par e-mail, "
            f"{waiting} en attente d'envoi."
        )
        self.empty.setVisible(self.model.rowCount() == 0)
        if chosen is not None:
            for row in range(self.model.rowCount()):
                if self.model.request(row).id == chosen.id:
                    self.table.selectRow(row)
        self._update_buttons()

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_buttons()

    def _update_buttons(self) -> None:
        request = self.selected()
        done = request is None or request.status in (
            RequestStatus.ENVOYEE,
            RequestStatus.TRANSMISE_EMAIL,
        )
        online = request is not None and request.training.rdv_eligible is not False
        self.retry_button.setEnabled(not done and online)
        known = request is not None and bool(request.training.cfa_email)
        self.email_button.setEnabled(not done and known)
        self.email_button.setToolTip(
            "Écrire la demande en e-mail pour le CFA"
            if known or request is None
            else "L'e-mail de ce CFA n'est pas publié : demande en ligne ou téléphone "
            + (f"({request.training.cfa_phone})" if request.training.cfa_phone else "")
        )
        self.transmit_button.setEnabled(not done)

    # -- actions

    @Slot()
    def retry(self) -> None:
        request = self.selected()
        if request is not None:
            self.retry_button.setEnabled(False)
            self.sender_.send_one(request.id)

    @Slot()
    def prepare_email(self) -> None:
        request = self.selected()
        if request is None:
            return
        prepare_email_flow(self, self.appointments, request.id)
        self.reload()
        self.changed.emit()

    @Slot()
    def mark_transmitted(self) -> None:
        request = self.selected()
        if request is None:
            return
        try:
            self.appointments.mark_transmitted(request.id)
        except LbaError as exc:
            plain_message(self, "Marquer transmise", f"{exc.message} {exc.hint}")
        self.reload()
        self.changed.emit()

    @Slot(object)
    def _on_pass_done(self, report: Any) -> None:
        self.reload()
        self.summary.setText(self.summary.text() + f" Dernier envoi : {report.summary_fr}")

    @Slot(object)
    def _on_sent(self, request: Any) -> None:
        self.reload()
        self.summary.setText(
            self.summary.text() + f" Demande n° {request.id} : {request.status_detail_fr}"
        )

    @Slot(object)
    def _on_failed(self, exc: Any) -> None:
        self.reload()
        self.summary.setText(self.summary.text() + f" {exc.message} {exc.hint}".rstrip())
